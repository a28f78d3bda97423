// The configuration schema: every known key, its type and what it means, checked with key paths.
// Each check carries the JSON Schema of what it accepts, so that the editor schema
// (json-schema.ts, schemas/*.schema.json) is generated from these very rules.
import { didYouMean } from './did-you-mean.js';
import { isPlainObject, own } from './merge.js';
import { QUANTITY } from '../model/quantity.js';

/** One problem found in one source, with the key path it concerns. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

/** A JSON Schema (draft-07) fragment. */
export type JsonSchema = Record<string, unknown>;

/** Checks a value, adding a problem per mistake; `schema` is what it accepts, for editors. */
export type Check = ((value: unknown, path: (string | number)[], out: Problem[]) => void) & {
  schema: JsonSchema;
};

function rule(
  schema: JsonSchema,
  check: (value: unknown, path: (string | number)[], out: Problem[]) => void,
): Check {
  return Object.assign(check, { schema });
}

/** A DNS-1123 label (without its 63-character limit): what Kubernetes accepts as most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain: the names of cluster-scoped objects such as instance types (`u1.medium`). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
export const MAX_REPLICAS = 1000;
/** `env:NAME`: any setting may read its value from the environment at run time (settings.ts substitutes it). */
export const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** What each nested setting means: shown by editors from the generated schema. */
const FIELD_DESCRIPTIONS: Record<string, string> = {
  nad_name:
    'Required. The NetworkAttachmentDefinition name: per instance <vm>-<nad_name> with static ipam, shared <nad_name> for DHCP, or an existing NAD when only nad_name is given.',
  bridge: 'The node bridge the NAD attaches to. Static addresses (ipam) need one.',
  vlan: 'VLAN tag, 1–4094.',
  cni_type:
    'CNI plugin type of the NAD (default bridge; cnv-bridge is warned about: such VMs fail to live-migrate after an update from 4.12).',
  mtu: 'MTU of the NAD, 576–65535.',
  guest_interface:
    "A name for the NIC inside the guest: the generated network-config renames it (set-name). Without it the NIC keeps the image's name; it is matched by MAC either way.",
  ipam: 'Static addresses: instance i gets network address + offset + (i − 1).',
  range: 'The subnet, like 10.215.100.0/24.',
  gateway: 'The gateway address, inside the range and on no instance.',
  dns: 'DNS servers: a list, like [10.0.0.53, 10.0.0.54] (one server may be a string).',
  offset: "The first instance's offset from the network address (default 101).",
  mode: 'nad (default): static addresses in a NAD per instance; cloud-init: one shared NAD without IPAM, the address given to the guest by a generated cloud-init network-config.',
  reserved:
    'Addresses taken by hand: single addresses or inclusive ranges (10.215.100.160-10.215.100.170); a planned address on one is an error.',
  url: 'An http(s):// disk image URL.',
  registry: 'A docker:// container disk reference.',
  pvc: 'An existing PVC to clone: {namespace, name}.',
  datasource: 'A DataSource to clone: {namespace, name}.',
  file: 'A disk image file on the bastion (relative to the project folder), uploaded once through the CDI upload proxy.',
  size: "The golden disk's size, a Kubernetes quantity (default: disk_size).",
  sha256: "The image's SHA-256: checked before a file: upload, recorded for url and registry.",
  secret_ref: 'A Secret with the credentials for url or registry.',
  cert_configmap: 'A ConfigMap with the CA bundle for url or registry.',
  namespace: 'The namespace.',
  name: 'The name.',
  kind: 'The kind.',
  type: "pod: the pod network (masquerade); localnet: an OVN-Kubernetes localnet network whose NAD the platform made (nad_name); udn: the namespace's primary user-defined network (l2bridge binding). Absent: a Linux bridge NAD v-auto creates.",
  physical_network:
    'localnet: the physicalNetworkName of its ClusterUserDefinedNetwork (the OVS bridge mapping): with vlan, the segment two localnets share.',
};

