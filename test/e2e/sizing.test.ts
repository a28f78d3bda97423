// Instance types and preferences through the real kubectl against the simulator: deploy, redeploy, a missing one refused.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, writes, type E2E } from '../helpers/e2e.js';

describe('deploy with an instance type and a preference', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'app.yaml'),
      'instancetype: u1.medium\npreference: rhel.9\nnetwork: pod\neviction_strategy: LiveMigrateIfPossible\ncloud_init: "#cloud-config\\n"\n',
    );
  });
  afterAll(() => e2e.close());

  test('the VM is created with spec.instancetype and spec.preference, and no cpu or memory of its own', async () => {
    const r = await e2e.run(['demo', 'app', 'deploy']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine app-01 (created)');
    const vm = e2e.sim.get('VirtualMachine', 'vm-demo', 'app-01');
    expect(vm.spec.instancetype).toMatchObject({
      name: 'u1.medium',
      kind: 'VirtualMachineClusterInstancetype',
    });
    expect(vm.spec.preference).toMatchObject({ name: 'rhel.9', kind: 'VirtualMachineClusterPreference' });
    expect(vm.spec.template.spec.domain.cpu).toBeUndefined();
    expect(vm.spec.template.spec.domain.memory).toBeUndefined();
    expect(vm.spec.template.spec.evictionStrategy).toBe('LiveMigrateIfPossible');
  });

  test('the revisionName the controller sets is neither a change on redeploy nor overwritten', async () => {
    await e2e.sim.settle();
    const before = e2e.sim.get('VirtualMachine', 'vm-demo', 'app-01');
    expect(before.spec.instancetype.revisionName).toMatch(/^app-01-u1\.medium-v1beta1-/);
    expect(before.spec.preference.revisionName).toMatch(/^app-01-rhel\.9-v1beta1-/);
    const r = await e2e.run(['demo', 'app', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SKIPPED] VirtualMachine app-01 (unchanged)');
    expect(r.stdout).not.toContain('[SUCCESS]');
    await e2e.sim.settle();
    const after = e2e.sim.get('VirtualMachine', 'vm-demo', 'app-01');
    expect(after.spec.instancetype.revisionName).toBe(before.spec.instancetype.revisionName);
    expect(after.spec.preference.revisionName).toBe(before.spec.preference.revisionName);
  });

  test.each([
    [
      'instancetype=u1.mediun',
      'instancetype "u1.mediun": no VirtualMachineClusterInstancetype of that name on the cluster (did you mean "u1.medium"?)',
      'u1.2xlarge, u1.2xmedium',
    ],
    [
      'preference=rhel.99',
      'preference "rhel.99": no VirtualMachineClusterPreference of that name on the cluster',
      'rhel.9, rhel.9.arm64',
    ],
  ])(
    '--set %s is refused with exit 2 before anything is applied, listing those that exist',
    async (set, message, listed) => {
      e2e.resetCalls();
      const r = await e2e.run(['demo', 'app', 'deploy', '--set', set]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain(listed);
      expect(e2e.calls().some(writes)).toBe(false);
      expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'app-01').spec.instancetype.name).toBe('u1.medium');
    },
  );

  test('another instance type: the recorded revisionName is cleared with the rename, and the controller records the new one', async () => {
    const r = await e2e.run(['demo', 'app', 'deploy', '--set', 'instancetype=u1.large']);
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine app-01 (configured');
    expect(r.code).toBe(0);
    await e2e.sim.settle();
    const vm = e2e.sim.get('VirtualMachine', 'vm-demo', 'app-01');
    expect(vm.spec.instancetype.name).toBe('u1.large');
    expect(vm.spec.instancetype.revisionName).toMatch(/^app-01-u1\.large-v1beta1-/);
    // The rename sent revisionName: null; the next apply carries the new value, so it is kept.
    await e2e.run(['demo', 'app', 'deploy', '--set', 'instancetype=u1.large']);
    await e2e.sim.settle();
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'app-01').spec.instancetype.revisionName).toBe(
      vm.spec.instancetype.revisionName,
    );
    const again = await e2e.run(['demo', 'app', 'deploy', '--set', 'instancetype=u1.large']);
    expect(again.stdout).toContain('[SKIPPED] VirtualMachine app-01 (unchanged)');
  });
});

describe('cpu_topology: sockets under LiveUpdate', () => {
  let e2e: E2E;
  const spec = (extra: string) =>
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'cpu.yaml'),
      `network: pod
cpu: 2
cloud_init: "#cloud-config\\n"\n${extra}`,
    );
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('a deployed cores VM switched to sockets needs a restart, and is told so', async () => {
    spec('');
    expect((await e2e.run(['demo', 'cpu', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'cpu-01').status.ready).toBe(true);
    spec('cpu_topology: sockets\nmax_sockets: 8\n');
    const r = await e2e.run(['demo', 'cpu', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '[SUCCESS] VirtualMachine cpu-01 (configured; needs a restart to apply the change (see the notice below))',
    );
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'cpu-01').spec.template.spec.domain.cpu).toEqual({
      sockets: 2,
      maxSockets: 8,
    });
  });

  test('more sockets on the running VM are applied live, without a restart notice', async () => {
    // The switch above took effect at a restart.
    e2e.sim.remove('VirtualMachineInstance', 'vm-demo', 'cpu-01');
    await e2e.sim.settle();
    const r = await e2e.run(['demo', 'cpu', 'deploy', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\[SUCCESS\] VirtualMachine cpu-01 \(configured; applied live: cpu\.sockets[,)]/,
    );
    expect(r.stdout).not.toContain('restart');
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'cpu-01').spec.template.spec.domain.cpu).toEqual({
      sockets: 4,
      maxSockets: 8,
    });
  });
});
