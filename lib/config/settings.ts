// Merges the configuration layers into typed, validated settings (pure: no files, no env of its own).
import path from 'node:path';
import { usageError } from '../errors.js';
import { quantityValue } from '../model/quantity.js';
import { didYouMean } from './did-you-mean.js';
import { emptyMap, isPlainObject, mergeLayers, own, setPath, type ConfigMap } from './merge.js';
import {
  checkMergedNetwork,
  checkSource,
  DNS_LABEL,
  ENV_REFERENCE,
  INSTANCETYPE_KINDS,
  PREFERENCE_KINDS,
  TOP_LEVEL,
  type Problem,
} from './rules.js';
import { MAX_DEPTH, type YamlSource } from './yaml-source.js';

export type ImageSource =
  | { url: string }
  | { registry: string }
  | { pvc: { namespace?: string; name: string } }
  | { datasource: { namespace?: string; name: string } }
  | { golden: GoldenImage };

/** An `images:` catalog entry a spec names: imported (or uploaded) once per namespace, cloned by every instance. */
export interface GoldenImage {
  name: string;
  source: { url: string } | { registry: string } | { file: string };
  /** The golden disk's size: the entry's `size`, else config.yaml's disk_size (the same for every spec). */
  size: string;
  sha256?: string;
  secret_ref?: string;
  cert_configmap?: string;
}

export interface NetworkSettings {
  /** Absent: a Linux bridge NAD v-auto creates; `localnet`, `udn`: OVN-Kubernetes networks the platform owns. */
  type?: NetworkType;
  nad_name?: string;
  /** localnet: its ClusterUserDefinedNetwork's physicalNetworkName. */
  physical_network?: string;
  bridge?: string;
  vlan?: number;
  cni_type: string;
  mtu?: number;
  guest_interface?: string;
  ipam?: {
    range: string;
    gateway?: string;
    dns: string[];
    offset: number;
    reserved: string[];
    /** How the address reaches the VM: `nad` (one NAD per instance with static IPAM, and the guest's config), `cloud-init` (one shared NAD without IPAM; the guest's config alone). */
    mode: IpamMode;
  };
  /** `file:line` of the entry's ipam (else the entry), for errors found later while planning addresses. */
  origin?: string;
}

export type IpamMode = 'nad' | 'cloud-init';
export type NetworkType = 'pod' | 'localnet' | 'udn';

/** An instance type or preference a VM refers to, as `spec.instancetype` / `spec.preference` take it. */
export interface SizeReference {
  name: string;
  kind: string;
}

