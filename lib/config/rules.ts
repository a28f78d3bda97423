// The configuration schema: every known key, its type and what it means, checked with key paths.
import { didYouMean } from './did-you-mean.js';
import { isPlainObject, own } from './merge.js';

/** One problem found in one source, with the key path it concerns. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

type Check = (value: unknown, path: (string | number)[], out: Problem[]) => void;

const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
/** A DNS-1123 label (without its 63-character limit): what Kubernetes accepts as most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain: the names of cluster-scoped objects such as instance types (`u1.medium`). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
export const MAX_REPLICAS = 1000;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  return String(value);
}

const integer = (min: number, max: number, what = ''): Check => (v, path, out) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    out.push({ path, message: `expected an integer${what}, got ${show(v)}` });
  } else if (v < min || v > max) {
    out.push({ path, message: `must be between ${min} and ${max}${what}, got ${v}` });
  }
};

const string = (test?: { pattern: RegExp; hint: string }): Check => (v, path, out) => {
  if (typeof v !== 'string' || v === '') out.push({ path, message: `expected a non-empty string, got ${show(v)}` });
  else if (test && !test.pattern.test(v)) out.push({ path, message: `${show(v)} ${test.hint}` });
};

const oneOf = (...values: string[]): Check => (v, path, out) => {
  if (typeof v !== 'string' || !values.includes(v)) {
    const near = typeof v === 'string' ? didYouMean(v, values) : undefined;
    out.push({ path, message: `expected one of ${values.join(', ')}, got ${show(v)}${near ? ` (did you mean "${near}"?)` : ''}` });
  }
};

const quantity: Check = string({ pattern: QUANTITY, hint: 'is not a Kubernetes quantity: write it like 4Gi or 512Mi' });
const dnsLabel: Check = string({ pattern: DNS_LABEL, hint: 'is not a valid name: use lower case letters, digits and "-" (DNS-1123 label)' });

const anyObject: Check = (v, path, out) => {
  if (!isPlainObject(v)) out.push({ path, message: `expected a mapping (a Kubernetes object), got ${show(v)}` });
};

const boolean: Check = (v, path, out) => {
  if (typeof v !== 'boolean') out.push({ path, message: `expected true or false, got ${show(v)}` });
};

const list: Check = (v, path, out) => {
  if (!Array.isArray(v)) out.push({ path, message: `expected a list, got ${show(v)}` });
};

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** node_selector and labels: Kubernetes label keys and values; annotations: any string value. */
const stringMap = (values: 'label' | 'any'): Check => (v, path, out) => {
  if (!isPlainObject(v)) return void out.push({ path, message: `expected a mapping of strings, got ${show(v)}` });
  for (const [k, val] of Object.entries(v)) {
    if (!LABEL_KEY.test(k)) out.push({ path: [...path, k], message: `"${k}" is not a valid label or annotation key` });
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') {
      out.push({ path: [...path, k], message: `expected a string value, got ${show(val)}` });
    } else if (values === 'label' && (String(val).length > 63 || !LABEL_VALUE.test(String(val)))) {
      out.push({ path: [...path, k], message: `${show(String(val))} is not a valid label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit` });
    }
  }
};

const textOrMap: Check = (v, path, out) => {
  if (typeof v !== 'string' && !isPlainObject(v)) {
    out.push({ path, message: `expected a cloud-config text or a mapping, got ${show(v)}` });
  }
};

const stringOrList: Check = (v, path, out) => {
  if (typeof v === 'string') return;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) out.push({ path, message: `expected a string or a list of strings, got ${show(v)}` });
};

/** A mapping with known fields; `required` lists fields that must be present. */
const fields = (known: Record<string, Check>, required: string[] = []): Check => (v, path, out) => {
  if (!isPlainObject(v)) return void out.push({ path, message: `expected a mapping, got ${show(v)}` });
  for (const [k, val] of Object.entries(v)) {
    const check = own(known, k);
    if (check) check(val, [...path, k], out);
    else out.push({ path: [...path, k], message: unknownKey(k, Object.keys(known)) });
  }
  for (const k of required) if (!Object.hasOwn(v, k)) out.push({ path: [...path, k], message: 'is required' });
};

export function unknownKey(key: string, known: string[]): string {
  const near = didYouMean(key, known);
  return `unknown key${near ? ` (did you mean "${near}"?)` : `; known keys: ${known.join(', ')}`}`;
}

