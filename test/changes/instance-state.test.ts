// One instance's state out of the objects one get returns: readiness by run strategy, failures, IPs.
import { instanceState, pendingReason } from '../../lib/changes/instance-state.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';

const obj = (kind: string, name: string, spec: object = {}, status: object = {}): K8sObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name },
  spec,
  status,
});
const vm = (runStrategy: string, status: object) => obj('VirtualMachine', 'web-01', { runStrategy }, status);
const withMetadata = (o: K8sObject, metadata: object): K8sObject => ({
  ...o,
  metadata: { ...o.metadata, ...metadata },
});
const vmi = (phase: string) => obj('VirtualMachineInstance', 'web-01', {}, { phase });
const dv = (phase: string, progress?: string) =>
  obj('DataVolume', 'web-01-rootdisk', {}, { phase, progress });
const pvc = (phase: string) =>
  obj('PersistentVolumeClaim', 'web-01-rootdisk', {}, { phase, capacity: { storage: '30Gi' } });

// The spec's run_strategy (the third column) says whether the VM should run, never the live one.
test.each([
  [
    'running and imported',
    [vm('Always', { printableStatus: 'Running', ready: true }), vmi('Running'), dv('Succeeded', '100.0%')],
    'Always',
    true,
    'VM Running',
  ],
  [
    'importing',
    [vm('Always', { printableStatus: 'Provisioning' }), dv('ImportInProgress', '45.00%')],
    'Always',
    false,
    'disk ImportInProgress 45.00%',
  ],
  [
    'starting',
    [vm('Always', { printableStatus: 'Starting' }), dv('Succeeded')],
    'Always',
    false,
    'VM Starting',
  ],
  [
    'spec Halted: stopped is the goal',
    [vm('Halted', { printableStatus: 'Stopped' }), dv('Succeeded')],
    'Halted',
    true,
    'VM Stopped',
  ],
  [
    'spec Manual: stopped is what it asks for',
    [vm('Manual', { printableStatus: 'Stopped' }), dv('Succeeded')],
    'Manual',
    true,
    'VM Stopped',
  ],
  [
    'spec Always, halted from the console or virtctl stop: not ready',
    [vm('Halted', { printableStatus: 'Stopped' }), dv('Succeeded')],
    'Always',
    false,
    'stopped outside v-auto (runStrategy Halted); v-auto start or deploy starts it',
  ],
  [
    'spec Always, stopped by v-auto stop: as its user asked',
    [
      withMetadata(vm('Halted', { printableStatus: 'Stopped' }), {
        annotations: { 'v-auto/stopped-at': '2026-12-01T10:00:00Z' },
      }),
      dv('Succeeded'),
    ],
    'Always',
    true,
    'VM Stopped',
  ],
  [
    'a running VM being deleted (a finalizer holds it): not ready',
    [
      withMetadata(vm('Always', { printableStatus: 'Terminating', ready: true }), {
        deletionTimestamp: '2026-12-01T10:00:00Z',
      }),
      vmi('Running'),
      dv('Succeeded'),
    ],
    'Always',
    false,
    'being deleted since 2026-12-01T10:00:00Z',
  ],
  [
    'a running VM whose root disk is being deleted: not ready',
    [
      vm('Always', { printableStatus: 'Running', ready: true }),
      vmi('Running'),
      withMetadata(pvc('Bound'), { deletionTimestamp: '2026-12-01T10:00:00Z' }),
    ],
    'Always',
    false,
    'disk web-01-rootdisk being deleted since 2026-12-01T10:00:00Z',
  ],
  [
    'Halted but the disk still imports',
    [vm('Halted', { printableStatus: 'Stopped' }), dv('ImportScheduled', 'N/A')],
    'Halted',
    false,
    'disk ImportScheduled',
  ],
  [
    'DataVolume collected, PVC bound',
    [vm('Always', { printableStatus: 'Running', ready: true }), vmi('Running'), pvc('Bound')],
    'Always',
    true,
    'VM Running',
  ],
  ['no VM yet', [dv('Succeeded')], 'Always', false, 'VirtualMachine not found'],
  ['nothing at all', [], 'Always', false, 'not deployed'],
])('%s', (_label, objects, runStrategy, ready, reason) => {
  const s = instanceState('web-01', objects, runStrategy);
  expect(s.ready).toBe(ready);
  expect(pendingReason(s)).toBe(reason);
  expect(s.missing).toBe(objects.length === 0);
});

test.each([
  [
    [vm('Always', { printableStatus: 'Provisioning' }), dv('Failed')],
    'DataVolume web-01-rootdisk import failed',
  ],
  [
    [vm('Always', { printableStatus: 'ErrorUnschedulable' }), dv('Succeeded')],
    'VirtualMachine web-01 is ErrorUnschedulable',
  ],
])('a state waiting cannot fix: %#', (objects, failed) => {
  expect(instanceState('web-01', objects, 'Always').failed).toBe(failed);
});

