// One instance's state out of the objects one get returns: readiness by run strategy, failures, IPs.
import { instanceState, pendingReason } from '../../lib/actions/instance-state.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';

const obj = (kind: string, name: string, spec: object = {}, status: object = {}): K8sObject => ({ apiVersion: 'v1', kind, metadata: { name }, spec, status });
const vm = (runStrategy: string, status: object) => obj('VirtualMachine', 'web-01', { runStrategy }, status);
const dv = (phase: string, progress?: string) => obj('DataVolume', 'web-01-rootdisk', {}, { phase, progress });
const pvc = (phase: string) => obj('PersistentVolumeClaim', 'web-01-rootdisk', {}, { phase, capacity: { storage: '30Gi' } });

test.each([
  ['running and imported', [vm('Always', { printableStatus: 'Running', ready: true }), dv('Succeeded', '100.0%')], true, 'VM Running'],
  ['importing', [vm('Always', { printableStatus: 'Provisioning' }), dv('ImportInProgress', '45.00%')], false, 'disk ImportInProgress 45.00%'],
  ['starting', [vm('Always', { printableStatus: 'Starting' }), dv('Succeeded')], false, 'VM Starting'],
  ['Halted: stopped is the goal', [vm('Halted', { printableStatus: 'Stopped' }), dv('Succeeded')], true, 'VM Stopped'],
  ['Manual: stopped is fine', [vm('Manual', { printableStatus: 'Stopped' }), dv('Succeeded')], true, 'VM Stopped'],
  ['Halted but the disk still imports', [vm('Halted', { printableStatus: 'Stopped' }), dv('ImportScheduled', 'N/A')], false, 'disk ImportScheduled'],
  ['DataVolume collected, PVC bound', [vm('Always', { printableStatus: 'Running', ready: true }), pvc('Bound')], true, 'VM Running'],
  ['no VM yet', [dv('Succeeded')], false, 'VirtualMachine not found'],
  ['nothing at all', [], false, 'not deployed'],
])('%s', (_label, objects, ready, reason) => {
  const s = instanceState('web-01', objects);
  expect(s.ready).toBe(ready);
  expect(pendingReason(s)).toBe(reason);
  expect(s.missing).toBe(objects.length === 0);
});

test.each([
  [[vm('Always', { printableStatus: 'Provisioning' }), dv('Failed')], 'DataVolume web-01-rootdisk import failed'],
  [[vm('Always', { printableStatus: 'ErrorUnschedulable' }), dv('Succeeded')], 'VirtualMachine web-01 is ErrorUnschedulable'],
])('a state waiting cannot fix: %#', (objects, failed) => {
  expect(instanceState('web-01', objects).failed).toBe(failed);
});

test('addresses come from the VMI interfaces, else the launcher pod', () => {
  const vmi = obj('VirtualMachineInstance', 'web-01', {}, { phase: 'Running', nodeName: 'worker-1', interfaces: [{ ipAddress: '10.0.0.101', ipAddresses: ['10.0.0.101'] }, { ipAddress: '10.128.0.7' }] });
  const pod = { ...obj('Pod', 'virt-launcher-web-01-abcde', { nodeName: 'worker-1' }, { phase: 'Running', podIP: '10.128.0.9' }), metadata: { name: 'virt-launcher-web-01-abcde', labels: { 'vm.kubevirt.io/name': 'web-01' } } };
  expect(instanceState('web-01', [vmi, pod]).ips).toEqual(['10.0.0.101', '10.128.0.7']);
  expect(instanceState('web-01', [pod])).toMatchObject({ ips: ['10.128.0.9'], node: 'worker-1' });
});
