// The OpenShift profile through the real kubectl: kubemacpool's MACs and timestamp, KubeVirt's VM
// mutator (canonical quantities, defaults), and LiveUpdate's hot-plug versus RestartRequired.
import { startSimulator, type Simulator } from './index.js';
import { kubectl } from './kubectl.js';
import { canonicalQuantity } from './quantity.js';
import { TRANSACTION_TIMESTAMP } from './openshift.js';

const vmManifest = (ns: string, memory = '4096Mi') => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: web-1
  namespace: ${ns}
spec:
  runStrategy: Always
  template:
    spec:
      domain:
        cpu:
          cores: 2
        memory:
          guest: ${memory}
        devices:
          interfaces:
            - name: default
              masquerade: {}
            - name: lan
              bridge: {}
      networks:
        - name: default
          pod: {}
        - name: lan
          multus:
            networkName: lan
`;

const macs = (vm: any): (string | undefined)[] =>
  vm.spec.template.spec.domain.devices.interfaces.map((i: any) => i.macAddress);

test.each([
  ['4096Mi', '4Gi'],
  ['1024Mi', '1Gi'],
  ['1536Mi', '1536Mi'],
  ['0.5Gi', '512Mi'],
  ['1000M', '1G'],
  ['1500M', '1500M'],
  ['2048', '2048'],
  ['1000', '1k'],
  ['0.5', '500m'],
  ['100Gi', '100Gi'],
  ['1023Ki', '1023Ki'],
  ['0.3Ki', '307200m'],
  ['1e3', '1e3'],
])('canonical quantity %s → %s', (input, canonical) => {
  expect(canonicalQuantity(input)).toBe(canonical);
});

describe('OpenShift profile (default)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ namespaces: ['default', 'vms'], timings: { importStepMs: 5, vmStepMs: 5 } });
  });
  afterAll(() => sim.stop());

  test('create: MACs for masquerade and Multus interfaces, canonical memory, machine type, architecture, firmware ids', async () => {
    const r = await kubectl(sim, ['apply', '-f', '-'], vmManifest('vms'));
    expect(r.stdout.trim()).toBe('virtualmachine.kubevirt.io/web-1 created');
    const vm = sim.get('VirtualMachine', 'vms', 'web-1');
    expect(macs(vm)).toEqual([
      expect.stringMatching(/^02:00(:[0-9a-f]{2}){4}$/),
      expect.stringMatching(/^02:00(:[0-9a-f]{2}){4}$/),
    ]);
    expect(new Set(macs(vm)).size).toBe(2);
    expect(vm.metadata.annotations[TRANSACTION_TIMESTAMP]).toMatch(/^\d{4}-\d\d-\d\dT/);
    const spec = vm.spec.template.spec;
    expect(spec.domain.memory.guest).toBe('4Gi');
    expect(spec.domain.machine).toEqual({ type: 'pc-q35-rhel9.6.0' });
    expect(spec.architecture).toBe('amd64');
    expect(spec.domain.firmware.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(vm.spec.template.metadata.annotations).toEqual({ 'kubevirt.io/pci-topology-version': 'v3' });
  });

  test('client-side apply of the same MAC-less manifest: kubectl says configured every time, MACs stay, timestamp renewed', async () => {
    const before = sim.get('VirtualMachine', 'vms', 'web-1');
    for (let i = 0; i < 2; i++) {
      const r = await kubectl(sim, ['apply', '-f', '-'], vmManifest('vms'));
      expect(r.stdout.trim()).toBe('virtualmachine.kubevirt.io/web-1 configured');
    }
    const after = sim.get('VirtualMachine', 'vms', 'web-1');
    expect(macs(after)).toEqual(macs(before));
    expect(after.metadata.annotations[TRANSACTION_TIMESTAMP]).not.toBe(
      before.metadata.annotations[TRANSACTION_TIMESTAMP],
    );
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
  });

  test('a namespace labelled mutatevirtualmachines.kubemacpool.io=ignore gets no MACs and no timestamp', async () => {
    sim.put({
      kind: 'Namespace',
      metadata: { name: 'optout', labels: { 'mutatevirtualmachines.kubemacpool.io': 'ignore' } },
    });
    await kubectl(sim, ['apply', '-f', '-'], vmManifest('optout'));
    const vm = sim.get('VirtualMachine', 'optout', 'web-1');
    expect(macs(vm)).toEqual([undefined, undefined]);
    expect(vm.metadata.annotations?.[TRANSACTION_TIMESTAMP]).toBeUndefined();
    expect(vm.spec.template.spec.domain.memory.guest).toBe('4Gi');
  });

  test('LiveUpdate: more sockets and more memory hot-plug; cores need a restart, which clears the condition', async () => {
    await sim.settle();
    const restartRequired = () =>
      sim
        .get('VirtualMachine', 'vms', 'web-1')
        .status.conditions.find((c: any) => c.type === 'RestartRequired');
    const edit = async (f: (domain: any) => void) => {
      const vm = sim.get('VirtualMachine', 'vms', 'web-1');
      f(vm.spec.template.spec.domain);
      sim.put(vm);
      await sim.settle();
    };
    expect(sim.get('VirtualMachineInstance', 'vms', 'web-1').spec.domain.cpu.maxSockets).toBe(4);
    await edit((d) => (d.cpu.sockets = 2));
    await edit((d) => (d.memory.guest = '8Gi'));
    const vmi = sim.get('VirtualMachineInstance', 'vms', 'web-1');
    expect(vmi.spec.domain.cpu.sockets).toBe(2);
    expect(vmi.spec.domain.memory.guest).toBe('8Gi');
    expect(restartRequired()).toBeUndefined();

    await edit((d) => (d.memory.guest = '32Gi')); // above maxGuest (4 × 4Gi)
    expect(restartRequired()).toMatchObject({
      status: 'True',
      message: "memory updated in template spec to a value higher than what's available",
    });
    await edit((d) => (d.memory.guest = '8Gi'));
    expect(restartRequired()).toBeUndefined();

    await edit((d) => (d.cpu.cores = 4));
    expect(restartRequired()).toMatchObject({
      status: 'True',
      message: 'a non-live-updatable field was changed in the template spec',
    });
    sim.remove('VirtualMachineInstance', 'vms', 'web-1'); // a restart: the VM controller starts a new VMI from the current template
    await sim.settle();
    expect(restartRequired()).toBeUndefined();
    expect(sim.get('VirtualMachineInstance', 'vms', 'web-1').spec.domain.cpu.cores).toBe(4);
  });
});

describe('vanilla profile', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ profile: 'vanilla', timings: { importStepMs: 5, vmStepMs: 5 } });
  });
  afterAll(() => sim.stop());

  test('the VM is stored as sent: a second apply is unchanged; any template change of a running VM needs a restart', async () => {
    expect((await kubectl(sim, ['apply', '-f', '-'], vmManifest('default'))).stdout.trim()).toBe(
      'virtualmachine.kubevirt.io/web-1 created',
    );
    expect((await kubectl(sim, ['apply', '-f', '-'], vmManifest('default'))).stdout.trim()).toBe(
      'virtualmachine.kubevirt.io/web-1 unchanged',
    );
    const vm = sim.get('VirtualMachine', 'default', 'web-1');
    expect(macs(vm)).toEqual([undefined, undefined]);
    expect(vm.spec.template.spec.domain.memory.guest).toBe('4096Mi');
    await sim.settle();
    vm.spec.template.spec.domain.cpu.sockets = 2;
    sim.put(vm);
    await sim.settle();
    expect(
      sim
        .get('VirtualMachine', 'default', 'web-1')
        .status.conditions.find((c: any) => c.type === 'RestartRequired')?.status,
    ).toBe('True');
  });
});

describe("kubemacpool's range: a deleted VM's MACs go back to the pool", () => {
  let sim: Simulator;
  beforeAll(async () => {
    // Three MACs: two VMs with two interfaces each do not fit, until one of them is deleted.
    sim = await startSimulator({ macPoolSize: 3, timings: { importStepMs: 5, vmStepMs: 5 } });
  });
  afterAll(() => sim.stop());
  const named = (name: string) => vmManifest('default').replace('name: web-1', `name: ${name}`);

  test('the range full is a 500 denial; after a delete the released MACs are handed out again', async () => {
    expect((await kubectl(sim, ['apply', '-f', '-'], named('a'))).code).toBe(0);
    expect(macs(sim.get('VirtualMachine', 'default', 'a'))).toEqual([
      '02:00:00:00:00:01',
      '02:00:00:00:00:02',
    ]);
    const full = await kubectl(sim, ['apply', '-f', '-'], named('b'));
    expect(full.code).not.toBe(0);
    expect(full.stderr).toContain(
      'admission webhook "mutatevirtualmachines.kubemacpool.io" denied the request: Failed to create virtual machine allocation error: Failed to allocate mac to the vm object: the range is full',
    );
    expect(sim.get('VirtualMachine', 'default', 'b')).toBeUndefined();

    expect((await kubectl(sim, ['delete', 'vm', 'a'])).code).toBe(0);
    expect((await kubectl(sim, ['apply', '-f', '-'], named('c'))).code).toBe(0);
    // Only a's released MACs (and the one b gave back when it was refused) are free: c gets two of them.
    const got = macs(sim.get('VirtualMachine', 'default', 'c'));
    expect(new Set(got).size).toBe(2);
    for (const mac of got) expect(mac).toMatch(/^02:00:00:00:00:0[123]$/);
  });
});