/** Everything a spec resolves to after merging and validation. */
export interface Settings {
  project: string;
  spec: string;
  namespace: string;
  name_prefix: string;
  replicas: number;
  /** vCPUs; undefined with an instance type, which gives them. */
  cpu?: number;
  /** Guest memory; undefined with an instance type. */
  memory?: string;
  /** What a more specific layer's sizing replaced (`cpu, memory from projects/x/config.yaml`), for inspect. */
  sizeReplaced?: string;
  /** How `cpu` renders: `cores` (v-auto's first layout) or `sockets` (hot-pluggable under LiveUpdate). */
  cpu_topology: 'cores' | 'sockets';
  max_sockets?: number;
  instancetype?: SizeReference;
  preference?: SizeReference;
  eviction_strategy?: string;
  disk_size: string;
  image: ImageSource;
  storage_class?: string;
  access_mode?: string;
  volume_mode?: string;
  /** The network catalog, by name. */
  catalog: Record<string, NetworkSettings>;
  /** The image catalog (`images:`), by name: every golden image the project's layers define. */
  images: Record<string, GoldenImage>;
  /** The CDI upload proxy for `file:` images; undefined: the cluster's route cdi-uploadproxy. */
  upload_proxy?: string;
  /** Catalog names this spec attaches, in order; `[]` means the pod network alone. */
  attach: string[];
  /** This spec's own offsets by attached catalog name (`networks: [{name: lan, offset: 120}]`); they replace `ipam.offset`. */
  offsets: Record<string, number>;
  node_selector: Record<string, string>;
  affinity?: ConfigMap;
  tolerations?: unknown[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  run_strategy: string;
  cloud_init?: string | ConfigMap;
  network_data?: string | ConfigMap;
  /** The MACs v-auto plans for its VMs' NICs, `start-end` (default DEFAULT_MAC_RANGE, plan/mac-range.ts). */
  mac_range?: string;
  /** Without network_data: whether v-auto writes a cloud-init network-config v2 for the attached networks when one is static. */
  generate_network_data: boolean;
  /** Every merged key, for cloud-init templates. */
  variables: ConfigMap;
  /** Template variables whose `env:NAME` is unset, with the message to give if a render needs them. */
  unsetEnv: Record<string, string>;
  /** Every NAME an `env:NAME` value reads: kept out of the environment of oc and its plugins. */
  envNames: string[];
}

export interface SettingsInput {
  project: string;
  spec: string;
  config?: YamlSource;
  specSource: YamlSource;
  /** `--set key.path=value` expressions, in order. */
  sets?: string[];
  replicas?: number;
  /** Environment for `env:NAME` values. */
  env: Record<string, string | undefined>;
  /** Finds the variables that cloud_init / network_data templates use (injected: it parses Handlebars). */
  templateVariables: (merged: ConfigMap) => Set<string>;
}

/** A NAD's CNI plugin unless the catalog entry names one. */
export const DEFAULT_CNI_TYPE = 'bridge';

const DEFAULTS: ConfigMap = {
  replicas: 1,
  cpu: 2,
  memory: '4Gi',
  cpu_topology: 'cores',
  disk_size: '50Gi',
  run_strategy: 'Always',
  generate_network_data: true,
};

/** Keys an instance type decides: KubeVirt rejects a VM that sets them beside one. */
const SIZE_KEYS = ['cpu', 'memory', 'cpu_topology', 'max_sockets'];

/** Parses `key.path=value`; values of known settings are read as YAML scalars, variables stay strings. */
export function parseSet(expression: string): { path: string; value: unknown } {
  const eq = expression.indexOf('=');
  const key = eq > 0 ? expression.slice(0, eq) : '';
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(key)) {
    throw usageError(
      `--set ${JSON.stringify(expression)}: expected key.path=value`,
      'for example: --set cpu=4 --set node_selector.zone=core',
    );
  }
  return { path: key, value: typedValue(key.split('.')[0], expression.slice(eq + 1)) };
}

/** Settings whose values are strings, whatever they look like (`--set labels.build=007`). */
const STRING_VALUED = ['node_selector', 'labels', 'annotations', 'cloud_init', 'network_data'];

function typedValue(topKey: string, raw: string): unknown {
  // Template inputs and string maps stay text: `007` is not the number 7.
  if (isStringValued([topKey])) return raw;
  if (/^-?\d+$/.test(raw) && String(Number(raw)) === raw) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      throw usageError(`--set ${topKey}: ${JSON.stringify(raw)} is not valid JSON`);
    }
  }
  return raw;
}

