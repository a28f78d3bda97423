// start, stop and rolling restart through the real kubectl against the simulator's VM controller.
import { startE2E, type E2E } from '../helpers/e2e.js';

describe('start, stop, restart against the simulator', () => {
  let e2e: E2E;
  const vm = (name: string) => e2e.sim.get('VirtualMachine', 'vm-demo', name);
  const vmi = (name: string) => e2e.sim.get('VirtualMachineInstance', 'vm-demo', name);
  beforeAll(async () => {
    e2e = await startE2E();
    const r = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3']);
    expect(r.code).toBe(0);
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('stop --target halts one VM and marks it; a redeploy keeps it stopped; start brings it back', async () => {
    const stop = await e2e.run(['demo', 'web', 'stop', '--target', 'web-02', '--replicas', '3']);
    expect(stop.stderr).toBe('');
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('[STOPPED] VirtualMachine web-02');
    expect(stop.stdout).toContain('1 stopped, 0 skipped, 0 failed');
    await e2e.sim.settle();
    expect(vm('web-02').spec.runStrategy).toBe('Halted');
    expect(vm('web-02').metadata.annotations['v-auto/stopped-at']).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(vmi('web-02')).toBeUndefined();
    expect(vm('web-02').status.printableStatus).toBe('Stopped');

    const again = await e2e.run(['demo', 'web', 'stop', '--target', 'web-02', '--replicas', '3']);
    expect(again.stdout).toMatch(
      /\[SKIPPED\] VirtualMachine web-02 \(already stopped by v-auto stop at .+\)/,
    );

    // The cron redeploy: nothing is written, the VM stays Halted.
    const rv = vm('web-02').metadata.resourceVersion;
    const deploy = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3']);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toMatch(
      /\[SKIPPED\] VirtualMachine web-02 \(stopped by v-auto stop at \d{4}-.+Z\)/,
    );
    expect(deploy.stdout).toContain('[SKIPPED] VirtualMachine web-01 (unchanged)');
    await e2e.sim.settle();
    expect(vm('web-02').metadata.resourceVersion).toBe(rv);
    expect(vm('web-02').spec.runStrategy).toBe('Halted');

    // A change still reaches a stopped VM, without flipping its runStrategy.
    const changed = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--set', 'cpu=3']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(
      /\[SUCCESS\] VirtualMachine web-02 \(configured; kept stopped \(v-auto stop at .+\)\)/,
    );
    await e2e.sim.settle();
    expect(vm('web-02').spec.runStrategy).toBe('Halted');

    const start = await e2e.run(['demo', 'web', 'start', '--replicas', '3']);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('[SKIPPED] VirtualMachine web-01 (already running)');
    expect(start.stdout).toContain('[STARTED] VirtualMachine web-02 (runStrategy Always)');
    expect(start.stdout).toContain('1 started, 2 skipped, 0 failed');
    await e2e.sim.settle();
    expect(vm('web-02').status.printableStatus).toBe('Running');
    expect(vm('web-02').metadata.annotations?.['v-auto/stopped-at']).toBeUndefined();
  });

  test('restart --pending --batch 2: only VMs with RestartRequired, in instance order, each batch Ready before the next', async () => {
    // web-01 and web-03 run with cpu=3 pending (deployed above while running); web-02 started after it.
    const pendingBefore = ['web-01', 'web-02', 'web-03'].filter((n) =>
      vm(n).status.conditions.some(
        (c: { type: string; status: string }) => c.type === 'RestartRequired' && c.status === 'True',
      ),
    );
    expect(pendingBefore).toEqual(['web-01', 'web-03']);
    const uids = Object.fromEntries(['web-01', 'web-02', 'web-03'].map((n) => [n, vmi(n).metadata.uid]));
    e2e.resetCalls();
    const r = await e2e.run([
      'demo',
      'web',
      'restart',
      '--replicas',
      '3',
      '--pending',
      '--batch',
      '2',
      '--set',
      'cpu=3',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SKIPPED] VirtualMachine web-02 (no restart pending)');
    expect(r.stdout).toMatch(/\[RESTARTED\] VirtualMachine web-01\n\[RESTARTED\] VirtualMachine web-03/);
    expect(r.stdout).toContain('2 restarted, 1 skipped, 0 failed');
    expect(vmi('web-01').metadata.uid).not.toBe(uids['web-01']);
    expect(vmi('web-03').metadata.uid).not.toBe(uids['web-03']);
    expect(vmi('web-02').metadata.uid).toBe(uids['web-02']);
    // One batch: one delete naming both VMIs.
    const deletes = e2e.calls().filter((c) => c.startsWith('delete '));
    expect(deletes).toHaveLength(1);
    expect(vm('web-01').status.conditions.some((c: { type: string }) => c.type === 'RestartRequired')).toBe(
      false,
    );
  });

  test('restart --batch 1 goes one VM at a time; one that does not come back stops the roll with exit 1', async () => {
    e2e.sim.faults.stuckVmis = ['web-02'];
    e2e.resetCalls();
    const r = await e2e.run(['demo', 'web', 'restart', '--replicas', '3', '--wait', '3']);
    e2e.sim.faults.stuckVmis = [];
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[RESTARTED] VirtualMachine web-01');
    expect(r.stdout).toMatch(/\[FAILED\] VirtualMachine web-02 \(not Ready again within 3 s \(Starting\)\)/);
    expect(r.stdout).not.toContain('web-03 (');
    expect(r.stdout).toContain('roll stopped; not restarted: web-03');
    const deletes = e2e.calls().filter((c) => c.startsWith('delete '));
    expect(deletes).toHaveLength(2);
    expect(deletes[0]).not.toContain('web-02');
    expect(deletes.join(' ')).not.toContain('web-03');
  });

  test('bad input: --batch 0 is exit 2, --pending on deploy without --restart is exit 2', async () => {
    const a = await e2e.run(['demo', 'web', 'restart', '--batch', '0']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--batch: expected a whole number of VMs, at least 1');
    const b = await e2e.run(['demo', 'web', 'deploy', '--pending']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--pending on deploy goes with --restart');
  });
});

describe('deploy --restart against the simulator', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('without --restart, a change that needs a restart ends with one notice naming the command', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--set', 'cpu=3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '[SUCCESS] VirtualMachine web-01 (configured; needs a restart to apply the change (see the notice below))',
    );
    expect(r.stdout).toContain(
      'notice: 2 VM(s) need a restart to apply their change (web-01, web-02): run "v-auto demo web restart --pending", or deploy with --restart\n',
    );
    await e2e.sim.settle();
  });

  test('with --restart, it applies and then rolls exactly the VMs the change needs restarted, reported once', async () => {
    e2e.resetCalls();
    const r = await e2e.run([
      'demo',
      'web',
      'deploy',
      '--yes',
      '--set',
      'cpu=4',
      '--restart',
      '--batch',
      '2',
      '--wait',
      '60',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('restarting 2 VM(s) to apply their changes, 2 at a time');
    expect(r.stdout.match(/\[RESTARTED\] VirtualMachine web-0[12]\n/g)).toEqual([
      '[RESTARTED] VirtualMachine web-01\n',
      '[RESTARTED] VirtualMachine web-02\n',
    ]);
    expect(r.stdout.match(/^\d+ restarted, \d+ skipped, \d+ failed$/gm)).toEqual([
      '2 restarted, 0 skipped, 0 failed',
    ]);
    expect(r.stdout).not.toContain('need a restart');
    expect(e2e.calls().filter((c) => c.startsWith('delete '))).toHaveLength(1);
    expect(
      e2e.sim
        .get('VirtualMachine', 'vm-demo', 'web-01')
        .status.conditions.some((c: { type: string }) => c.type === 'RestartRequired'),
    ).toBe(false);
  });
});