const objectName: Check = (v, path, out) => {
  string({ pattern: DNS_SUBDOMAIN, hint: 'is not a valid object name: lower case letters, digits, "-" and "." (DNS-1123 subdomain)' })(v, path, out);
  if (typeof v === 'string' && v.length > 253) out.push({ path, message: 'is longer than 253 characters' });
};

/** The kinds an `instancetype` or `preference` may name; the first is KubeVirt's default. */
export const INSTANCETYPE_KINDS = ['VirtualMachineClusterInstancetype', 'VirtualMachineInstancetype'] as const;
export const PREFERENCE_KINDS = ['VirtualMachineClusterPreference', 'VirtualMachinePreference'] as const;

/** `instancetype` / `preference`: a name, or `{name, kind}`. */
const reference = (kinds: readonly string[]): Check => (v, path, out) => {
  if (typeof v === 'string') return objectName(v, path, out);
  if (!isPlainObject(v)) return void out.push({ path, message: `expected a name or a mapping {name, kind}, got ${show(v)}` });
  fields({ name: objectName, kind: oneOf(...kinds) }, ['name'])(v, path, out);
};

const namespacedRef = fields({ namespace: dnsLabel, name: string() }, ['name']);

const image: Check = (v, path, out) => {
  const sources = ['url', 'registry', 'pvc', 'datasource'];
  if (!isPlainObject(v)) {
    const fix = typeof v === 'string' && /^https?:\/\//.test(v) ? ` (for a URL write image_url: ${v}, or image: {url: ${v}})` : '';
    return void out.push({ path, message: `expected a mapping with one of ${sources.join(', ')}, got ${show(v)}${fix}` });
  }
  fields({
    url: string({ pattern: /^https?:\/\/\S+$/, hint: 'must be an http:// or https:// URL' }),
    registry: string({ pattern: /^docker:\/\/\S+$/, hint: 'must be a docker:// image reference' }),
    pvc: namespacedRef,
    datasource: namespacedRef,
    secret_ref: string(),
    cert_configmap: string(),
  })(v, path, out);
  const given = sources.filter((s) => Object.hasOwn(v, s));
  if (given.length !== 1) {
    out.push({ path, message: given.length ? `give exactly one image source, not ${given.join(' and ')}` : `has no usable source: give one of ${sources.join(', ')}` });
  }
};

const ipam = fields({
  range: string(),
  gateway: string(),
  dns: (v, path, out) => {
    stringOrList(v, path, out);
    // `dns: "10.0.0.53,10.0.0.54"` is one (invalid) server, not two.
    if (typeof v === 'string' && /[,\s]/.test(v.trim())) {
      out.push({ path, message: `${show(v)} holds several servers in one string: write a list, dns: [${v.split(/[,\s]+/).filter(Boolean).join(', ')}]` });
    }
  },
  offset: integer(1, 65535),
  reserved: (v, path, out) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      out.push({ path, message: `expected a list of addresses or ranges like 10.215.100.160-10.215.100.170, got ${show(v)}` });
    }
  },
  mode: oneOf('nad', 'cloud-init'),
});

const networkEntry: Check = (v, path, out) => {
  if (isPlainObject(v) && v.type !== undefined) {
    oneOf('pod')(v.type, [...path, 'type'], out);
    const extra = Object.keys(v).filter((k) => k !== 'type' && k !== 'guest_interface');
    if (extra.length) out.push({ path: [...path, extra[0]], message: 'a pod network takes no other settings than guest_interface' });
    return;
  }
  fields({
    nad_name: dnsLabel,
    bridge: string(),
    vlan: integer(1, 4094),
    cni_type: string(),
    mtu: integer(576, 65535),
    guest_interface: string(),
    ipam,
  })(v, path, out);
};

/**
 * Checks a catalog entry after all layers merged into it: one file may refine another's entry
 * (a spec adding `ipam` to config.yaml's `lan`), so required settings are only known here.
 */