/** Merges defaults → config.yaml → spec → --replicas/--set, validates each layer, and types the result. */
export function resolveSettings(input: SettingsInput): Settings {
  const sources: YamlSource[] = [];
  if (input.config) sources.push(input.config);
  sources.push(input.specSource);
  sources.push(overridesSource(input));
  const problems: string[] = [];
  const unsetEnv: Record<string, string> = {};
  const envNames = new Set<string>();
  const resolved = sources.map((s) => ({
    source: s,
    data: substituteEnv(s, input.env, problems, unsetEnv, envNames),
  }));
  for (const source of sources) {
    for (const n of source.lossyNumbers ?? []) {
      if (isStringValued(n.path)) {
        problems.push(
          `${formatLocation(source, n.path)}: ${n.text} is read by YAML as the number ${n.value}: quote it ("${n.text}") to keep it as written`,
        );
      }
    }
  }
  for (const { source, data } of resolved) readAsCloudInitDoes(source, data, problems);
  if (problems.length) throw validationError(problems);

  const merged = mergeLayers(DEFAULTS, ...resolved.map((r) => r.data));
  const variables = input.templateVariables(merged);
  for (const { source, data } of resolved) {
    for (const p of checkSource(data, variables)) problems.push(formatProblem(source, p));
  }
  if (problems.length) throw validationError(problems);

  // Networks: a map is (part of) the catalog, a list or `network` chooses attachments.
  const catalogLayers: ConfigMap[] = [];
  let attach: string[] | undefined;
  let attachSource: YamlSource | undefined;
  let attachList: unknown[] = [];
  for (const { source, data } of resolved) {
    if (isPlainObject(data.networks)) catalogLayers.push(data.networks);
    const chosen = Array.isArray(data.networks)
      ? data.networks.map(attachName)
      : typeof data.network === 'string'
        ? [data.network]
        : undefined;
    if (Array.isArray(data.networks) && data.network !== undefined) {
      problems.push(
        formatProblem(source, {
          path: ['network'],
          message: 'give either network or a networks list, not both',
        }),
      );
    }
    if (chosen)
      [attach, attachSource, attachList] = [
        chosen,
        source,
        Array.isArray(data.networks) ? data.networks : [],
      ];
  }
  const catalogRaw = mergeLayers(...catalogLayers) as Record<string, ConfigMap>;
  for (const [name, entry] of Object.entries(catalogRaw)) {
    for (const p of checkMergedNetwork(entry, ['networks', name]))
      problems.push(formatProblem(lastDefinition(resolved, name).source, p));
  }
  if (problems.length) throw validationError(problems);
  const catalog = Object.fromEntries(
    Object.entries(catalogRaw).map(([name, e]) => [
      name,
      { ...toNetwork(e), origin: networkOrigin(resolved, name) },
    ]),
  );
  if (attach === undefined) attach = Object.hasOwn(catalog, 'default') ? ['default'] : [];
  attach.forEach((name, i) => {
    if (!Object.hasOwn(catalog, name)) {
      const near = didYouMean(name, Object.keys(catalog));
      const where = attachSource
        ? formatLocation(attachSource, attachSource.data.network ? ['network'] : ['networks', i])
        : 'network';
      const known = Object.keys(catalog);
      problems.push(
        `${where}: network "${name}" is not in the catalog${near ? ` (did you mean "${near}"?)` : known.length ? `; catalog: ${known.join(', ')}` : '; define it under networks: in config.yaml'}`,
      );
    }
  });
  if (new Set(attach).size !== attach.length)
    problems.push(`${attachSource?.label ?? 'networks'}: a network is attached twice`);
  // The layer that chose the attachments also gives their offsets: a later list replaces them all.
  const offsets: Record<string, number> = {};
  attachList.forEach((item, i) => {
    if (!isPlainObject(item) || item.offset === undefined) return;
    const entry = own(catalog, item.name as string);
    if (entry && !entry.ipam)
      problems.push(
        `${formatLocation(attachSource!, ['networks', i, 'offset'])}: network "${item.name}" has no static addresses (no ipam) to offset`,
      );
    offsets[item.name as string] = item.offset as number;
  });

  // An image is one source, not a map to merge: the last layer that gives image or image_url replaces it whole
  // (merging a spec's {registry} into config.yaml's {url} would keep the url and ignore the spec).
  let image: unknown;
  let imageSource: YamlSource | undefined;
  for (const { source, data } of resolved) {
    if (data.image !== undefined && data.image_url !== undefined)
      problems.push(`${source.label}: give image or image_url, not both`);
    if (data.image !== undefined) [image, imageSource] = [data.image, source];
    else if (data.image_url !== undefined) [image, imageSource] = [{ url: data.image_url }, source];
  }
  if (!image)
    problems.push(
      `${input.specSource.label}: image: is required: give image_url: https://… or image: {url | registry | pvc | datasource}, or the name of an images: catalog entry`,
    );
  // The image catalog merges like the network catalog: a later layer refines an entry, and a new
  // source replaces the old one (an entry has exactly one).
  // A golden image is one per namespace whichever spec plans it, so its default size is the
  // project's disk_size (config.yaml's, else the default), never one spec's.
  const projectDiskSize = (input.config && resolved[0].data.disk_size) ?? DEFAULTS.disk_size;
  const images = resolveImages(resolved, projectDiskSize as string, problems);
  if (typeof image === 'string') {
    const entry = own(images, image);
    const diskSize = merged.disk_size as string;
    // A clone is never smaller than its source.
    if (entry && (quantityValue(diskSize) ?? 0) < (quantityValue(entry.size) ?? 0))
      problems.push(
        `${formatLocation(imageSource!, ['image'])}: disk_size ${diskSize} is smaller than image ${image}'s size ${entry.size}: each instance's disk is a clone of the golden image; raise disk_size or lower images.${image}.size`,
      );
    if (entry) image = { golden: entry };
    else {
      const near = didYouMean(image, Object.keys(images));
      const known = Object.keys(images);
      problems.push(
        `${formatLocation(imageSource!, ['image'])}: image "${image}" is not in the images: catalog${near ? ` (did you mean "${near}"?)` : known.length ? `; catalog: ${known.join(', ')}` : '; define it under images: in config.yaml'}`,
      );
    }
  }
  if (problems.length) throw validationError(problems);

  const size = resolveSize(resolved, merged, problems);
  if (problems.length) throw validationError(problems);
  assertDefaultNames(input, merged);

  return {
    project: input.project,
    spec: input.spec,
    namespace: (merged.namespace as string) ?? `vm-${input.project}`,
    name_prefix: (merged.name_prefix as string) ?? input.spec,
    replicas: merged.replicas as number,
    ...size,
    eviction_strategy: merged.eviction_strategy as string | undefined,
    disk_size: merged.disk_size as string,
    image: image as ImageSource,
    storage_class: merged.storage_class as string | undefined,
    access_mode: merged.access_mode as string | undefined,
    volume_mode: merged.volume_mode as string | undefined,
    catalog,
    images,
    upload_proxy: merged.upload_proxy as string | undefined,
    attach,
    offsets,
    node_selector: stringify(merged.node_selector),
    affinity: merged.affinity as ConfigMap | undefined,
    tolerations: merged.tolerations as unknown[] | undefined,
    labels: stringify(merged.labels),
    annotations: stringify(merged.annotations),
    run_strategy: merged.run_strategy as string,
    cloud_init: merged.cloud_init as string | ConfigMap | undefined,
    network_data: merged.network_data as string | ConfigMap | undefined,
    generate_network_data: merged.generate_network_data as boolean,
    mac_range: merged.mac_range as string | undefined,
    variables: merged,
    unsetEnv,
    envNames: [...envNames],
  };
}

