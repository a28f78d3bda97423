// deploy --wait and states that can clear by themselves (a transient DataVolumeError, CDI#3762; a VM
// the scheduler has no room for yet), through the real kubectl against the simulator.
import { startE2E, type E2E } from '../helpers/e2e.js';

describe('--wait grace window for DataVolumeError and ErrorUnschedulable', () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await startE2E();
  });
  afterEach(() => e2e.close());

  test('an importer that fails once and is restarted does not fail the wait: exit 0 once it imports', async () => {
    e2e.sim.faults.transientImportErrors = [{ name: 'web-01-rootdisk', forMs: 5000 }];
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120']);
    expect(r.code).toBe(0);
    // The first poll saw the error, and the wait went on.
    expect(r.stderr.split('\n')[0]).toMatch(
      /^[01]\/2 ready; web-01: DataVolumeError for 0 s \(grace 300 s\)/,
    );
    expect(r.stdout).toContain('all 2 instance(s) ready');
    expect(e2e.sim.get('DataVolume', 'vm-demo', 'web-01-rootdisk').status.restartCount).toBe(1);
  });

  test('an error that lasts past the grace window fails the wait (exit 1) with the last event message', async () => {
    e2e.sim.faults.transientImportErrors = [{ name: 'web-01-rootdisk', forMs: 600_000 }];
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120'], { V_AUTO_WAIT_GRACE: '3' });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^[01]\/2 ready; web-01: DataVolumeError for 0 s \(grace 3 s\)/);
    expect(r.stdout).toMatch(
      /not ready: VirtualMachine web-01 is DataVolumeError for [3-9] s, past its 3 s grace; last event: DataVolume\/web-01-rootdisk Error: Unable to process data: Unable to transfer source data to scratch space: unexpected EOF/,
    );
  });

  test('without a grace window (V_AUTO_WAIT_GRACE=0) the same transient error fails the first poll', async () => {
    e2e.sim.faults.transientImportErrors = [{ name: 'web-01-rootdisk', forMs: 5000 }];
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120'], { V_AUTO_WAIT_GRACE: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(
      /not ready: VirtualMachine web-01 is DataVolumeError; last event: DataVolume\/web-01-rootdisk Error: /,
    );
  });

  test('a VM the scheduler has no room for until a node frees up does not fail the wait: exit 0 once it runs', async () => {
    e2e.sim.faults.unschedulableVmis = [{ name: 'web-02', forMs: 5000 }];
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/web-02: ErrorUnschedulable for \d+ s \(grace 300 s\)/);
    expect(r.stdout).toContain('all 2 instance(s) ready');
  });

  test("ErrorUnschedulable past its grace fails the wait (exit 1), naming the scheduler's message", async () => {
    e2e.sim.faults.unschedulableVmis = [{ name: 'web-02', forMs: 600_000 }];
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120'], { V_AUTO_WAIT_GRACE: '3' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /not ready: VirtualMachine web-02 is ErrorUnschedulable for [3-9] s, past its 3 s grace; last event: Pod\/virt-launcher-web-02-\w+ FailedScheduling: 0\/2 nodes are available: 2 Insufficient memory\./,
    );
  });

  test('V_AUTO_WAIT_GRACE that is not a number is exit 2 before anything is sent', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait'], { V_AUTO_WAIT_GRACE: '5m' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('V_AUTO_WAIT_GRACE: expected a number of seconds, got "5m"');
    expect(r.calls).toEqual([]);
  });
});
