// A VM's facts: how it stands against its spec's run_strategy, and the note that counts stopped VMs apart.
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { runStateNote, vmFacts } from '../../lib/model/vm-facts.js';

const vm = (runStrategy: string, ready: boolean, annotations?: Record<string, string>): K8sObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: { name: 'web-01', ...(annotations ? { annotations } : {}) },
  spec: { runStrategy },
  status: { ready },
});
const vmi: K8sObject = {
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: { name: 'web-01' },
};
const STOPPED = { 'v-auto/stopped-at': '2026-12-01T10:00:00Z' };

test.each([
  ['Always', { vm: vm('Always', true), vmi }, 'running'],
  ['Always', { vm: vm('Always', false), vmi }, 'starting'],
  ['Always', { vm: vm('Always', false) }, 'starting'],
  ['Always', { vm: vm('Halted', false) }, 'stopped-outside'],
  ['Always', { vm: vm('Manual', false) }, 'stopped-outside'],
  ['RerunOnFailure', { vm: vm('Halted', false, STOPPED) }, 'stopped-by-v-auto'],
  ['Always', { vm: vm('Halted', false, STOPPED), vmi }, 'starting'],
  ['Halted', { vm: vm('Halted', false) }, 'stopped-by-spec'],
  ['Manual', { vm: vm('Manual', false) }, 'stopped-by-spec'],
  ['Manual', { vm: vm('Manual', true), vmi }, 'running'],
  ['Always', {}, 'absent'],
])('spec %s, %o: %s', (specRunStrategy, objects, state) => {
  expect(vmFacts(objects, specRunStrategy).state).toBe(state);
});

test('the note names only the states that occur, and nothing when every VM runs or is on its way', () => {
  expect(runStateNote(['running', 'starting'])).toBe('');
  expect(runStateNote(['running', 'stopped-by-v-auto', 'stopped-by-spec', 'running'])).toBe(
    ' (2 running, 1 stopped by v-auto stop, 1 stopped by its run_strategy)',
  );
});