test('addresses per network come from the VMI interfaces; the launcher pod IP only for the pod network', () => {
  const networks = (...nets: object[]) =>
    obj('VirtualMachine', 'web-01', { runStrategy: 'Always', template: { spec: { networks: nets } } }, {});
  const vmiWith = (interfaces: object[]) =>
    obj('VirtualMachineInstance', 'web-01', {}, { phase: 'Running', nodeName: 'worker-1', interfaces });
  const pod = {
    ...obj(
      'Pod',
      'virt-launcher-web-01-abcde',
      { nodeName: 'worker-1' },
      { phase: 'Running', podIP: '10.128.0.9' },
    ),
    metadata: { name: 'virt-launcher-web-01-abcde', labels: { 'vm.kubevirt.io/name': 'web-01' } },
  };
  const lanOnly = networks({ name: 'lan', multus: { networkName: 'web-01-lan' } });
  const withPod = networks(
    { name: 'default', pod: {} },
    { name: 'lan', multus: { networkName: 'web-01-lan' } },
  );
  const lan = { name: 'lan', ipAddress: '10.0.0.101/24', ipAddresses: ['10.0.0.101/24'] };
  expect(
    instanceState(
      'web-01',
      [withPod, vmiWith([lan, { name: 'default', ipAddress: '10.128.0.7' }]), pod],
      'Always',
    ),
  ).toMatchObject({
    ips: ['10.0.0.101', '10.128.0.7'],
    addresses: { lan: ['10.0.0.101'], default: ['10.128.0.7'] },
  });
  // The guest has not reported the pod network yet: the launcher pod's IP is that network's.
  expect(instanceState('web-01', [withPod, vmiWith([lan]), pod], 'Always').addresses).toEqual({
    lan: ['10.0.0.101'],
    default: ['10.128.0.9'],
  });
  // No pod network attached: the launcher pod's IP is no address of this VM.
  expect(instanceState('web-01', [lanOnly, vmiWith([]), pod], 'Always')).toMatchObject({
    ips: [],
    addresses: {},
    node: 'worker-1',
  });
});

describe('node drains: a VM that cannot live-migrate under a LiveMigrate eviction strategy', () => {
  const vmWith = (evictionStrategy?: string) =>
    obj(
      'VirtualMachine',
      'web-01',
      { runStrategy: 'Always', template: { spec: evictionStrategy ? { evictionStrategy } : {} } },
      { printableStatus: 'Running', ready: true },
    );
  const vmiWith = (cond: object | undefined, evictionStrategy?: string) =>
    obj('VirtualMachineInstance', 'web-01', evictionStrategy ? { evictionStrategy } : {}, {
      phase: 'Running',
      conditions: cond ? [cond] : [],
    });
  const claim = (accessModes: string[]) =>
    obj('PersistentVolumeClaim', 'web-01-rootdisk', { accessModes }, { phase: 'Bound' });
  // The message virt-handler writes (kubevirt/kubevirt@a771b994 pkg/virt-handler/vm.go).
  const NOT_MIGRATABLE = {
    type: 'LiveMigratable',
    status: 'False',
    reason: 'DisksNotLiveMigratable',
    message:
      'cannot migrate VMI: PVC web-01-rootdisk is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)',
  };
  const MIGRATABLE = { type: 'LiveMigratable', status: 'True' };

  test.each([
    [
      'LiveMigratable=False under LiveMigrate',
      [vmWith('LiveMigrate'), vmiWith(NOT_MIGRATABLE, 'LiveMigrate')],
      'LiveMigratable is False (DisksNotLiveMigratable: cannot migrate VMI: PVC web-01-rootdisk is not shared',
    ],
    [
      'LiveMigratable=False under the cluster default',
      [vmWith(), vmiWith(NOT_MIGRATABLE)],
      "under the cluster's default eviction strategy (LiveMigrate on multi-node OpenShift)",
    ],
    [
      'a stopped VM with a ReadWriteOnce disk under LiveMigrate',
      [vmWith('LiveMigrate'), claim(['ReadWriteOnce'])],
      'root disk web-01-rootdisk is ReadWriteOnce, so it cannot live-migrate: under eviction strategy LiveMigrate',
    ],
    [
      'LiveMigratable=False under LiveMigrateIfPossible',
      [vmWith('LiveMigrateIfPossible'), vmiWith(NOT_MIGRATABLE, 'LiveMigrateIfPossible')],
      undefined,
    ],
    ['LiveMigratable=False under None', [vmWith('None'), vmiWith(NOT_MIGRATABLE, 'None')], undefined],
    [
      'LiveMigratable=True, even on a ReadWriteOnce claim',
      [vmWith('LiveMigrate'), vmiWith(MIGRATABLE, 'LiveMigrate'), claim(['ReadWriteOnce'])],
      undefined,
    ],
    ['a ReadWriteMany disk', [vmWith('LiveMigrate'), claim(['ReadWriteMany'])], undefined],
  ])('%s', (_name, objects, drain) => {
    const s = instanceState('web-01', objects, 'Always');
    if (drain === undefined) return expect(s.drain).toBeUndefined();
    expect(s.drain).toContain(drain);
    expect(s.drain).toContain('might prevent nodes from draining or block an infrastructure upgrade');
  });
});