type Layer = { source: YamlSource; data: ConfigMap };

/**
 * In a `cloud_init` or `network_data` map, a plain `yes`, `no`, `on` or `off` is a boolean to
 * cloud-init, which reads YAML 1.1 with PyYAML (yaml/pyyaml resolver.py: "yes|Yes|YES|no|No|NO|…
 * |on|On|ON|off|Off|OFF" resolve to bool); this parser reads YAML 1.2, where they are strings, and
 * would write `lock_passwd: 'no'`, which cloud-init's create_user tests as truthy and locks the
 * account. So they are written as the booleans the user meant. `y` and `n` are booleans in the
 * YAML 1.1 spec but strings to PyYAML: refused, with the words to write. A quoted value stays text.
 */
function readAsCloudInitDoes(source: YamlSource, data: ConfigMap, problems: string[]): void {
  for (const { path, text } of source.yaml11Booleans ?? []) {
    if (!['cloud_init', 'network_data'].includes(String(path[0])) || path.length < 2) continue;
    if (/^[yYnN]$/.test(text)) {
      problems.push(
        `${formatLocation(source, path)}: ${text} is a boolean to YAML 1.1 and a string to cloud-init's parser: write true/false (or quote it, "${text}", for the letter)`,
      );
      continue;
    }
    let parent: any = data;
    for (const key of path.slice(0, -1)) parent = parent?.[key];
    const last = path[path.length - 1];
    if (parent && typeof parent === 'object' && parent[last] === text)
      parent[last] = /^(yes|on)$/i.test(text);
  }
}

const GOLDEN_SOURCES = ['url', 'registry', 'file'] as const;

