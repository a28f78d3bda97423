// A kubectl ended by a signal from outside v-auto (the OOM killer, an admin's kill): said so, and what it applied before is reported.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { stackLines, startE2E, until, type E2E } from '../helpers/e2e.js';

/** Pids of the kubectl processes running `verb` against this simulator. */
function kubectls(e2e: E2E, verb: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `kubectl ${verb} .*${e2e.sim.kubeconfigPath}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('a kubectl killed by a signal', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterEach(() => {
    e2e.sim.faults.latencyMs = 0;
  });
  afterAll(() => e2e.close());

  test('during a create: the objects created before it died are [SUCCESS], the rest [FAILED] as unconfirmed; exit 1, no "cannot run"', async () => {
    // Every answer slowed down: the create is still sending objects when it is killed.
    e2e.sim.faults.latencyMs = 150;
    const run = e2e.run(['demo', 'web', 'deploy', '--yes']);
    await until(
      () => e2e.sim.get('NetworkAttachmentDefinition', 'vm-demo', 'web-01-lan') !== undefined,
      20_000,
      'the first objects to be applied',
    );
    // A first deploy: every object is new, so the call is a create.
    const pids = kubectls(e2e, 'create');
    expect(pids).toHaveLength(1);
    process.kill(pids[0], 'SIGKILL');
    const r = await run;
    e2e.sim.faults.latencyMs = 0;

    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[SUCCESS] NetworkAttachmentDefinition web-01-lan (created)');
    expect(r.stdout).toMatch(
      /\[FAILED\] VirtualMachine web-02 \(not confirmed: .* was killed by SIGKILL before reporting it\)/,
    );
    expect(r.stdout).toMatch(/\d+ succeeded, 0 skipped, [1-9]\d* failed/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('cannot run');
    expect(stackLines(r.stderr)).toEqual([]);
    expect(readdirSync(path.join(e2e.home, 'projects/demo')).filter((f) => f.includes('.lock'))).toEqual([]);

    // Nothing was lost: the next run applies what is left.
    const again = await e2e.run(['demo', 'web', 'deploy', '--yes']);
    expect(again.code).toBe(0);
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-02')).toBeDefined();
  });

  test.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to v-auto during a create (a cron or systemd timeout): what was written is [SUCCESS], the rest not confirmed or not sent; exit 130',
    async (signal) => {
      // From nothing: the first object seen below is this run's.
      await e2e.run(['demo', 'web', 'delete', '--yes', '--replicas', '10']);
      await e2e.sim.settle();
      e2e.sim.faults.latencyMs = 150;
      let child: ChildProcess | undefined;
      const run = e2e.run(
        ['demo', 'web', 'deploy', '--yes', '--replicas', '10', '--parallel', '2'],
        {},
        {
          started: (c) => (child = c),
        },
      );
      // kubectl creates one object after the other and prints each once the server answered: with
      // the Secret stored, the NAD before it has been answered and printed.
      await until(
        () => e2e.sim.get('Secret', 'vm-demo', 'web-01-cloud-init') !== undefined,
        20_000,
        'the first objects to be created',
      );
      child!.kill(signal);
      const r = await run;
      e2e.sim.faults.latencyMs = 0;

      expect(r.code).toBe(130);
      expect(r.stdout).toContain('[SUCCESS] NetworkAttachmentDefinition web-01-lan (created)');
      // Each line says what it is, and what it says is what the cluster holds.
      const lines = r.stdout.split('\n').filter((l) => /^\[(SUCCESS|FAILED)\]/.test(l));
      expect(lines).toHaveLength(10 * 4);
      for (const line of lines) {
        const [, flag, kind, name, detail] = /^\[(\w+)\] (\S+) (\S+) \((.*)\)$/.exec(line)!;
        if (flag === 'SUCCESS') expect(e2e.sim.get(kind, 'vm-demo', name)).toBeDefined();
        else expect(detail).toMatch(/^not (confirmed|sent): interrupted/);
      }
      expect(r.stdout).toMatch(/\[FAILED\] VirtualMachine web-10 \(not (confirmed|sent): interrupted/);
      expect(r.stderr).toContain('v-auto: interrupted');
      expect(stackLines(r.stderr)).toEqual([]);
      expect(readdirSync(path.join(e2e.home, 'projects/demo')).filter((f) => f.includes('.lock'))).toEqual(
        [],
      );

      const again = await e2e.run(['demo', 'web', 'deploy', '--yes', '--replicas', '10']);
      expect(again.code).toBe(0);
      expect((await e2e.run(['demo', 'web', 'delete', '--yes'])).code).toBe(0);
    },
  );

  test('during a read: exit 3 saying kubectl was killed and by what, not "cannot run"', async () => {
    e2e.sim.faults.latencyMs = 3_000;
    const run = e2e.run(['demo', 'web', 'status']);
    await until(() => kubectls(e2e, 'get').length > 0, 20_000, 'the get to start');
    for (const pid of kubectls(e2e, 'get')) process.kill(pid, 'SIGTERM');
    const r = await run;
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toMatch(/^v-auto: \S+ get was killed by SIGTERM$/);
    expect(r.stderr.split('\n')[1]).toMatch(/^hint: .*outside v-auto/);
    expect(stackLines(r.stderr)).toEqual([]);
  });
});
