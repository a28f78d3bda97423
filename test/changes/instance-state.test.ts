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
const dv = (phase: string, progress?: string) =>
  obj('DataVolume', 'web-01-rootdisk', {}, { phase, progress });
const pvc = (phase: string) =>
  obj('PersistentVolumeClaim', 'web-01-rootdisk', {}, { phase, capacity: { storage: '30Gi' } });

test.each([
  [
    'running and imported',
    [vm('Always', { printableStatus: 'Running', ready: true }), dv('Succeeded', '100.0%')],
    true,
    'VM Running',
  ],
  [
    'importing',
    [vm('Always', { printableStatus: 'Provisioning' }), dv('ImportInProgress', '45.00%')],
    false,
    'disk ImportInProgress 45.00%',
  ],
  ['starting', [vm('Always', { printableStatus: 'Starting' }), dv('Succeeded')], false, 'VM Starting'],
  [
    'Halted: stopped is the goal',
    [vm('Halted', { printableStatus: 'Stopped' }), dv('Succeeded')],
    true,
    'VM Stopped',
  ],
  [
    'Manual: stopped is fine',
    [vm('Manual', { printableStatus: 'Stopped' }), dv('Succeeded')],
    true,
    'VM Stopped',
  ],
  [
    'Halted but the disk still imports',
    [vm('Halted', { printableStatus: 'Stopped' }), dv('ImportScheduled', 'N/A')],
    false,
    'disk ImportScheduled',
  ],
  [
    'DataVolume collected, PVC bound',
    [vm('Always', { printableStatus: 'Running', ready: true }), pvc('Bound')],
    true,
    'VM Running',
  ],
  ['no VM yet', [dv('Succeeded')], false, 'VirtualMachine not found'],
  ['nothing at all', [], false, 'not deployed'],
])('%s', (_label, objects, ready, reason) => {
  const s = instanceState('web-01', objects);
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
  expect(instanceState('web-01', objects).failed).toBe(failed);
});

test('addresses come from the VMI interfaces, else the launcher pod', () => {
  const vmi = obj(
    'VirtualMachineInstance',
    'web-01',
    {},
    {
      phase: 'Running',
      nodeName: 'worker-1',
      interfaces: [{ ipAddress: '10.0.0.101', ipAddresses: ['10.0.0.101'] }, { ipAddress: '10.128.0.7' }],
    },
  );
  const pod = {
    ...obj(
      'Pod',
      'virt-launcher-web-01-abcde',
      { nodeName: 'worker-1' },
      { phase: 'Running', podIP: '10.128.0.9' },
    ),
    metadata: { name: 'virt-launcher-web-01-abcde', labels: { 'vm.kubevirt.io/name': 'web-01' } },
  };
  expect(instanceState('web-01', [vmi, pod]).ips).toEqual(['10.0.0.101', '10.128.0.7']);
  expect(instanceState('web-01', [pod])).toMatchObject({ ips: ['10.128.0.9'], node: 'worker-1' });
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
    const s = instanceState('web-01', objects);
    if (drain === undefined) return expect(s.drain).toBeUndefined();
    expect(s.drain).toContain(drain);
    expect(s.drain).toContain('might prevent nodes from draining or block an infrastructure upgrade');
  });
});
