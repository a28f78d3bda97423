// kubectl's apply/delete output mapped back to objects, with texts as kubectl 1.32 prints them.
import { errorBlocks, matchOutcomes, parseResultLines, reasonOf } from '../../lib/cluster/parse-output.js';

const sent = [
  { kind: 'NetworkAttachmentDefinition', name: 'web-01-lan' },
  { kind: 'Secret', name: 'web-01-cloud-init' },
  { kind: 'DataVolume', name: 'web-01-rootdisk' },
  { kind: 'VirtualMachine', name: 'web-01' },
];

test.each([
  ['networkattachmentdefinition.k8s.cni.cncf.io/web-01-lan created', 'NetworkAttachmentDefinition/web-01-lan', 'created'],
  ['secret/web-01-cloud-init unchanged', 'Secret/web-01-cloud-init', 'unchanged'],
  ['datavolume.cdi.kubevirt.io/web-01-rootdisk configured', 'DataVolume/web-01-rootdisk', 'configured'],
  ['virtualmachine.kubevirt.io "web-01" deleted', 'VirtualMachine/web-01', 'deleted'],
  ['persistentvolumeclaim "web-01-rootdisk" deleted', 'PersistentVolumeClaim/web-01-rootdisk', 'deleted'],
  ['namespace/vm-demo created', 'Namespace/vm-demo', 'created'],
])('%s', (line, key, verb) => {
  expect(parseResultLines(`${line}\n`).get(key)).toBe(verb);
});

test('a rejected object gets the server reason, the others their verbs', () => {
  const stdout = 'networkattachmentdefinition.k8s.cni.cncf.io/web-01-lan unchanged\nsecret/web-01-cloud-init unchanged\nvirtualmachine.kubevirt.io/web-01 configured\n';
  const stderr = [
    'Error from server (BadRequest): error when applying patch:',
    '{"spec":{"storage":{"resources":{"requests":{"storage":"200Gi"}}}}}',
    'to:',
    'Resource: "cdi.kubevirt.io/v1beta1, Resource=datavolumes", GroupVersionKind: "cdi.kubevirt.io/v1beta1, Kind=DataVolume"',
    'Name: "web-01-rootdisk", Namespace: "vm-demo"',
    'for: "STDIN": error when patching "STDIN": admission webhook "datavolume-validate.cdi.kubevirt.io" denied the request:  Cannot update DataVolume Spec',
  ].join('\n');
  const outcomes = matchOutcomes(sent, stdout, stderr);
  expect(outcomes.map((o) => o.verb ?? 'FAILED')).toEqual(['unchanged', 'unchanged', 'FAILED', 'configured']);
  expect(outcomes[2].error).toBe('admission webhook "datavolume-validate.cdi.kubevirt.io" denied the request:  Cannot update DataVolume Spec');
});

test('a forbidden create names the object', () => {
  const stderr = 'Error from server (Forbidden): error when creating "STDIN": virtualmachines.kubevirt.io "web-01" is forbidden: User "dev" cannot create resource "virtualmachines" in API group "kubevirt.io" in the namespace "vm-demo"\n';
  const [vm] = matchOutcomes([{ kind: 'VirtualMachine', name: 'web-01' }], '', stderr);
  expect(vm.error).toBe('virtualmachines.kubevirt.io "web-01" is forbidden: User "dev" cannot create resource "virtualmachines" in API group "kubevirt.io" in the namespace "vm-demo"');
});

test('warnings are not errors, and an object nobody mentions is reported as silent', () => {
  const stderr = 'Warning: resource secrets/web-01-cloud-init is missing the kubectl.kubernetes.io/last-applied-configuration annotation\n';
  expect(errorBlocks(stderr)).toEqual([]);
  const [secret] = matchOutcomes([{ kind: 'Secret', name: 'web-01-cloud-init' }], '', stderr);
  expect(secret).toMatchObject({ silent: true, error: 'no result reported by the cluster' });
});

test('reasonOf strips kubectl framing', () => {
  expect(reasonOf('Error from server (NotFound): error when creating "STDIN": namespaces "vm-x" not found')).toBe('namespaces "vm-x" not found');
});

test('an error naming no sent object (a missing namespace) is every object\'s reason, without kubectl framing', () => {
  const stderr = ['Error from server (NotFound): error when creating "STDIN": namespaces "vm-demo" not found', 'Error from server (NotFound): error when creating "STDIN": namespaces "vm-demo" not found'].join('\n');
  const outcomes = matchOutcomes(sent.slice(0, 2), '', stderr);
  expect(outcomes.map((o) => o.error)).toEqual(['namespaces "vm-demo" not found', 'namespaces "vm-demo" not found']);
  expect(outcomes.every((o) => !o.silent)).toBe(true);
});
