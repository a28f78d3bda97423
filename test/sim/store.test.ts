// The store's garbage collection: dependents found through the owner index, never by rescanning every object.
import { jest } from '@jest/globals';
import { Controllers, Scheduler } from './controllers.js';
import { HistoryExpired, ObjectStore, type Obj } from './store.js';

const owned = (kind: string, name: string, owner?: Obj): Obj => ({
  kind,
  metadata: {
    name,
    namespace: 'ns',
    ...(owner
      ? { ownerReferences: [{ kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid }] }
      : {}),
  },
});

describe('ObjectStore garbage collection', () => {
  test('a delete takes its dependents recursively; orphaning and a dropped ownerReference keep them', () => {
    const store = new ObjectStore();
    const vm = store.create(owned('VirtualMachine', 'vm1'));
    const vmi = store.create(owned('VirtualMachineInstance', 'vm1', vm));
    store.create(owned('Pod', 'virt-launcher-vm1', vmi));
    const dv = store.create(owned('DataVolume', 'vm1-root', vm));
    const pvc = store.create(owned('PersistentVolumeClaim', 'vm1-root', dv));
    // CDI's garbage collection drops the DataVolume's ownership of the PVC before deleting it.
    store.update({ ...pvc, metadata: { ...pvc.metadata, ownerReferences: undefined } });
    expect(store.dependentsOf(vmi.metadata.uid).map((o) => o.kind)).toEqual(['Pod']);

    store.deleteWithDependents('VirtualMachine', 'ns', 'vm1');
    for (const kind of ['VirtualMachine', 'VirtualMachineInstance', 'Pod', 'DataVolume'])
      expect(store.list(kind)).toEqual([]);
    expect(store.list('PersistentVolumeClaim').map((o) => o.metadata.name)).toEqual(['vm1-root']);

    const vm2 = store.create(owned('VirtualMachine', 'vm2'));
    store.create(owned('VirtualMachineInstance', 'vm2', vm2));
    store.deleteWithDependents('VirtualMachine', 'ns', 'vm2', true);
    expect(store.list('VirtualMachineInstance').map((o) => o.metadata.name)).toEqual(['vm2']);
  });

  test('deleting 5,000 owners looks at no list: each delete visits its own dependents only', () => {
    const store = new ObjectStore();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const dv = store.create(owned('DataVolume', `d${i}`));
      store.create(owned('PersistentVolumeClaim', `d${i}`, dv));
      store.create(owned('Secret', `s${i}`));
    }
    const list = jest.spyOn(store, 'list');
    const get = jest.spyOn(store, 'get');
    for (let i = 0; i < n; i++) store.deleteWithDependents('DataVolume', 'ns', `d${i}`);
    // The rescan this replaces listed (and sorted) every kind once per delete: 5,000 × 10 lists of up to 15,000 objects.
    expect(list).not.toHaveBeenCalled();
    // One look-up per dependent found, nothing per unrelated object (the 5,000 Secrets).
    expect(get.mock.calls.length).toBe(n);
    list.mockRestore();
    expect(store.list('DataVolume')).toEqual([]);
    expect(store.list('PersistentVolumeClaim')).toEqual([]);
    expect(store.list('Secret')).toHaveLength(n);
  });
});

describe('controllers waking the VMs of a disk', () => {
  test('a DataVolume or PVC event reaches the VMs that use it through an index, never by listing every VM', async () => {
    const store = new ObjectStore();
    const scheduler = new Scheduler();
    new Controllers(store, scheduler, {
      importStepMs: 1,
      vmStepMs: 1,
      cloneMs: 1,
      imageBytes: 0,
      gcDataVolumes: false,
      failImports: () => [],
      stuckVmis: () => [],
      transientImportErrors: () => [],
      unschedulableVmis: () => [],
      slowShutdowns: () => [],
      liveUpdate: false,
    });
    const n = 300;
    for (let i = 0; i < n; i++) {
      store.create({
        kind: 'VirtualMachine',
        metadata: { name: `vm${i}`, namespace: 'ns' },
        spec: {
          runStrategy: 'Always',
          template: {
            spec: { domain: {}, volumes: [{ name: 'root', dataVolume: { name: `vm${i}-root` } }] },
          },
        },
      });
    }
    await scheduler.settle();
    // No disk yet: KubeVirt's VM waits for its DataVolume.
    expect(store.get('VirtualMachine', 'ns', 'vm7')?.status?.ready).not.toBe(true);
    const list = jest.spyOn(store, 'list');
    for (let i = 0; i < n; i++) {
      store.create({
        kind: 'DataVolume',
        metadata: { name: `vm${i}-root`, namespace: 'ns' },
        spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '1Gi' } } } },
      });
    }
    await scheduler.settle();
    expect(list.mock.calls.filter(([kind]) => kind === 'VirtualMachine')).toEqual([]);
    list.mockRestore();
    // The index still wakes the right VM: each started once its own disk was imported.
    expect(store.get('VirtualMachine', 'ns', 'vm7')?.status?.ready).toBe(true);
    scheduler.stop();
  });
});

describe('ObjectStore history', () => {
  test('keeps the last writes in order and says when a resourceVersion has left the window', () => {
    const store = new ObjectStore(3);
    const start = Number(store.resourceVersion);
    const a = store.create(owned('Secret', 'a'));
    store.update({ ...a, data: { x: 'MQ==' } });
    expect(store.eventsSince(start).map((e) => [e.type, e.rv])).toEqual([
      ['ADDED', start + 1],
      ['MODIFIED', start + 2],
    ]);
    store.delete('Secret', 'ns', 'a');
    for (const name of ['b', 'c', 'd']) store.create(owned('Secret', name));
    // Six writes into a window of three: the oldest three are gone.
    expect(() => store.eventsSince(start)).toThrow(HistoryExpired);
    expect(store.eventsSince(start + 3).map((e) => e.obj.metadata.name)).toEqual(['b', 'c', 'd']);
    expect(store.eventsSince(start + 6)).toEqual([]);
  });
});