/** What each top-level setting means: shown by editors from the generated schema. */
export const DESCRIPTIONS: Record<string, string> = {
  namespace:
    "Target namespace, created by deploy when missing. Default: vm-<project> (the project folder's name, so a project named Shop needs namespace: set).",
  name_prefix: "Instance base name: <prefix>-01, -02, … Default: the spec file's name.",
  replicas: `Instance count, 1–${MAX_REPLICAS}. Default 1.`,
  cpu: 'vCPUs (refused beside instancetype). Default 2.',
  memory: 'Guest memory, a Kubernetes quantity like 4Gi (refused beside instancetype). Default 4Gi.',
  cpu_topology: 'How cpu renders: cores (domain.cpu.cores) or sockets (hot-pluggable). Default cores.',
  max_sockets: 'With cpu_topology: sockets, the most sockets a running VM can grow to.',
  instancetype: 'A VirtualMachineClusterInstancetype name (u1.medium), or {name, kind}.',
  preference: 'A VirtualMachineClusterPreference name (rhel.9), or {name, kind}.',
  eviction_strategy: 'What a node drain does to the VM.',
  disk_size: 'Root disk size, a Kubernetes quantity. Default 50Gi.',
  image:
    'The root disk source: the name of an images: catalog entry (a golden image), or exactly one of {url}, {registry}, {pvc: {namespace, name}}, {datasource: {namespace, name}}.',
  upload_proxy:
    "The CDI upload proxy for file: images, https://host[:port]. Default: the cluster's route cdi-uploadproxy in openshift-cnv.",
  images:
    'The image catalog (name → {url | registry | file, size, sha256}): each entry is imported (or uploaded) once per namespace as a golden image that instances clone.',
  image_url: 'Shorthand for image: {url: …}, an http(s):// URL.',
  storage_class: "DataVolume storage class (default: the cluster's).",
  access_mode: "DataVolume access mode (default: the StorageProfile's).",
  volume_mode: "DataVolume volume mode (default: the StorageProfile's).",
  networks:
    'In config.yaml a map, the network catalog (name → settings); in a spec a list of catalog names to attach, each a name or {name, offset}. A spec may also refine a catalog entry with a map.',
  network: 'The one catalog entry this spec attaches (instead of a networks list).',
  node_selector: 'Node labels that must all match (values are text: quote numbers like "01").',
  affinity: 'A Kubernetes affinity object, passed through as is.',
  tolerations: 'A list of Kubernetes tolerations.',
  labels: "Labels added to every resource (v-auto's own labels win).",
  annotations: 'Annotations added to the VirtualMachine.',
  run_strategy: "The VM's runStrategy. Default Always.",
  cloud_init:
    'cloud-config: a Handlebars text template starting with #cloud-config, or a map whose values are templates, written out under #cloud-config.',
  network_data: 'cloud-init networkData: a text template or a map.',
  generate_network_data:
    'false: no generated cloud-init network-config for static networks without network_data. Default true.',
  mac_range:
    "The MACs v-auto plans for its VMs' NICs, start-end (default 0a:76:00:00:00:00-0a:76:ff:ff:ff:ff, outside kubemacpool's default pool). A deployed VM keeps its MAC.",
};

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  return String(value);
}

const integer = (min: number, max: number, what = ''): Check =>
  rule({ type: 'integer', minimum: min, maximum: max }, (v, path, out) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      out.push({ path, message: `expected an integer${what}, got ${show(v)}` });
    } else if (v < min || v > max) {
      out.push({ path, message: `must be between ${min} and ${max}${what}, got ${v}` });
    }
  });

const string = (test?: { pattern: RegExp; hint: string }): Check =>
  rule({ type: 'string', minLength: 1, ...(test && { pattern: test.pattern.source }) }, (v, path, out) => {
    if (typeof v !== 'string' || v === '')
      out.push({ path, message: `expected a non-empty string, got ${show(v)}` });
    else if (test && !test.pattern.test(v)) out.push({ path, message: `${show(v)} ${test.hint}` });
  });