export function checkMergedNetwork(v: Record<string, unknown>, path: (string | number)[]): Problem[] {
  const out: Problem[] = [];
  if (v.type !== undefined) {
    // One layer says type: pod, another adds bridge or ipam: that would be ignored without a word.
    const extra = Object.keys(v).filter((k) => k !== 'type' && k !== 'guest_interface');
    if (extra.length) out.push({ path: [...path, extra[0]], message: 'this entry is type: pod (the pod network), which takes no other settings than guest_interface' });
    return out;
  }
  if (v.nad_name === undefined) out.push({ path: [...path, 'nad_name'], message: 'is required: the NetworkAttachmentDefinition name (or type: pod)' });
  if (isPlainObject(v.ipam) && v.ipam.range === undefined) out.push({ path: [...path, 'ipam', 'range'], message: 'is required for static addresses, like 10.215.100.0/24' });
  if (v.ipam !== undefined && v.bridge === undefined) {
    out.push({ path: [...path, 'ipam'], message: 'static addresses need a bridge: add bridge (the node bridge the NAD attaches to)' });
  }
  return out;
}

const attachEntry: Check = fields({ name: dnsLabel, offset: integer(1, 65535) }, ['name']);

const catalogOrList: Check = (v, path, out) => {
  if (Array.isArray(v)) {
    // A plain catalog name, or {name, offset}: this spec's own first address on that network.
    v.forEach((item, i) => (isPlainObject(item) ? attachEntry(item, [...path, i], out) : dnsLabel(item, [...path, i], out)));
    return;
  }
  if (!isPlainObject(v)) return void out.push({ path, message: `expected a catalog mapping (name: settings) or a list of catalog names, got ${show(v)}` });
  for (const [name, entry] of Object.entries(v)) {
    if (!DNS_LABEL.test(name) || name.length > 63) out.push({ path: [...path, name], message: 'network names must be DNS-1123 labels (lower case letters, digits, "-")' });
    networkEntry(entry, [...path, name], out);
  }
};

/** Known top-level keys and their checks. Other top-level keys are template variables. */
export const TOP_LEVEL: Record<string, Check> = {
  namespace: dnsLabel,
  name_prefix: dnsLabel,
  replicas: integer(1, MAX_REPLICAS),
  cpu: integer(1, 512),
  memory: quantity,
  cpu_topology: oneOf('cores', 'sockets'),
  max_sockets: integer(1, 512),
  instancetype: reference(INSTANCETYPE_KINDS),
  preference: reference(PREFERENCE_KINDS),
  eviction_strategy: oneOf('LiveMigrate', 'LiveMigrateIfPossible', 'External', 'None'),
  disk_size: quantity,
  image,
  image_url: string({ pattern: /^https?:\/\/\S+$/, hint: 'must be an http:// or https:// URL' }),
  storage_class: string(),
  access_mode: oneOf('ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOncePod'),
  volume_mode: oneOf('Filesystem', 'Block'),
  networks: catalogOrList,
  network: dnsLabel,
  node_selector: stringMap('label'),
  affinity: anyObject,
  tolerations: list,
  labels: stringMap('label'),
  annotations: stringMap('any'),
  run_strategy: oneOf('Always', 'Halted', 'Manual', 'RerunOnFailure', 'Once'),
  cloud_init: textOrMap,
  network_data: textOrMap,
  generate_network_data: boolean,
};

/** Keys a template variable may not be called: they would shadow computed values. */
export const COMPUTED_VARIABLES = [
  'vm_name', 'index', 'project', 'spec', 'static_ip', 'ip', 'prefix_length', 'netmask',
  'gateway_ip', 'dns_servers', 'interface_name', 'interfaces',
];

function unknownTopLevelKey(key: string): string {
  const near = didYouMean(key, Object.keys(TOP_LEVEL));
  if (near) return `unknown key (did you mean "${near}"?)`;
  return 'unknown key: not a setting, and no cloud_init or network_data template uses it as a variable';
}

/** Checks one source's top-level keys; unknown keys pass only when a template uses them. */
export function checkSource(data: Record<string, unknown>, templateVariables: ReadonlySet<string>): Problem[] {
  const out: Problem[] = [];
  for (const [key, value] of Object.entries(data)) {
    const check = own(TOP_LEVEL, key);
    if (check) check(value, [key], out);
    else if (!templateVariables.has(key)) out.push({ path: [key], message: unknownTopLevelKey(key) });
    else if (COMPUTED_VARIABLES.includes(key)) out.push({ path: [key], message: 'is computed by v-auto for each instance and cannot be set' });
  }
  return out;
}