/** The `images:` catalog merged over the layers; a layer that gives an entry a source replaces its old one. */
function resolveImages(resolved: Layer[], diskSize: string, problems: string[]): Record<string, GoldenImage> {
  const merged: Record<string, ConfigMap> = {};
  for (const { data } of resolved) {
    if (!isPlainObject(data.images)) continue;
    for (const [name, entry] of Object.entries(data.images)) {
      if (!isPlainObject(entry)) continue;
      const base = { ...(merged[name] ?? {}) };
      if (GOLDEN_SOURCES.some((k) => entry[k] !== undefined)) for (const k of GOLDEN_SOURCES) delete base[k];
      merged[name] = { ...base, ...entry };
    }
  }
  const out: Record<string, GoldenImage> = {};
  for (const [name, e] of Object.entries(merged)) {
    const given = GOLDEN_SOURCES.filter((k) => e[k] !== undefined);
    if (given.length !== 1) {
      problems.push(`images.${name}: give exactly one of url, registry, file`);
      continue;
    }
    const key = given[0];
    out[name] = {
      name,
      source: { [key]: e[key] as string } as GoldenImage['source'],
      size: (e.size as string | undefined) ?? diskSize,
      ...(e.sha256 !== undefined && { sha256: e.sha256 as string }),
      ...(e.secret_ref !== undefined && { secret_ref: e.secret_ref as string }),
      ...(e.cert_configmap !== undefined && { cert_configmap: e.cert_configmap as string }),
    };
  }
  return out;
}

/** The last layer that gives `key`, with its value: a value that is one choice, replaced whole. */
function lastGiven(resolved: Layer[], key: string): Layer | undefined {
  return [...resolved].reverse().find((l) => l.data[key] !== undefined);
}

function reference(value: unknown, defaultKind: string): SizeReference | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { name: value, kind: defaultKind };
  const v = value as { name: string; kind?: string };
  return { name: v.name, kind: v.kind ?? defaultKind };
}

/**
 * The VM's size: an instance type (with an optional preference), or cpu and memory. A reference is
 * replaced whole by a later layer, so a spec's `{name}` never inherits config.yaml's `kind`. With an
 * instance type, KubeVirt rejects any `domain.cpu` sockets/cores/threads and any `domain.memory`
 * ("VM field(s) … conflicts with selected instance type": kubevirt/kubevirt@a771b994 (v1.6.5)
 * pkg/instancetype/apply/cpu.go validateCPU, memory.go applyMemory, conflict/conflicts.go), so the
 * most specific layer that sizes the VM decides how: its instance type replaces the cpu and memory
 * that less specific layers (config.yaml for every spec) set, and its cpu or memory replace an
 * inherited instance type. Only an instance type beside cpu, memory, cpu_topology or max_sockets
 * in one layer is an error: that layer asks for both.
 */
function resolveSize(resolved: Layer[], merged: ConfigMap, problems: string[]) {
  for (const { source, data } of resolved) {
    if (data.instancetype === undefined) continue;
    const where = formatLocation(source, ['instancetype']);
    const name = reference(data.instancetype, INSTANCETYPE_KINDS[0])!.name;
    for (const key of SIZE_KEYS.filter((k) => data[k] !== undefined)) {
      problems.push(
        formatProblem(source, {
          path: [key],
          message: `cannot be set with an instance type (${where}: ${name}): the instance type gives the VM its CPU and memory, and KubeVirt rejects a VM that sets them too; remove ${key}, or remove instancetype`,
        }),
      );
    }
  }
  const sizes = (l: Layer) => SIZE_KEYS.filter((k) => l.data[k] !== undefined);
  const deciding = [...resolved].reverse().find((l) => l.data.instancetype !== undefined || sizes(l).length);
  const preference = reference(lastGiven(resolved, 'preference')?.data.preference, PREFERENCE_KINDS[0]);
  const before = deciding ? resolved.slice(0, resolved.indexOf(deciding)) : [];
  if (deciding?.data.instancetype !== undefined) {
    const instancetype = reference(deciding.data.instancetype, INSTANCETYPE_KINDS[0])!;
    const replaced = before.filter((l) => sizes(l).length);
    return {
      instancetype,
      preference,
      cpu_topology: 'cores' as const,
      sizeReplaced: replaced.length
        ? replaced.map((l) => `${sizes(l).join(', ')} from ${l.source.label}`).join('; ')
        : undefined,
    };
  }
  const inherited = before.filter((l) => l.data.instancetype !== undefined).pop();
  const sizeReplaced = inherited
    ? `instancetype ${reference(inherited.data.instancetype, INSTANCETYPE_KINDS[0])!.name} from ${inherited.source.label}`
    : undefined;
  const cpu = merged.cpu as number;
  const cpu_topology = merged.cpu_topology as 'cores' | 'sockets';
  const max = lastGiven(resolved, 'max_sockets');
  const max_sockets = max?.data.max_sockets as number | undefined;
  if (max && max_sockets !== undefined) {
    if (cpu_topology !== 'sockets') {
      problems.push(
        formatProblem(max.source, {
          path: ['max_sockets'],
          message:
            'needs cpu_topology: sockets (only CPU sockets hot-plug; with cores a CPU change needs a restart)',
        }),
      );
    } else if (max_sockets < cpu) {
      // kubevirt/kubevirt@a771b994 pkg/virt-api/webhooks/validating-webhook/admitters/vms-admitter.go validateLiveUpdateCPU
      problems.push(
        formatProblem(max.source, {
          path: ['max_sockets'],
          message: `is less than cpu (${cpu}): KubeVirt rejects a VM whose "Number of sockets in CPU topology is greater than the maximum sockets allowed"`,
        }),
      );
    }
  }
  return { cpu, memory: merged.memory as string, cpu_topology, max_sockets, preference, sizeReplaced };
}

