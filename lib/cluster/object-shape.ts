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

/** One entry of a Shape, split once: the keys to walk, `each` where a list's items are walked. */
interface Check {
  steps: { key: string; each: boolean }[];
  type: FieldType;
  required: boolean;
}

/** Each kind's checks (COMMON and its own), split on first use: a run checks hundreds of objects. */
const checksByKind = new Map<string | undefined, Check[]>();

function checksOf(kind: string | undefined): Check[] {
  let checks = checksByKind.get(kind);
  if (!checks) {
    const shape = { ...COMMON, ...(kind ? BY_KIND[kind] : {}) };
    checks = Object.entries(shape).map(([path, type]) => ({
      steps: path.split('.').map((part) => ({ key: part.replace(/\[\]$/, ''), each: part.endsWith('[]') })),
      type,
      required: path in REQUIRED,
    }));
    checksByKind.set(kind, checks);
  }
  return checks;
}

/**
 * What is wrong with the `index`th item of a list of `listKind` (undefined for a get of several
 * kinds: the item's own kind then), or undefined when every field v-auto reads has its type.
 */
export function malformation(item: unknown, index: number, listKind?: string): string | undefined {
  const list = () => (listKind ? `${KIND_RESOURCE[listKind]?.plural ?? listKind} list` : 'list');
  if (!isMap(item)) return `item ${index + 1} of the ${list()}: is ${kindOf(item)}, expected an object`;
  const o = item as K8sObject;
  const kind = listKind ?? (typeof o.kind === 'string' ? o.kind : undefined);
  for (const c of checksOf(kind)) {
    const problem = problemAt(c, o, 0, []);
    if (problem) {
      const name = isMap(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : undefined;
      return `${kind && name ? `${kind} ${name}` : `item ${index + 1} of the ${list()}`}: ${problem}`;
    }
  }
  return undefined;
}

/**
 * The first value at the check's path (from `value`, `step` keys in, `indices` the list items
 * walked) that does not have its type; none below an absent or null field. The path is written out
 * (`status.interfaces[0].ipAddress`) only for a problem: a good answer builds no text.
 */
function problemAt(c: Check, value: unknown, step: number, indices: number[]): string | undefined {
  if (step === c.steps.length) {
    const at = () => {
      let i = 0;
      return c.steps.map((s) => (s.each ? `${s.key}[${indices[i++]}]` : s.key)).join('.');
    };
    return check(at, value, c.type, c.required);
  }
  if (!isMap(value)) return undefined;
  const { key, each } = c.steps[step];
  const child = (value as Record<string, unknown>)[key];
  if (!each) return problemAt(c, child, step + 1, indices);
  if (!Array.isArray(child)) return undefined;
  for (let i = 0; i < child.length; i++) {
    const problem = problemAt(c, child[i], step + 1, [...indices, i]);
    if (problem) return problem;
  }
  return undefined;
}

/** What is wrong with one value, named by its path (an entry of a map or list of text by its own). */
function check(at: () => string, value: unknown, type: FieldType, required: boolean): string | undefined {
  const wrong = () => `${at()} is ${kindOf(value)}, expected ${EXPECTED[type]}`;
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
      for (const key of Object.keys(value as object)) {
        const v = (value as Record<string, unknown>)[key];
        if (typeof v !== 'string') return `${at()}.${key} is ${kindOf(v)}, expected text`;
      }
      return undefined;
    }
    case 'text list': {
      if (!Array.isArray(value)) return wrong();
      const i = value.findIndex((v) => typeof v !== 'string');
      return i < 0 ? undefined : `${at()}[${i}] is ${kindOf(value[i])}, expected text`;
    }
  }
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
