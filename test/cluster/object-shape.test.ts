// What a malformed live object is told as: the first field v-auto reads that has the wrong type, its path written out.
import { malformation } from '../../lib/cluster/object-shape.js';

const vm = (over: Record<string, unknown>) => ({
  kind: 'VirtualMachine',
  metadata: { name: 'web-01', labels: { app: 'web' } },
  spec: { template: { spec: { networks: [{ name: 'default', pod: {} }] } } },
  ...over,
});

test.each([
  ['a good object', vm({}), undefined, undefined],
  [
    'an item of a list of maps that is not a map',
    vm({ spec: { template: { spec: { networks: [{ name: 'a' }, 'lan'] } } } }),
    undefined,
    'VirtualMachine web-01: spec.template.spec.networks[1] is text, expected a map',
  ],
  [
    'an entry of a list of text, under a list',
    {
      metadata: { name: 'web-01' },
      status: { interfaces: [{ name: 'a' }, { name: 'b', ipAddresses: ['10.0.0.1', 7] }] },
    },
    'VirtualMachineInstance',
    'VirtualMachineInstance web-01: status.interfaces[1].ipAddresses[1] is a number, expected text',
  ],
  [
    'an entry of a map of text',
    { metadata: { name: 'd', annotations: { ok: 'x', 'cdi.kubevirt.io/storage.import.source': null } } },
    'DataVolume',
    'DataVolume d: metadata.annotations.cdi.kubevirt.io/storage.import.source is null, expected text',
  ],
  [
    'a required field missing, with the kind from the item (a get of several kinds)',
    { kind: 'Secret', metadata: { labels: {} } },
    undefined,
    'item 3 of the list: metadata.name is missing, expected text',
  ],
  [
    'a field of the kind that is there with the wrong type, after the common ones are good',
    vm({ status: { printableStatus: 'Running', ready: 'yes' } }),
    undefined,
    'VirtualMachine web-01: status.ready is text, expected true or false',
  ],
  [
    'not an object',
    42,
    'PersistentVolumeClaim',
    'item 3 of the persistentvolumeclaims list: is a number, expected an object',
  ],
])('%s', (_what, item, listKind, expected) => {
  expect(malformation(item, 2, listKind)).toBe(expected);
});

test('the same object checked twice, and objects of many kinds in one answer, each by its own kind', () => {
  const pvc = { kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: 'RWO' } };
  expect(malformation(vm({}), 0)).toBeUndefined();
  expect(malformation(pvc, 1)).toBe(
    'PersistentVolumeClaim p: spec.accessModes is text, expected a list of text',
  );
  expect(malformation(pvc, 1)).toBe(
    'PersistentVolumeClaim p: spec.accessModes is text, expected a list of text',
  );
  expect(malformation(vm({}), 0)).toBeUndefined();
});

test("only an object's own fields are checked, never what it inherits", () => {
  const labels = Object.assign(Object.create({ inherited: 5 }) as object, { app: 'web' });
  expect(malformation({ kind: 'Pod', metadata: { name: 'a', labels } }, 0)).toBeUndefined();
});