function attachName(item: unknown): string {
  return isPlainObject(item) ? (item.name as string) : (item as string);
}

/** A key path whose value is text: a template variable (at any depth) or a string-valued setting. */
function isStringValued(path: (string | number)[]): boolean {
  const top = String(path[0]);
  return !Object.hasOwn(TOP_LEVEL, top) || STRING_VALUED.includes(top);
}

function overridesSource(input: SettingsInput): YamlSource {
  const data = emptyMap();
  if (input.replicas !== undefined) data.replicas = input.replicas;
  for (const expression of input.sets ?? []) {
    const { path, value } = parseSet(expression);
    if (path.split('.').length > MAX_DEPTH)
      throw usageError(`--set ${path.slice(0, 40)}…: the key path is deeper than ${MAX_DEPTH} levels`);
    if (value === '' && !Object.hasOwn(TOP_LEVEL, path.split('.')[0])) {
      throw usageError(
        `--set ${path}=: empty value for the template variable ${path}`,
        'give it a value, or leave the --set out to take it from its V_AUTO_ variable or a prompt',
      );
    }
    setPath(data, path, value);
  }
  return { label: '--set', data, lineOf: () => undefined };
}

/** Replaces `env:NAME` strings by the variable's value; a missing variable is a problem naming the key. */
/**
 * Replaces `env:NAME` strings by the variable's value. A missing variable is a problem naming the
 * key, except for a template variable (a top-level key that is no setting): that one is only needed
 * to render (deploy, inspect), so it is left out and its message kept in `unsetEnv`, and status or
 * delete from a monitoring job need not carry the password.
 */
function substituteEnv(
  source: YamlSource,
  env: Record<string, string | undefined>,
  problems: string[],
  unsetEnv: Record<string, string>,
  names: Set<string>,
): ConfigMap {
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      const m = ENV_REFERENCE.exec(v);
      if (!m) return v;
      names.add(m[1]);
      const value = env[m[1]];
      // An empty value is a mistake (`WEB_PW="$(cat missing-file)"`), never a blank password.
      if (value === undefined || value === '') {
        const message = `${formatLocation(source, path)}: environment variable ${m[1]} is ${value === undefined ? 'not set' : 'set but empty'}`;
        if (path.length === 1 && !Object.hasOwn(TOP_LEVEL, String(path[0])))
          unsetEnv[String(path[0])] = message;
        else problems.push(message);
        return undefined;
      }
      return path.length === 1 ? typedValue(String(path[0]), value) : value;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (isPlainObject(v)) {
      return Object.fromEntries(
        Object.entries(v)
          .map(([k, x]) => [k, walk(x, [...path, k])])
          .filter(([, x]) => x !== undefined),
      );
    }
    return v;
  };
  return walk(source.data, []) as ConfigMap;
}

/** The last layer that writes catalog entry `name`: the one its merged settings are reported against. */
function lastDefinition(
  resolved: { source: YamlSource; data: ConfigMap }[],
  name: string,
): { source: YamlSource; entry: ConfigMap } {
  for (const { source, data } of [...resolved].reverse()) {
    const entry = isPlainObject(data.networks) ? data.networks[name] : undefined;
    if (isPlainObject(entry)) return { source, entry };
  }
  throw new Error(`catalog entry ${name} comes from no layer`); // the catalog is merged from these layers
}

