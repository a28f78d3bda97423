// run_strategy Manual through the real kubectl: start goes through KubeVirt's start subresource (oc replace --raw).
import { startE2E, type E2E } from '../helpers/e2e.js';

describe('start of a Manual VM against the simulator', () => {
  let e2e: E2E;
  const MANUAL = ['--set', 'run_strategy=Manual'];
  const vmi = (name: string) => e2e.sim.get('VirtualMachineInstance', 'vm-demo', name);
  beforeAll(async () => {
    e2e = await startE2E();
    expect((await e2e.run(['demo', 'web', 'deploy', ...MANUAL])).code).toBe(0);
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('deployed Manual VMs stay stopped, and status says why', async () => {
    expect(vmi('web-01')).toBeUndefined();
    const status = await e2e.run(['demo', 'web', 'status', ...MANUAL]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('2/2 ready (2 stopped by its run_strategy)');
  });

  test('a start the subresource refuses is [FAILED] with the grant to ask for, exit 1', async () => {
    e2e.sim.faults.forbidden = [{ resource: 'virtualmachines/start' }];
    const r = await e2e.run(['demo', 'web', 'start', '--target', 'web-01', ...MANUAL]);
    e2e.sim.faults.forbidden = [];
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '[FAILED] VirtualMachine web-01 (runStrategy Manual: the start subresource refused:',
    );
    expect(r.stdout).toContain('ask a cluster admin for "update" on virtualmachines/start');
    await e2e.sim.settle();
    expect(vmi('web-01')).toBeUndefined();
  });

  test('start asks the start subresource, and the VM runs', async () => {
    e2e.sim.clearRequests();
    const r = await e2e.run(['demo', 'web', 'start', ...MANUAL]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '[STARTED] VirtualMachine web-01 (runStrategy Manual, started through the start subresource)',
    );
    expect(
      e2e.sim.requests.filter((q) => q.method === 'PUT' && q.path.endsWith('/virtualmachines/web-01/start')),
    ).toHaveLength(1);
    await e2e.sim.settle();
    expect(vmi('web-01').status.phase).toBe('Running');
    expect(vmi('web-02').status.phase).toBe('Running');
    const status = await e2e.run(['demo', 'web', 'status', ...MANUAL]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('2/2 ready\n');
  });
});
