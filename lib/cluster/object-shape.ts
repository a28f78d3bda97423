// The fields of live objects that v-auto reads, with their types: a cluster's answer is checked against them once, where it is parsed.
import { KIND_RESOURCE, type K8sObject } from './k8s-object.js';

/**
 * What a field must hold when it is there. A field that is absent or null is left to its reader
 * (they all fall back on a default), except the `required` ones.
 */
type FieldType = 'text' | 'bool' | 'map' | 'text map' | 'list' | 'text list';

/** Dotted paths; `[]` stands for every item of a list. */
type Shape = Record<string, FieldType>;

const REQUIRED: Shape = { metadata: 'map', 'metadata.name': 'text' };

const COMMON: Shape = {
  ...REQUIRED,
  'metadata.namespace': 'text',
  'metadata.labels': 'text map',
  'metadata.annotations': 'text map',
  'metadata.creationTimestamp': 'text',
  spec: 'map',
  status: 'map',
};

const CONDITIONS: Shape = {
  'status.conditions': 'list',
  'status.conditions[]': 'map',
  'status.conditions[].type': 'text',
  'status.conditions[].status': 'text',
};

/** By kind, what lib/changes, lib/plan and lib/commands read of a live object beyond COMMON. */
const BY_KIND: Record<string, Shape> = {
  VirtualMachine: {
    'spec.runStrategy': 'text',
    'spec.running': 'bool',
    'spec.template': 'map',
    'spec.template.spec': 'map',
    'spec.template.spec.evictionStrategy': 'text',
    'spec.template.spec.networks': 'list',
    'spec.template.spec.networks[]': 'map',
    'spec.template.spec.domain': 'map',
    'spec.template.spec.domain.devices': 'map',
    'spec.template.spec.domain.devices.interfaces': 'list',
    'spec.template.spec.domain.devices.interfaces[]': 'map',
    'status.printableStatus': 'text',
    'status.ready': 'bool',
    'status.created': 'bool',
    ...CONDITIONS,
  },
  VirtualMachineInstance: {
    'spec.evictionStrategy': 'text',
    'status.phase': 'text',
    'status.nodeName': 'text',
    'status.interfaces': 'list',
    'status.interfaces[]': 'map',
    'status.interfaces[].name': 'text',
    'status.interfaces[].ipAddress': 'text',
    'status.interfaces[].ipAddresses': 'text list',
    ...CONDITIONS,
  },
  DataVolume: { 'status.phase': 'text', 'status.progress': 'text' },
  PersistentVolumeClaim: {
    'spec.accessModes': 'text list',
    'spec.resources': 'map',
    'spec.resources.requests': 'map',
    'spec.resources.requests.storage': 'text',
    'status.phase': 'text',
    'status.capacity': 'map',
    'status.capacity.storage': 'text',
  },
  Pod: { 'spec.nodeName': 'text', 'status.phase': 'text', 'status.podIP': 'text' },
  NetworkAttachmentDefinition: { 'spec.config': 'text' },
  Event: {
    involvedObject: 'map',
    'involvedObject.kind': 'text',
    'involvedObject.name': 'text',
    lastTimestamp: 'text',
    eventTime: 'text',
    type: 'text',
    reason: 'text',
    message: 'text',
  },
};

const EXPECTED: Record<FieldType, string> = {
  text: 'text',
  bool: 'true or false',
  map: 'a map',
  'text map': 'a map of text',
  list: 'a list',
  'text list': 'a list of text',
};

/**
 * What is wrong with the `index`th item of a list of `listKind` (undefined for a get of several
 * kinds: the item's own kind then), or undefined when every field v-auto reads has its type.
 */
export function malformation(item: unknown, index: number, listKind?: string): string | undefined {
  const list = listKind ? `${KIND_RESOURCE[listKind]?.plural ?? listKind} list` : 'list';
  if (!isMap(item)) return `item ${index + 1} of the ${list}: is ${kindOf(item)}, expected an object`;
  const o = item as K8sObject;
  const kind = listKind ?? (typeof o.kind === 'string' ? o.kind : undefined);
  const name = isMap(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : undefined;
  const where = kind && name ? `${kind} ${name}` : `item ${index + 1} of the ${list}`;
  for (const [path, type] of Object.entries({ ...COMMON, ...(kind ? BY_KIND[kind] : {}) })) {
    for (const [at, value] of valuesAt(o, path)) {
      const problem = check(at, value, type, path in REQUIRED);
      if (problem) return `${where}: ${problem}`;
    }
  }
  return undefined;
}

/** What is wrong with one value, named by its path (an entry of a map or list of text by its own). */
function check(at: string, value: unknown, type: FieldType, required: boolean): string | undefined {
  const wrong = () => `${at} is ${kindOf(value)}, expected ${EXPECTED[type]}`;
  if (value === undefined || value === null) return required ? wrong() : undefined;
  switch (type) {
    case 'text':
      return typeof value === 'string' ? undefined : wrong();
    case 'bool':
      return typeof value === 'boolean' ? undefined : wrong();
    case 'map':
      return isMap(value) ? undefined : wrong();
    case 'list':
      return Array.isArray(value) ? undefined : wrong();
    case 'text map': {
      if (!isMap(value)) return wrong();
      const bad = Object.entries(value as object).find(([, v]) => typeof v !== 'string');
      return bad && `${at}.${bad[0]} is ${kindOf(bad[1])}, expected text`;
    }
    case 'text list': {
      if (!Array.isArray(value)) return wrong();
      const i = value.findIndex((v) => typeof v !== 'string');
      return i < 0 ? undefined : `${at}[${i}] is ${kindOf(value[i])}, expected text`;
    }
  }
}

/** Each value at a dotted path, with the path written out (`status.interfaces[0].ipAddress`); none below an absent or null field. */
function valuesAt(o: unknown, path: string): [string, unknown][] {
  let found: [string, unknown][] = [['', o]];
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    const next: [string, unknown][] = [];
    for (const [at, value] of found) {
      if (!isMap(value)) continue;
      const child = (value as Record<string, unknown>)[key];
      const childAt = at ? `${at}.${key}` : key;
      if (!list) next.push([childAt, child]);
      else if (Array.isArray(child)) child.forEach((item, i) => next.push([`${childAt}[${i}]`, item]));
    }
    found = next;
  }
  return found;
}

function isMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'true or false';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}
