// Instance types and preferences in the simulator, through the real kubectl: served, listed, checked, revisioned.
import { startSimulator, type Simulator } from './index.js';
import { kubectl } from './kubectl.js';

const vm = (name: string, instancetype?: object, preference?: object) =>
  JSON.stringify({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: 'default' },
    spec: {
      ...(instancetype ? { instancetype } : {}),
      ...(preference ? { preference } : {}),
      runStrategy: 'Halted',
      template: { spec: { domain: { devices: {} } } },
    },
  });

describe('instance types and preferences', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ schemasDir: null });
  });
  afterAll(async () => {
    await sim.stop();
  });

  test('the common cluster set is served: kubectl get by short name, with its size', async () => {
    const it = await kubectl(sim, ['get', 'vmcf', 'u1.medium', '-o', 'json']);
    expect(it.stderr).toBe('');
    expect(JSON.parse(it.stdout)).toMatchObject({
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClusterInstancetype',
      spec: { cpu: { guest: 1 }, memory: { guest: '4Gi' } },
    });
    const prefs = await kubectl(sim, [
      'get',
      'virtualmachineclusterpreferences.instancetype.kubevirt.io',
      '-o',
      'name',
    ]);
    expect(prefs.stdout.split('\n')).toContain(
      'virtualmachineclusterpreference.instancetype.kubevirt.io/rhel.9',
    );
    const ns = await kubectl(sim, ['get', 'vmf,vmp', '-n', 'default', '-o', 'name']);
    expect([ns.code, ns.stdout]).toEqual([0, '']);
  });

  test('a VM naming existing ones is stored, and the controller records their revisions once', async () => {
    const r = await kubectl(
      sim,
      ['apply', '-f', '-'],
      vm('web-1', { name: 'u1.medium', kind: 'VirtualMachineClusterInstancetype' }, { name: 'rhel.9' }),
    );
    expect([r.code, r.stdout.trim()]).toEqual([0, 'virtualmachine.kubevirt.io/web-1 created']);
    await sim.settle();
    const stored = sim.get('VirtualMachine', 'default', 'web-1');
    const it = sim.get('VirtualMachineClusterInstancetype', undefined, 'u1.medium');
    expect(stored.spec.instancetype).toEqual({
      name: 'u1.medium',
      kind: 'VirtualMachineClusterInstancetype',
      revisionName: `web-1-u1.medium-v1beta1-${it.metadata.uid}-1`,
    });
    expect(stored.spec.preference.revisionName).toMatch(/^web-1-rhel\.9-v1beta1-[0-9a-f-]{36}-1$/);
    // A re-apply of the same manifest leaves the controller's field alone: unchanged, nothing written.
    const rv = stored.metadata.resourceVersion;
    const again = await kubectl(
      sim,
      ['apply', '-f', '-'],
      vm('web-1', { name: 'u1.medium', kind: 'VirtualMachineClusterInstancetype' }, { name: 'rhel.9' }),
    );
    expect(again.stdout.trim()).toBe('virtualmachine.kubevirt.io/web-1 unchanged');
    await sim.settle();
    expect(sim.get('VirtualMachine', 'default', 'web-1').metadata.resourceVersion).toBe(rv);
    expect(sim.get('VirtualMachine', 'default', 'web-1').spec.instancetype.revisionName).toBe(
      stored.spec.instancetype.revisionName,
    );
  });

  test.each([
    [
      'a missing cluster instance type',
      { name: 'u1.huge' },
      undefined,
      'Failure to find instancetype: virtualmachineclusterinstancetypes.instancetype.kubevirt.io "u1.huge" not found',
    ],
    [
      'a missing namespaced instance type',
      { name: 'u1.medium', kind: 'VirtualMachineInstancetype' },
      undefined,
      'Failure to find instancetype: virtualmachineinstancetypes.instancetype.kubevirt.io "u1.medium" not found',
    ],
    [
      'a missing preference',
      { name: 'u1.medium' },
      { name: 'rhel.99' },
      'Failure to find preference: virtualmachineclusterpreferences.instancetype.kubevirt.io "rhel.99" not found',
    ],
  ])(
    '%s is denied by the VM webhook, and nothing is stored',
    async (_name, instancetype, preference, message) => {
      const r = await kubectl(sim, ['apply', '-f', '-'], vm('web-2', instancetype, preference));
      expect(r.code).toBe(1);
      // An Invalid status with causes: kubectl prints the causes, not the webhook's prefixed message.
      expect(r.stderr.trim()).toBe(
        `The request is invalid: spec.${preference ? 'preference' : 'instancetype'}: ${message}`,
      );
      expect(sim.get('VirtualMachine', 'default', 'web-2')).toBeUndefined();
    },
  );

  test('renaming the instance type but keeping the recorded revisionName is denied', async () => {
    await kubectl(sim, ['apply', '-f', '-'], vm('web-3', { name: 'u1.small' }));
    await sim.settle();
    const rev = sim.get('VirtualMachine', 'default', 'web-3').spec.instancetype.revisionName;
    expect(rev).toBeTruthy();
    // A client-side apply's merge patch changes name and leaves revisionName as it is.
    const r = await kubectl(sim, ['apply', '-f', '-'], vm('web-3', { name: 'u1.large' }));
    expect([r.code, r.stderr.trim()]).toEqual([
      1,
      'The request is invalid: spec.instancetype.revisionName: the Matcher Name has been updated without updating the RevisionName',
    ]);
    expect(sim.get('VirtualMachine', 'default', 'web-3').spec.instancetype.name).toBe('u1.small');
    // Clearing it with the rename is admitted, and the controller records the new one.
    const cleared = await kubectl(
      sim,
      ['apply', '-f', '-'],
      vm('web-3', { name: 'u1.large', revisionName: null }),
    );
    expect(cleared.stdout.trim()).toBe('virtualmachine.kubevirt.io/web-3 configured');
    await sim.settle();
    expect(sim.get('VirtualMachine', 'default', 'web-3').spec.instancetype.revisionName).toMatch(
      /^web-3-u1\.large-/,
    );
  });

  test('instancetypes: false serves none and checks nothing', async () => {
    const plain = await startSimulator({ schemasDir: null, instancetypes: false });
    try {
      expect(plain.list('VirtualMachineClusterInstancetype')).toEqual([]);
      const r = await kubectl(plain, ['apply', '-f', '-'], vm('web-1', { name: 'u1.huge' }));
      expect(r.code).toBe(0);
    } finally {
      await plain.stop();
    }
  });
});