const oneOf = (...values: string[]): Check =>
  rule({ enum: values }, (v, path, out) => {
    if (typeof v !== 'string' || !values.includes(v)) {
      const near = typeof v === 'string' ? didYouMean(v, values) : undefined;
      out.push({
        path,
        message: `expected one of ${values.join(', ')}, got ${show(v)}${near ? ` (did you mean "${near}"?)` : ''}`,
      });
    }
  });

const quantity: Check = string({
  pattern: QUANTITY,
  hint: 'is not a Kubernetes quantity: write it like 4Gi or 512Mi',
});
const dnsLabel: Check = string({
  pattern: DNS_LABEL,
  hint: 'is not a valid name: use lower case letters, digits and "-" (DNS-1123 label)',
});

const boolean: Check = rule({ type: 'boolean' }, (v, path, out) => {
  if (typeof v !== 'boolean') out.push({ path, message: `expected true or false, got ${show(v)}` });
});

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Label and annotation keys under `v-auto/` are v-auto's own: its ownership labels (a spec's
 * `labels` would change which objects are whose), `v-auto/stopped-at`, `v-auto/kept`.
 */
const RESERVED_PREFIX = 'v-auto/';

/** node_selector and labels: Kubernetes label keys and values; annotations: any string value. */
const stringMap = (values: 'label' | 'any', reserved = false): Check =>
  rule(
    {
      type: 'object',
      propertyNames: reserved
        ? { pattern: LABEL_KEY.source, not: { pattern: `^${RESERVED_PREFIX}` } }
        : { pattern: LABEL_KEY.source },
      additionalProperties:
        values === 'label'
          ? { type: ['string', 'number', 'boolean'], maxLength: 63, pattern: LABEL_VALUE.source }
          : { type: ['string', 'number', 'boolean'] },
    },
    (v, path, out) => {
      if (!isPlainObject(v))
        return void out.push({ path, message: `expected a mapping of strings, got ${show(v)}` });
      for (const [k, val] of Object.entries(v)) {
        if (!LABEL_KEY.test(k))
          out.push({ path: [...path, k], message: `"${k}" is not a valid label or annotation key` });
        else if (reserved && k.startsWith(RESERVED_PREFIX))
          out.push({
            path: [...path, k],
            message: `"${k}" is reserved: keys under ${RESERVED_PREFIX} are v-auto's own (which objects are whose, stop state, kept items); use another prefix`,
          });
        if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') {
          out.push({ path: [...path, k], message: `expected a string value, got ${show(val)}` });
        } else if (values === 'label' && (String(val).length > 63 || !LABEL_VALUE.test(String(val)))) {
          out.push({
            path: [...path, k],
            message: `${show(String(val))} is not a valid label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
          });
        }
      }
    },
  );

const textOrMap: Check = rule({ type: ['string', 'object'] }, (v, path, out) => {
  if (typeof v !== 'string' && !isPlainObject(v)) {
    out.push({ path, message: `expected a cloud-config text or a mapping, got ${show(v)}` });
  }
});

/** A mapping with known fields; `required` lists fields that must be present. */
const fields = (known: Record<string, Check>, required: string[] = []): Check =>
  rule(
    {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(known).map(([k, c]) => [k, described(c.schema, FIELD_DESCRIPTIONS[k])]),
      ),
      ...(required.length && { required }),
      additionalProperties: false,
    },
    (v, path, out) => {
      if (!isPlainObject(v)) return void out.push({ path, message: `expected a mapping, got ${show(v)}` });
      for (const [k, val] of Object.entries(v)) {
        const check = own(known, k);
        if (check) check(val, [...path, k], out);
        else out.push({ path: [...path, k], message: unknownKey(k, Object.keys(known)) });
      }
      for (const k of required)
        if (!Object.hasOwn(v, k)) out.push({ path: [...path, k], message: 'is required' });
    },
  );

function described(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description ? { description, ...schema } : schema;
}

export function unknownKey(key: string, known: string[]): string {
  const near = didYouMean(key, known);
  return `unknown key${near ? ` (did you mean "${near}"?)` : `; known keys: ${known.join(', ')}`}`;
}

const subdomain = string({
  pattern: DNS_SUBDOMAIN,
  hint: 'is not a valid object name: lower case letters, digits, "-" and "." (DNS-1123 subdomain)',
});
const objectName: Check = rule({ ...subdomain.schema, maxLength: 253 }, (v, path, out) => {
  subdomain(v, path, out);
  if (typeof v === 'string' && v.length > 253) out.push({ path, message: 'is longer than 253 characters' });
});

/** The kinds an `instancetype` or `preference` may name; the first is KubeVirt's default. */
export const INSTANCETYPE_KINDS = [
  'VirtualMachineClusterInstancetype',
  'VirtualMachineInstancetype',
] as const;
export const PREFERENCE_KINDS = ['VirtualMachineClusterPreference', 'VirtualMachinePreference'] as const;

/** `instancetype` / `preference`: a name, or `{name, kind}`. */
const reference = (kinds: readonly string[]): Check => {
  const named = fields({ name: objectName, kind: oneOf(...kinds) }, ['name']);
  return rule({ anyOf: [objectName.schema, named.schema] }, (v, path, out) => {
    if (typeof v === 'string') return objectName(v, path, out);
    if (!isPlainObject(v))
      return void out.push({ path, message: `expected a name or a mapping {name, kind}, got ${show(v)}` });
    named(v, path, out);
  });
};

const namespacedRef = fields({ namespace: dnsLabel, name: string() }, ['name']);

const IMAGE_SOURCES = ['url', 'registry', 'pvc', 'datasource'];
/** image.url and its shorthand image_url: one rule. */
const imageUrl = string({ pattern: /^https?:\/\/\S+$/, hint: 'must be an http:// or https:// URL' });
const registryRef = string({ pattern: /^docker:\/\/\S+$/, hint: 'must be a docker:// image reference' });
const imageFields = fields({
  url: imageUrl,
  registry: registryRef,
  pvc: namespacedRef,
  datasource: namespacedRef,
  secret_ref: string(),
  cert_configmap: string(),
});
/** Exactly one source: the schema says it as "one of these required". */
const imageSource: Check = rule(
  { ...imageFields.schema, oneOf: IMAGE_SOURCES.map((s) => ({ required: [s] })) },
  (v, path, out) => {
    if (!isPlainObject(v)) {
      const fix =
        typeof v !== 'string'
          ? ''
          : /^https?:\/\//.test(v)
            ? ` (for a URL write image_url: ${v}, or image: {url: ${v}})`
            : /^docker:\/\//.test(v)
              ? ` (for a container image write image: {registry: ${v}})`
              : '';
      return void out.push({
        path,
        message: `expected an images: catalog name or a mapping with one of ${IMAGE_SOURCES.join(', ')}, got ${show(v)}${fix}`,
      });
    }
    imageFields(v, path, out);
    exactlyOne(v, IMAGE_SOURCES, path, out);
  },
);
/** `image`: a catalog name (a golden image), or one source given in place. */
const image: Check = rule({ anyOf: [dnsLabel.schema, imageSource.schema] }, (v, path, out) =>
  // A URL or a docker:// reference is a source written as text: say how to write it as one.
  typeof v === 'string' && !/^(https?|docker):\/\//.test(v)
    ? dnsLabel(v, path, out)
    : imageSource(v, path, out),
);

function exactlyOne(
  v: Record<string, unknown>,
  sources: string[],
  path: (string | number)[],
  out: Problem[],
) {
  const given = sources.filter((s) => Object.hasOwn(v, s));
  if (given.length !== 1) {
    out.push({
      path,
      message: given.length
        ? `give exactly one image source, not ${given.join(' and ')}`
        : `has no usable source: give one of ${sources.join(', ')}`,
    });
  }
}

const GOLDEN_SOURCES = ['url', 'registry', 'file'];
const goldenFields = fields({
  url: imageUrl,
  registry: registryRef,
  file: string(),
  size: quantity,
  sha256: string({ pattern: /^[0-9a-f]{64}$/, hint: 'is not a SHA-256: 64 lower case hex digits' }),
  secret_ref: string(),
  cert_configmap: string(),
});
/** `images:` the catalog of golden images, by name: each entry one source. */
const imageCatalog: Check = rule(
  {
    type: 'object',
    propertyNames: { pattern: DNS_LABEL.source, maxLength: 50 },
    additionalProperties: { ...goldenFields.schema, oneOf: GOLDEN_SOURCES.map((s) => ({ required: [s] })) },
  },
  (v, path, out) => {
    if (!isPlainObject(v))
      return void out.push({
        path,
        message: `expected a mapping of image names to {url | registry | file}, got ${show(v)}`,
      });
    for (const [name, entry] of Object.entries(v)) {
      // The golden DataVolume is <name>-<8 hex>: the name keeps room for that suffix under 63.
      if (!DNS_LABEL.test(name) || name.length > 50)
        out.push({
          path: [...path, name],
          message:
            'image names must be DNS-1123 labels of at most 50 characters (lower case letters, digits, "-")',
        });
      goldenFields(entry, [...path, name], out);
      if (isPlainObject(entry)) exactlyOne(entry, GOLDEN_SOURCES, [...path, name], out);
    }
  },
);

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;
const ipamChecks: Record<string, Check> = {
  range: string({
    pattern: new RegExp(`^${IPV4}/([0-9]|[12][0-9]|3[0-2])$`),
    hint: 'is not an IPv4 CIDR range',
  }),
  gateway: string({ pattern: new RegExp(`^${IPV4}$`), hint: 'is not an IPv4 address' }),
  // One server as a string, or a list. `dns: "10.0.0.53,10.0.0.54"` is one (invalid) server, not two.
  dns: rule(
    {
      anyOf: [
        { type: 'string', pattern: '^\\s*[^,\\s]+\\s*$' },
        { type: 'array', items: { type: 'string' } },
      ],
    },
    (v, path, out) => {
      if (typeof v !== 'string' && (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))) {
        out.push({ path, message: `expected a string or a list of strings, got ${show(v)}` });
      } else if (typeof v === 'string' && /[,\s]/.test(v.trim())) {
        out.push({
          path,
          message: `${show(v)} holds several servers in one string: write a list, dns: [${v
            .split(/[,\s]+/)
            .filter(Boolean)
            .join(', ')}]`,
        });
      }
    },
  ),
  offset: integer(1, 65535),
  reserved: rule({ type: 'array', items: { type: 'string', minLength: 1 } }, (v, path, out) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      out.push({
        path,
        message: `expected a list of addresses or ranges like 10.215.100.160-10.215.100.170, got ${show(v)}`,
      });
    }
  }),
  mode: oneOf('nad', 'cloud-init'),
};
const ipam = fields(ipamChecks);

const podEntry = fields({ type: oneOf('pod'), guest_interface: string() }, ['type']);
/** The ipam an OVN network takes: the address is planned, never written into a NAD (OVN owns it), so no mode. */
const ovnIpam = fields(Object.fromEntries(Object.entries(ipamChecks).filter(([k]) => k !== 'mode')));
// OVN-Kubernetes generates a localnet's NAD in each namespace its ClusterUserDefinedNetwork selects,
// named after it (ovn-kubernetes/ovn-kubernetes@8871cd9c go-controller/pkg/clustermanager/
// userdefinednetwork/template/net-attach-def-template.go RenderNetAttachDefManifest): v-auto only names it.
const localnetEntry = fields(
  {
    type: oneOf('localnet'),
    nad_name: dnsLabel,
    physical_network: string(),
    vlan: integer(1, 4094),
    mtu: integer(576, 65535),
    guest_interface: string(),
    ipam: ovnIpam,
  },
  ['type', 'nad_name'],
);
const udnEntry = fields({ type: oneOf('udn'), guest_interface: string(), ipam: ovnIpam }, ['type']);
/** The checks of each `type:` an entry may give. */
const TYPED_ENTRIES: Record<string, Check> = { pod: podEntry, localnet: localnetEntry, udn: udnEntry };
const bridgeEntry = fields({
  nad_name: dnsLabel,
  bridge: string(),
  vlan: integer(1, 4094),
  cni_type: string(),
  mtu: integer(576, 65535),
  guest_interface: string(),
  ipam,
});
const keysOf = (c: Check) => Object.keys((c.schema as { properties: object }).properties);
const BRIDGE_KEYS = keysOf(bridgeEntry);
/** The first setting an entry of this `type` does not take. */
const typedExtraKey = (v: Record<string, unknown>) =>
  Object.keys(v).find((k) => !keysOf(TYPED_ENTRIES[v.type as string]).includes(k));
const TYPE_NAMES: Record<string, string> = {
  pod: 'the pod network',
  localnet: 'an OVN-Kubernetes localnet',
  udn: "the namespace's primary user-defined network",
};
const typedSettings = (type: string) =>
  keysOf(TYPED_ENTRIES[type])
    .filter((k) => k !== 'type')
    .join(', ');
const typedMessage = (type: string) =>
  `a ${type} network takes no other settings than ${typedSettings(type)}`;

const networkEntry: Check = rule(
  { anyOf: [...Object.values(TYPED_ENTRIES).map((c) => c.schema), bridgeEntry.schema] },
  (v, path, out) => {
    if (isPlainObject(v) && v.type !== undefined) {
      oneOf(...Object.keys(TYPED_ENTRIES))(v.type, [...path, 'type'], out);
      if (typeof v.type !== 'string' || !Object.hasOwn(TYPED_ENTRIES, v.type)) return;
      const extra = typedExtraKey(v);
      if (extra) out.push({ path: [...path, extra], message: typedMessage(v.type) });
      else TYPED_ENTRIES[v.type](v, path, out);
      return;
    }
    bridgeEntry(v, path, out);
  },
);

/**
 * Checks a catalog entry after all layers merged into it: one file may refine another's entry
 * (a spec adding `ipam` to config.yaml's `lan`), so required settings are only known here.
 */
export function checkMergedNetwork(v: Record<string, unknown>, path: (string | number)[]): Problem[] {
  const out: Problem[] = [];
  if (typeof v.type === 'string' && Object.hasOwn(TYPED_ENTRIES, v.type)) {
    // One layer says type: pod, another adds bridge or ipam: that would be ignored without a word.
    const extra = typedExtraKey(v);
    if (extra)
      out.push({
        path: [...path, extra],
        message: `this entry is type: ${v.type} (${TYPE_NAMES[v.type]}), which takes no other settings than ${typedSettings(v.type)}`,
      });
    if (v.type === 'localnet' && v.nad_name === undefined)
      out.push({
        path: [...path, 'nad_name'],
        message: 'is required: the NetworkAttachmentDefinition OVN-Kubernetes made for the localnet',
      });
    if (isPlainObject(v.ipam) && v.ipam.range === undefined)
      out.push({ path: [...path, 'ipam', 'range'], message: 'is required for static addresses' });
    return out;
  }
  if (v.nad_name === undefined)
    out.push({
      path: [...path, 'nad_name'],
      message: 'is required: the NetworkAttachmentDefinition name (or type: pod)',
    });
  if (isPlainObject(v.ipam) && v.ipam.range === undefined)
    out.push({
      path: [...path, 'ipam', 'range'],
      message: 'is required for static addresses, like 10.215.100.0/24',
    });
  if (v.ipam !== undefined && v.bridge === undefined) {
    out.push({
      path: [...path, 'ipam'],
      message: 'static addresses need a bridge: add bridge (the node bridge the NAD attaches to)',
    });
  }
  return out;
}

const attachEntry: Check = fields({ name: dnsLabel, offset: integer(1, 65535) }, ['name']);

const NETWORK_NAME = { ...dnsLabel.schema, maxLength: 63 };
const catalogOrList: Check = rule(
  {
    anyOf: [
      {
        type: 'array',
        description: 'the catalog entries this spec attaches, in order',
        items: { anyOf: [dnsLabel.schema, attachEntry.schema] },
      },
      {
        type: 'object',
        description: 'the network catalog: name → settings',
        propertyNames: NETWORK_NAME,
        additionalProperties: networkEntry.schema,
      },
    ],
  },
  (v, path, out) => {
    if (Array.isArray(v)) {
      // A plain catalog name, or {name, offset}: this spec's own first address on that network.
      v.forEach((item, i) =>
        isPlainObject(item) ? attachEntry(item, [...path, i], out) : dnsLabel(item, [...path, i], out),
      );
      return;
    }
    if (!isPlainObject(v))
      return void out.push({
        path,
        message: `expected a catalog mapping (name: settings) or a list of catalog names, got ${show(v)}`,
      });
    for (const [name, entry] of Object.entries(v)) {
      if (!DNS_LABEL.test(name) || name.length > 63)
        out.push({
          path: [...path, name],
          message: 'network names must be DNS-1123 labels (lower case letters, digits, "-")',
        });
      // `ipam:` dedented one level sits beside the networks and would be read as a network named ipam.
      if (
        BRIDGE_KEYS.includes(name) &&
        !(isPlainObject(entry) && Object.keys(entry).every((k) => BRIDGE_KEYS.includes(k) || k === 'type'))
      ) {
        out.push({
          path: [...path, name],
          message: `"${name}" is a setting of a network, not a network name: check the indentation (indent it under the network it belongs to, like its nad_name)`,
        });
        continue;
      }
      networkEntry(entry, [...path, name], out);
    }
  },
);

/**
 * The keys of Kubernetes' Affinity and Toleration (kubernetes/api@v0.32.0 core/v1/types.go:
 * Affinity, NodeAffinity, NodeSelectorTerm, NodeSelectorRequirement, PodAffinity, PodAffinityTerm,
 * WeightedPodAffinityTerm, PreferredSchedulingTerm, Toleration; metav1 LabelSelector), so that a
 * mistyped key is found offline with did-you-mean, as every other key is. A `null` leaf's value is
 * the API server's to judge (deploy's server-side dry run); `[shape]`: a list of such mappings.
 */
type Shape = { [key: string]: Shape | [Shape] | null };
const REQUIREMENT: Shape = { key: null, operator: null, values: null };
const NODE_SELECTOR_TERM: Shape = { matchExpressions: [REQUIREMENT], matchFields: [REQUIREMENT] };
const LABEL_SELECTOR: Shape = { matchLabels: null, matchExpressions: [REQUIREMENT] };
const POD_AFFINITY_TERM: Shape = {
  labelSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  namespaces: null,
  topologyKey: null,
  matchLabelKeys: null,
  mismatchLabelKeys: null,
};
const POD_AFFINITY: Shape = {
  requiredDuringSchedulingIgnoredDuringExecution: [POD_AFFINITY_TERM],
  preferredDuringSchedulingIgnoredDuringExecution: [{ weight: null, podAffinityTerm: POD_AFFINITY_TERM }],
};
const AFFINITY: Shape = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [NODE_SELECTOR_TERM] },
    preferredDuringSchedulingIgnoredDuringExecution: [{ weight: null, preference: NODE_SELECTOR_TERM }],
  },
  podAffinity: POD_AFFINITY,
  podAntiAffinity: POD_AFFINITY,
};
const TOLERATION: Shape = { key: null, operator: null, value: null, effect: null, tolerationSeconds: null };

/** Walks `v` along `shape`: a mapping's keys must be the shape's, a list's items its one shape. */
function checkShape(v: unknown, shape: Shape | [Shape], path: (string | number)[], out: Problem[]): void {
  if (Array.isArray(shape)) {
    if (!Array.isArray(v)) return void out.push({ path, message: `expected a list, got ${show(v)}` });
    v.forEach((item, i) => checkShape(item, shape[0], [...path, i], out));
    return;
  }
  if (!isPlainObject(v))
    return void out.push({ path, message: `expected a mapping (a Kubernetes object), got ${show(v)}` });
  for (const [k, val] of Object.entries(v)) {
    if (!Object.hasOwn(shape, k))
      out.push({ path: [...path, k], message: unknownKey(k, Object.keys(shape)) });
    else if (shape[k] !== null) checkShape(val, shape[k]!, [...path, k], out);
  }
}

const affinity: Check = rule({ type: 'object' }, (v, path, out) => checkShape(v, AFFINITY, path, out));
const tolerations: Check = rule({ type: 'array' }, (v, path, out) => checkShape(v, [TOLERATION], path, out));

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
  images: imageCatalog,
  upload_proxy: string({
    pattern: /^https:\/\/[^\s/]+\/?$/,
    hint: 'must be https://host or https://host:port',
  }),
  image_url: imageUrl,
  storage_class: string(),
  access_mode: oneOf('ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOncePod'),
  volume_mode: oneOf('Filesystem', 'Block'),
  networks: catalogOrList,
  network: rule(dnsLabel.schema, (v, path, out) => {
    // `network: [a, b]` reads as the list form of the other key.
    if (Array.isArray(v))
      out.push({
        path,
        message: `expected one network name, got a list: for several write networks: [${v.map(String).join(', ')}]`,
      });
    else dnsLabel(v, path, out);
  }),
  node_selector: stringMap('label'),
  affinity,
  tolerations,
  labels: stringMap('label', true),
  annotations: stringMap('any', true),
  run_strategy: oneOf('Always', 'Halted', 'Manual', 'RerunOnFailure', 'Once'),
  cloud_init: textOrMap,
  network_data: textOrMap,
  generate_network_data: boolean,
  mac_range: string({
    pattern: /^\s*[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\s*-\s*[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\s*$/,
    hint: 'must be a MAC range start-end, like 0a:76:00:00:00:00-0a:76:ff:ff:ff:ff',
  }),
};

/** Keys a template variable may not be called: they would shadow computed values. */
export const COMPUTED_VARIABLES = [
  'vm_name',
  'index',
  'project',
  'spec',
  'static_ip',
  'ip',
  'prefix_length',
  'netmask',
  'gateway_ip',
  'dns_servers',
  'interface_name',
  'mac_address',
  'interfaces',
];

/** `previous`: the key just above it in the file, when its value is a mapping the key may belong to. */
function unknownTopLevelKey(key: string, previous?: string): string {
  const near = didYouMean(key, Object.keys(TOP_LEVEL));
  if (near) return `unknown key (did you mean "${near}"?)`;
  const indentation = previous
    ? `; if it belongs under ${previous} above, check the indentation (indent it like the keys of ${previous})`
    : '';
  return `unknown key: not a setting, and no cloud_init or network_data template uses it as a variable${indentation}`;
}

/** Settings whose mapping takes keys of the user's choosing: a dedented key of theirs lands at the top. */
const OPEN_MAPS = ['node_selector', 'labels', 'annotations', 'affinity', 'cloud_init', 'network_data'];

/** Checks one source's top-level keys; unknown keys pass only when a template uses them. */
export function checkSource(
  data: Record<string, unknown>,
  templateVariables: ReadonlySet<string>,
): Problem[] {
  const out: Problem[] = [];
  let previous: string | undefined;
  for (const [key, value] of Object.entries(data)) {
    const check = own(TOP_LEVEL, key);
    const above =
      previous !== undefined && OPEN_MAPS.includes(previous) && isPlainObject(data[previous])
        ? previous
        : undefined;
    previous = key;
    if (check) check(value, [key], out);
    else if (!templateVariables.has(key)) out.push({ path: [key], message: unknownTopLevelKey(key, above) });
    else if (COMPUTED_VARIABLES.includes(key))
      out.push({ path: [key], message: 'is computed by v-auto for each instance and cannot be set' });
  }
  return out;
}
