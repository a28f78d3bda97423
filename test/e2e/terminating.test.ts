// Objects a finalizer holds through the real kubectl and the simulator's VM finalizer: the README's "delete --target, then deploy".
import { startE2E, type E2E } from '../helpers/e2e.js';

describe('a VM being deleted is neither unchanged nor ready', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    expect((await e2e.run(['demo', 'web', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('delete --target web-01, then deploy: deploy waits for the VM to go and creates it again', async () => {
    // The guest takes a while to shut down: KubeVirt's VM finalizer keeps the VM until its VMI is gone.
    // Its end is the test's word (settle), not the clock's.
    e2e.sim.faults.slowShutdowns = [{ name: 'web-01', forMs: 3_600_000 }];
    const del = await e2e.run(['demo', 'web', 'delete', '--target', 'web-01', '--yes']);
    expect(del.code).toBe(0);
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01').metadata.deletionTimestamp).toBeDefined();

    const status = await e2e.run(['demo', 'web', 'status']);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('(1 running, 1 being deleted)');

    e2e.sim.clearRequests();
    const running = e2e.run(['demo', 'web', 'deploy']);
    // Deploy has read the VM being deleted and read again (it waits): now the guest is down.
    const reads = () =>
      e2e.sim.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/virtualmachines')).length;
    while (reads() < 2) await new Promise((r) => setTimeout(r, 20));
    await e2e.sim.settle();
    const deploy = await running;
    expect(deploy.stderr).toContain('for VirtualMachine web-01');
    expect(deploy.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
    expect(deploy.code).toBe(0);
    await e2e.sim.settle();
    const vm = e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01');
    expect(vm.metadata.deletionTimestamp).toBeUndefined();
    expect(vm.status.printableStatus).toBe('Running');
  });
});
