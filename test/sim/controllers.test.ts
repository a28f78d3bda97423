// The simplified CDI and KubeVirt controllers: import, VM start-up, reported IPs, events, garbage collection.
import { readFileSync } from 'node:fs';
import { startSimulator, type Simulator } from './index.js';
import { fixture, kubectl } from './kubectl.js';

const STACK = readFileSync(fixture('stack-data.yaml'), 'utf8');
const docs = STACK.split(/^---$/m);
const [SECRET, NAD, DV, VM] = docs;

describe('controllers', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  test('apply then settle: DV imported, PVC Bound, VM Running, the NAD IPAM address not in the guest, events recorded', async () => {
    sim = await startSimulator();
    expect((await kubectl(sim, ['apply', '-f', '-'], STACK)).code).toBe(0);
    await sim.settle();

    const dv = sim.get('DataVolume', 'default', 'web-1-rootdisk');
    expect(dv.status).toMatchObject({ phase: 'Succeeded', progress: '100.0%' });
    const pvc = sim.get('PersistentVolumeClaim', 'default', 'web-1-rootdisk');
    expect(pvc.status).toMatchObject({ phase: 'Bound', capacity: { storage: '20Gi' } });
    expect(pvc.metadata.labels).toMatchObject({ app: 'web', tier: 'front' });

    const vm = sim.get('VirtualMachine', 'default', 'web-1');
    expect(vm.status).toMatchObject({ printableStatus: 'Running', ready: true });
    expect(vm.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));

    const vmi = JSON.parse((await kubectl(sim, ['get', 'vmi', 'web-1', '-o', 'json'])).stdout);
    expect(vmi.status.phase).toBe('Running');
    expect(vmi.status.nodeName).toMatch(/^worker-[01]$/);
    expect(vmi.metadata.labels).toMatchObject({
      app: 'web',
      vm: 'web-1',
      'kubevirt.io/domain': 'web-1',
      'vm.kubevirt.io/name': 'web-1',
    });

    const pods = JSON.parse(
      (await kubectl(sim, ['get', 'pods', '-l', 'vm.kubevirt.io/name=web-1', '-o', 'json'])).stdout,
    ).items;
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata.name).toMatch(/^virt-launcher-web-1-[a-z0-9]{5}$/);
    expect(pods[0].metadata.labels).toMatchObject({ app: 'web', vm: 'web-1', 'kubevirt.io/domain': 'web-1' });
    expect(pods[0].spec.nodeName).toBe(vmi.status.nodeName);
    expect(pods[0].status.podIP).toMatch(/^10\.128\.\d+\.\d+$/);

    expect(vmi.status.interfaces).toEqual([
      expect.objectContaining({
        name: 'default',
        ipAddress: pods[0].status.podIP,
        ipAddresses: [pods[0].status.podIP],
        mac: expect.stringMatching(/^02(:[0-9a-f]{2}){5}$/),
      }),
      // The NAD's static IPAM never reaches the guest; without a network-config the guest has no
      // static address, and the guest agent reports none (test/sim/guest.ts).
      expect.not.objectContaining({ ipAddress: expect.anything() }),
    ]);
    expect(vmi.status.interfaces[1].name).toBe('lan');

    const reasons = (kind: string, name: string): string[] =>
      sim
        .list('Event', 'default')
        .filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name)
        .map((e) => e.reason)
        .sort();
    expect(reasons('DataVolume', 'web-1-rootdisk')).toEqual([
      'ImportInProgress',
      'ImportScheduled',
      'ImportSucceeded',
    ]);
    expect(reasons('VirtualMachine', 'web-1')).toEqual(['SuccessfulCreate']);
    expect(reasons('VirtualMachineInstance', 'web-1')).toEqual(['Started']);
    const ev = sim.list('Event', 'default').find((e) => e.reason === 'Started')!;
    expect(ev).toMatchObject({
      type: 'Normal',
      count: 1,
      involvedObject: { apiVersion: 'kubevirt.io/v1', uid: vmi.metadata.uid, namespace: 'default' },
      source: { component: 'virt-handler' },
    });
    expect(ev.firstTimestamp).toBeTruthy();
  });

  test('a VM waits in Provisioning until its DataVolume has imported', async () => {
    sim = await startSimulator();
    await kubectl(sim, ['apply', '-f', '-'], [SECRET, NAD, VM].join('---'));
    await sim.settle();
    expect(sim.get('VirtualMachine', 'default', 'web-1').status).toMatchObject({
      printableStatus: 'Provisioning',
      ready: false,
    });
    expect(sim.get('VirtualMachineInstance', 'default', 'web-1')).toBeUndefined();
    await kubectl(sim, ['apply', '-f', '-'], DV);
    await sim.settle();
    expect(sim.get('VirtualMachine', 'default', 'web-1').status.printableStatus).toBe('Running');
  });

  test('progress rises in real time with the configured step', async () => {
    // Sampled while the apply runs, not after it: on a loaded machine kubectl can return after the
    // whole import has passed, and a poll that starts then sees only the final value.
    sim = await startSimulator({ timings: { importStepMs: 40, vmStepMs: 5 } });
    const applied = kubectl(sim, ['apply', '-f', '-'], STACK);
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (
      sim.get('VirtualMachine', 'default', 'web-1')?.status?.printableStatus !== 'Running' &&
      Date.now() < deadline
    ) {
      const p = sim.get('DataVolume', 'default', 'web-1-rootdisk')?.status?.progress;
      if (p) seen.add(p);
      await new Promise((r) => setTimeout(r, 2));
    }
    await applied;
    expect(sim.get('VirtualMachine', 'default', 'web-1').status.printableStatus).toBe('Running');
    expect([...seen].filter((p) => p.endsWith('%')).length).toBeGreaterThanOrEqual(2);
  });

  test('gcDataVolumes: the DataVolume is collected after import, its PVC stays and the VM runs', async () => {
    sim = await startSimulator({ gcDataVolumes: true });
    await kubectl(sim, ['apply', '-f', '-'], STACK);
    await sim.settle();
    expect(sim.get('DataVolume', 'default', 'web-1-rootdisk')).toBeUndefined();
    expect(sim.get('PersistentVolumeClaim', 'default', 'web-1-rootdisk').status.phase).toBe('Bound');
    expect(sim.get('VirtualMachine', 'default', 'web-1').status.printableStatus).toBe('Running');
  });

  test('template change on a running VM raises RestartRequired; Halted stops it; delete removes VMI and pod', async () => {
    sim = await startSimulator();
    await kubectl(sim, ['apply', '-f', '-'], STACK);
    await sim.settle();
    await kubectl(sim, ['apply', '-f', '-'], STACK.replace('cores: 2', 'cores: 4'));
    await sim.settle();
    expect(sim.get('VirtualMachine', 'default', 'web-1').status.conditions).toContainEqual(
      expect.objectContaining({ type: 'RestartRequired', status: 'True' }),
    );

    await kubectl(sim, ['apply', '-f', '-'], STACK.replace('runStrategy: Always', 'runStrategy: Halted'));
    await sim.settle();
    expect(sim.get('VirtualMachine', 'default', 'web-1').status).toMatchObject({
      printableStatus: 'Stopped',
      ready: false,
    });
    expect(sim.list('VirtualMachineInstance')).toEqual([]);
    expect(sim.list('Pod')).toEqual([]);

    await kubectl(sim, ['apply', '-f', '-'], STACK);
    await sim.settle();
    expect(sim.list('Pod')).toHaveLength(1);
    const del = await kubectl(sim, ['delete', 'vm', 'web-1']);
    expect(del.stdout.trim()).toBe('virtualmachine.kubevirt.io "web-1" deleted');
    expect(sim.list('VirtualMachineInstance')).toEqual([]);
    expect(sim.list('Pod')).toEqual([]);
  });

  test('dataVolumeTemplates: the VM creates its DataVolume, a NAD named ns/name is found, deleting the VM collects the DV and PVC', async () => {
    sim = await startSimulator({ namespaces: ['default', 'net'] });
    sim.put({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'shared', namespace: 'net' },
      spec: {
        config: JSON.stringify({
          cniVersion: '0.3.1',
          plugins: [{ type: 'bridge', ipam: { type: 'static', addresses: [{ address: '10.10.0.7/16' }] } }],
        }),
      },
    });
    const vm = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'db-1', namespace: 'default' },
      spec: {
        running: true,
        dataVolumeTemplates: [
          {
            metadata: { name: 'db-1-root', labels: { app: 'db' } },
            spec: {
              source: { registry: { url: 'docker://quay.io/containerdisks/fedora:40' } },
              storage: { resources: { requests: { storage: '10Gi' } } },
            },
          },
        ],
        template: {
          spec: {
            domain: {
              devices: { interfaces: [{ name: 'data', bridge: {} }] },
              resources: { requests: { memory: '2Gi' } },
            },
            networks: [{ name: 'data', multus: { networkName: 'net/shared' } }],
            volumes: [{ name: 'root', dataVolume: { name: 'db-1-root' } }],
          },
        },
      },
    };
    expect((await kubectl(sim, ['apply', '-f', '-'], JSON.stringify(vm))).stdout.trim()).toBe(
      'virtualmachine.kubevirt.io/db-1 created',
    );
    await sim.settle();
    expect(sim.get('DataVolume', 'default', 'db-1-root').status.phase).toBe('Succeeded');
    // The NAD in another namespace is found (the VMI runs on it); its IPAM address is not the guest's.
    expect(sim.get('VirtualMachineInstance', 'default', 'db-1').status.interfaces[0]).toMatchObject({
      name: 'data',
      interfaceName: 'enp1s0',
    });
    await kubectl(sim, ['delete', 'vm', 'db-1']);
    expect(sim.get('DataVolume', 'default', 'db-1-root')).toBeUndefined();
    expect(sim.get('PersistentVolumeClaim', 'default', 'db-1-root')).toBeUndefined();
  });

  test("KubeVirt's VM finalizer: a deleted VM stays Terminating, with its deletionTimestamp, until its guest has shut down", async () => {
    sim = await startSimulator();
    await kubectl(sim, ['apply', '-f', '-'], STACK);
    await sim.settle();
    expect(sim.get('VirtualMachine', 'default', 'web-1').metadata.finalizers).toEqual([
      'kubevirt.io/virtualMachineControllerFinalize',
    ]);
    sim.faults.slowShutdowns = [{ name: 'web-1', forMs: 60_000 }];
    // --wait=false: the API server accepts the deletion; the VM is only marked.
    expect((await kubectl(sim, ['delete', 'vm', 'web-1', '--wait=false'])).code).toBe(0);
    const vm = JSON.parse((await kubectl(sim, ['get', 'vm', 'web-1', '-o', 'json'])).stdout);
    expect(vm.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(sim.get('VirtualMachineInstance', 'default', 'web-1')).toBeDefined();
    // A client cannot take the deletionTimestamp off.
    await kubectl(sim, ['label', 'vm', 'web-1', 'x=y']);
    expect(sim.get('VirtualMachine', 'default', 'web-1').metadata.deletionTimestamp).toBe(
      vm.metadata.deletionTimestamp,
    );
    // The controller's next step (vmStepMs) marks it Terminating; waited for, not timed.
    const printable = () => sim.get('VirtualMachine', 'default', 'web-1').status.printableStatus;
    for (let i = 0; i < 500 && printable() !== 'Terminating'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(printable()).toBe('Terminating');
    // The guest's shutdown ends (settle runs the timed step at once): VMI gone, finalizer off, VM gone.
    await sim.settle();
    expect(sim.get('VirtualMachineInstance', 'default', 'web-1')).toBeUndefined();
    expect(sim.get('VirtualMachine', 'default', 'web-1')).toBeUndefined();
  });

  describe('runStrategy and restarts (kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go syncRunStrategy)', () => {
    const vmi = () => sim.get('VirtualMachineInstance', 'default', 'web-1');
    const vm = () => sim.get('VirtualMachine', 'default', 'web-1');
    const conditionTypes = () =>
      (vm().status.conditions as { type: string; status: string }[])
        .filter((c) => c.status === 'True')
        .map((c) => c.type);

    test('Always: a deleted VMI comes back as a new one, and RestartRequired clears with it', async () => {
      sim = await startSimulator();
      await kubectl(sim, ['apply', '-f', '-'], STACK);
      await sim.settle();
      await kubectl(sim, ['apply', '-f', '-'], STACK.replace('cores: 2', 'cores: 4'));
      await sim.settle();
      expect(conditionTypes()).toContain('RestartRequired');
      const before = vmi().metadata.uid;
      expect((await kubectl(sim, ['delete', 'vmi', 'web-1'])).code).toBe(0);
      await sim.settle();
      expect(vmi().metadata.uid).not.toBe(before);
      expect(vmi().status.phase).toBe('Running');
      expect(vmi().spec.domain.cpu.cores).toBe(4);
      expect(vm().status).toMatchObject({ printableStatus: 'Running', ready: true, runStrategy: 'Always' });
      expect(conditionTypes()).toEqual(['Ready']);
    });

    test.each([
      ['RerunOnFailure', 'Stopped'],
      ['Manual', 'Stopped'],
    ])('%s: a deleted VMI is not started again', async (strategy, printable) => {
      sim = await startSimulator();
      await kubectl(
        sim,
        ['apply', '-f', '-'],
        STACK.replace('runStrategy: Always', `runStrategy: ${strategy}`),
      );
      await sim.settle();
      // RerunOnFailure starts once (status.runStrategy differs at first); Manual never starts by itself.
      expect(Boolean(vmi())).toBe(strategy === 'RerunOnFailure');
      if (vmi()) await kubectl(sim, ['delete', 'vmi', 'web-1']);
      await sim.settle();
      expect(vmi()).toBeUndefined();
      expect(vm().status.printableStatus).toBe(printable);
    });

    test('a merge patch to Halted stops the VM, back to Always starts a new VMI', async () => {
      sim = await startSimulator();
      await kubectl(sim, ['apply', '-f', '-'], STACK);
      await sim.settle();
      await kubectl(sim, [
        'patch',
        'vm',
        'web-1',
        '--type',
        'merge',
        '-p',
        '{"spec":{"runStrategy":"Halted"}}',
      ]);
      await sim.settle();
      expect(vmi()).toBeUndefined();
      expect(vm().status).toMatchObject({ printableStatus: 'Stopped', ready: false });
      await kubectl(sim, [
        'patch',
        'vm',
        'web-1',
        '--type',
        'merge',
        '-p',
        '{"spec":{"runStrategy":"Always"}}',
      ]);
      await sim.settle();
      expect(vm().status).toMatchObject({ printableStatus: 'Running', ready: true });
    });

    test('fault stuckVmis: the VMI stays in Scheduling and the VM never becomes ready', async () => {
      sim = await startSimulator();
      sim.faults.stuckVmis = ['web-1'];
      await kubectl(sim, ['apply', '-f', '-'], STACK);
      await sim.settle();
      expect(vmi().status.phase).toBe('Scheduling');
      expect(vm().status).toMatchObject({ printableStatus: 'Starting', ready: false });
    });

    test('fault unschedulableVmis: a Pending launcher pod with FailedScheduling, the VM ErrorUnschedulable; then it schedules and runs', async () => {
      sim = await startSimulator();
      sim.faults.unschedulableVmis = [{ name: 'web-1', forMs: 60_000 }];
      await kubectl(sim, ['apply', '-f', '-'], STACK);
      for (let i = 0; i < 200 && vm()?.status?.printableStatus !== 'ErrorUnschedulable'; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(vm().status).toMatchObject({ printableStatus: 'ErrorUnschedulable', ready: false });
      expect(vmi().status.phase).toBe('Scheduling');
      expect(vmi().status.conditions).toContainEqual(
        expect.objectContaining({
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: expect.stringMatching(/^0\/2 nodes are available: 2 Insufficient memory\./),
        }),
      );
      const listed = JSON.parse(
        (await kubectl(sim, ['get', 'pods', '-l', 'vm.kubevirt.io/name=web-1', '-o', 'json'])).stdout,
      ).items;
      expect(listed).toHaveLength(1);
      expect(listed[0].status.phase).toBe('Pending');
      expect(listed[0].spec.nodeName).toBeUndefined();
      const events = JSON.parse((await kubectl(sim, ['get', 'events', '-o', 'json'])).stdout).items;
      expect(events).toContainEqual(
        expect.objectContaining({
          reason: 'FailedScheduling',
          type: 'Warning',
          involvedObject: expect.objectContaining({ kind: 'Pod', name: listed[0].metadata.name }),
        }),
      );
      // Room is found (settle runs the fault's end at once): the same pod is placed and the VM runs.
      await sim.settle();
      expect(vm().status).toMatchObject({ printableStatus: 'Running', ready: true });
      expect(vmi().status.conditions.map((c: { type: string }) => c.type)).not.toContain('PodScheduled');
      const after = JSON.parse(
        (await kubectl(sim, ['get', 'pods', '-l', 'vm.kubevirt.io/name=web-1', '-o', 'json'])).stdout,
      ).items;
      expect(
        after.map((p: { metadata: { name: string }; status: { phase: string } }) => [
          p.metadata.name,
          p.status.phase,
        ]),
      ).toEqual([[listed[0].metadata.name, 'Running']]);
    });
  });
});