function networkOrigin(resolved: { source: YamlSource; data: ConfigMap }[], name: string): string {
  const { source, entry } = lastDefinition(resolved, name);
  const line = source.lineOf(entry.ipam ? ['networks', name, 'ipam'] : ['networks', name]);
  return `${source.label}${line ? `:${line}` : ''}`;
}

function toNetwork(e: ConfigMap): NetworkSettings {
  if (e.type === 'pod')
    return { type: 'pod', cni_type: '', guest_interface: e.guest_interface as string | undefined };
  const ipam = e.ipam as ConfigMap | undefined;
  // OVN networks: the address reaches the guest by its own config (localnet, where OpenShift supports
  // no IPAM for VMs) or by the addresses annotation (udn), never by a NAD of v-auto's.
  const mode = (ipam?.mode as IpamMode | undefined) ?? (e.type ? 'cloud-init' : 'nad');
  return {
    ...(e.type ? { type: e.type as NetworkType } : {}),
    nad_name: e.nad_name as string,
    ...(e.physical_network !== undefined ? { physical_network: e.physical_network as string } : {}),
    bridge: e.bridge as string | undefined,
    vlan: e.vlan as number | undefined,
    // `bridge`, the type OpenShift documents for a Linux bridge NAD (openshift/openshift-docs@082db4ce
    // modules/virt-creating-linux-bridge-nad-cli.adoc); VMs on `cnv-bridge` fail to live-migrate after
    // an update from 4.12 (a known issue in the OpenShift Virtualization 4.19–4.22 release notes).
    cni_type: (e.cni_type as string) ?? DEFAULT_CNI_TYPE,
    mtu: e.mtu as number | undefined,
    guest_interface: e.guest_interface as string | undefined,
    ipam: ipam && {
      range: ipam.range as string,
      gateway: ipam.gateway as string | undefined,
      dns: ipam.dns === undefined ? [] : ([] as string[]).concat(ipam.dns as string | string[]),
      offset: (ipam.offset as number) ?? 101,
      reserved: (ipam.reserved as string[] | undefined) ?? [],
      mode,
    },
  };
}

function stringify(map: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((map as ConfigMap) ?? {}).map(([k, v]) => [k, String(v)]));
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

function formatLocation(source: YamlSource, path: (string | number)[]): string {
  const line = source.lineOf(path);
  return `${source.label}${line ? `:${line}` : ''}: ${formatPath(path)}`;
}

function formatProblem(source: YamlSource, p: Problem): string {
  return `${formatLocation(source, p.path)}: ${p.message}`;
}

/**
 * The namespace and the instance names default to the project folder's and the spec file's names,
 * which need not be Kubernetes names: say where the name came from and what to set instead.
 */
function assertDefaultNames(input: SettingsInput, merged: ConfigMap): void {
  const kube = (name: string) =>
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x';
  if (merged.namespace === undefined && !DNS_LABEL.test(`vm-${input.project}`)) {
    throw usageError(
      `namespace "vm-${input.project}" is not a valid name: it comes from the project name "${input.project}" (the default namespace is vm-<project>), and Kubernetes names are lower case letters, digits and "-"`,
      `set namespace: in ${path.posix.join(path.posix.dirname(path.posix.dirname(input.specSource.label)), 'config.yaml')} (for example namespace: vm-${kube(input.project)}), or rename the project folder`,
    );
  }
  if (merged.name_prefix === undefined && !DNS_LABEL.test(input.spec)) {
    throw usageError(
      `${input.specSource.label}: the instance names (${input.spec}-01, …) come from the spec file's name "${input.spec}", which is not a valid Kubernetes name (lower case letters, digits and "-")`,
      `set name_prefix: ${kube(input.spec)} in ${input.specSource.label}, or rename the file to ${kube(input.spec)}.yaml`,
    );
  }
}

function validationError(problems: string[]) {
  const more =
    problems.length > 1
      ? `\n${problems
          .slice(1)
          .map((p) => `  also: ${p}`)
          .join('\n')}`
      : '';
  return usageError(`${problems[0]}${more}`);
}
