// Cluster faults end to end (real kubectl, simulator faults): keep going, lose nothing, say what happened.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../sim/index.js';
import {
  exampleHome,
  runVAuto,
  stackLines,
  until,
  writes,
  type LaunchOptions,
  type RunOutcome,
} from '../helpers/e2e.js';

const ENV = { V_AUTO_PASSWORD: 'Faults-Pa55word' };

/** No kubectl started with this kubeconfig is still running. */
function kubectlsUsing(kubeconfig: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', kubeconfig], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('kubectl'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function expectOneLineReason(r: RunOutcome, reason: RegExp, hint: RegExp): void {
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines[0]).toMatch(reason);
  expect(lines[1]).toMatch(/^hint: /);
  expect(lines[1]).toMatch(hint);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(stackLines(r.stderr)).toEqual([]);
}

/** Lock directories, and the staging directories they are built in, left in a project folder. */
function locks(home: string, project = 'demo'): string[] {
  return readdirSync(path.join(home, 'projects', project)).filter((f) => /^\.v-auto-.*\.lock/.test(f));
}

describe('cluster faults', () => {
  let sim: Simulator;
  let home: string;
  let dir: string;
  const v = (args: string[], options: LaunchOptions = {}) =>
    runVAuto(['--home', home, '--kubeconfig', sim.kubeconfigPath, ...args], {
      ...options,
      env: { ...ENV, ...options.env },
    });

  beforeAll(async () => {
    // Imports never finish on their own here, so `deploy --wait` keeps polling until it is interrupted.
    sim = await startSimulator({ timings: { importStepMs: 600_000, vmStepMs: 5 } });
    ({ dir, home } = exampleHome());
  });
  afterEach(() => {
    Object.assign(sim.faults, {
      unauthorized: false,
      forbidden: [],
      serverErrorOnce: 0,
      latencyMs: 0,
      rejectCreate: [],
      failRequests: [],
    });
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one object rejected: the others apply, it is FAILED with the server reason, exit 1; the next run converges', async () => {
    sim.faults.rejectCreate = [
      { kind: 'VirtualMachine', name: 'web-02', message: 'exceeded quota: vm-count' },
    ];
    const r = await v(['demo', 'web', 'deploy', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '[FAILED] VirtualMachine web-02 (The VirtualMachine "web-02" is invalid: spec: exceeded quota: vm-count)',
    );
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
    expect(r.stdout).toContain('[SUCCESS] DataVolume web-02-rootdisk (created)');
    expect(r.stdout).toContain('8 succeeded, 0 skipped, 1 failed');
    expect(sim.get('VirtualMachine', 'vm-demo', 'web-01')).toBeDefined();
    expect(sim.get('VirtualMachine', 'vm-demo', 'web-02')).toBeUndefined();
    expect(stackLines(r.stderr)).toEqual([]);

    sim.faults.rejectCreate = [];
    const again = await v(['demo', 'web', 'deploy', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('[SUCCESS] VirtualMachine web-02 (created)');
    expect(again.stdout).toContain('1 succeeded, 7 skipped, 0 failed');
    expect(sim.get('VirtualMachine', 'vm-demo', 'web-02')).toBeDefined();
    expect(locks(home)).toEqual([]);
  });

  test.each([
    [
      429,
      'the server has received too many requests and has asked us to try again later (get secrets web-01-cloud-init)',
    ],
    [503, 'the server is currently unable to handle the request'],
    [504, 'Timeout: request did not complete within requested timeout - context deadline exceeded'],
  ] as const)(
    "apply's GET of one Secret answered %i: it is FAILED with the server's words, the other applies, exit 1",
    async (code, reason) => {
      expect((await v(['demo', 'web', 'deploy', '--yes'])).code).toBeLessThanOrEqual(1);
      // retryAfter 0: client-go retries a 429 that carries Retry-After up to 10 times; these all fail too.
      sim.faults.failRequests = [
        { verb: 'get', kind: 'Secret', name: 'web-01-cloud-init', code, count: 20, retryAfter: 0 },
      ];
      // Another password changes both cloud-init Secrets and nothing else.
      const r = await v(['demo', 'web', 'deploy', '--yes'], {
        env: { V_AUTO_PASSWORD: `Other-Pa55word-${code}` },
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`[FAILED] Secret web-01-cloud-init (${reason})`);
      expect(r.stdout).toContain('[SUCCESS] Secret web-02-cloud-init (configured)');
      expect(r.stdout).toContain('hint: the cluster could not answer for it; run deploy again');
      expect(r.stdout).not.toContain('namespace disappeared');
      expect(stackLines(r.stderr)).toEqual([]);
      sim.faults.failRequests = [];
      expect((await v(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
    },
  );

  test("the server-side dry run answered 503: exit 3 with the server's words, nothing sent (not exit 2: nothing was refused)", async () => {
    expect((await v(['demo', 'web', 'deploy', '--yes'])).code).toBeLessThanOrEqual(1);
    sim.faults.failRequests = [{ verb: 'get', kind: 'VirtualMachine', name: 'web-01', code: 503, count: 1 }];
    const r = await v(['demo', 'web', 'deploy', '--yes', '--set', 'cpu=3']);
    expect(r.code).toBe(3);
    expectOneLineReason(
      r,
      /^v-auto: the cluster could not answer the server-side dry run of VirtualMachine web-01; nothing was sent: the server is currently unable to handle the request$/,
      /try again/,
    );
    expect(r.calls.filter(writes)).toEqual([]);
  });

  test('not logged in: exit 3, one line and a hint to oc login', async () => {
    sim.faults.unauthorized = true;
    for (const action of [['deploy', '--yes'], ['status'], ['delete', '--yes']]) {
      const r = await v(['demo', 'web', ...action]);
      expect(r.code).toBe(3);
      expectOneLineReason(r, /^v-auto: not logged in to the cluster \(Unauthorized\)$/, /oc login/);
      expect(r.stdout).toBe('');
    }
  });

  test('forbidden for the whole namespace: exit 3 naming the verb, resource and namespace', async () => {
    sim.faults.forbidden = [{ namespace: 'vm-demo' }];
    const r = await v(['demo', 'web', 'deploy', '--yes']);
    expect(r.code).toBe(3);
    expectOneLineReason(
      r,
      /^v-auto: forbidden: sim-user cannot list virtualmachines in namespace vm-demo$/,
      /"list" on virtualmachines in vm-demo/,
    );
  });

  test("forbidden for one kind: the VMs' server-side dry run says so before anything is sent, exit 3 naming verb and namespace", async () => {
    sim.faults.forbidden = [{ resource: 'virtualmachines', verb: 'patch' }];
    const r = await v(['demo', 'web', 'deploy', '--yes', '--set', 'cpu=3']);
    expect(r.code).toBe(3);
    expectOneLineReason(
      r,
      /^v-auto: forbidden: your user may not patch virtualmachines in namespace vm-demo \(the server-side dry run of the VirtualMachines\); nothing was sent$/,
      /"patch" on virtualmachines in vm-demo/,
    );
    expect(r.calls.filter(writes)).toEqual([]);
  });

  test('unreachable API server (closed port): exit 3 "cannot reach" with a hint', async () => {
    const port = await closedPort();
    const kubeconfig = path.join(dir, 'closed-port.kubeconfig');
    writeFileSync(
      kubeconfig,
      readFileSync(sim.kubeconfigPath, 'utf8').replace(
        /http:\/\/127\.0\.0\.1:\d+/,
        `http://127.0.0.1:${port}`,
      ),
    );
    const r = await runVAuto(['--home', home, '--kubeconfig', kubeconfig, 'demo', 'web', 'deploy', '--yes'], {
      env: ENV,
    });
    expect(r.code).toBe(3);
    expectOneLineReason(
      r,
      /^v-auto: cannot reach the cluster: The connection to the server 127\.0\.0\.1:\d+ was refused/,
      /right host or port/,
    );
    // The one read deploy makes of a small spec, and nothing after it.
    expect(r.calls.map((c) => c.split(' ')[0])).toEqual(['get']);
  });

  test('a cluster slower than --request-timeout: exit 3 within seconds, no kubectl left behind', async () => {
    sim.faults.latencyMs = 3000;
    const r = await v(['demo', 'web', 'status', '--request-timeout', '1']);
    expect(r.code).toBe(3);
    // kubectl's own deadline or v-auto's process deadline (4 × --request-timeout), whichever comes first.
    expectOneLineReason(
      r,
      /^v-auto: (cannot reach the cluster: .*|.* did not finish within 4 s)$/,
      /request-timeout|right host or port/,
    );
    expect(r.ms).toBeLessThan(15_000);
    await until(() => kubectlsUsing(sim.kubeconfigPath).length === 0, 5000, 'the timed-out kubectl to end');
    // The reads run side by side: requests of the ended kubectls still sit in the simulator's delay,
    // and would otherwise be served under the next test's faults (a serverErrorOnce spent on them).
    await new Promise((r) => setTimeout(r, 3000));
  });

  test('a 500 from the API server: kubectl does not retry, v-auto stops with exit 3 and a one-line reason', async () => {
    sim.faults.serverErrorOnce = 1;
    const r = await v(['demo', 'web', 'deploy', '--yes', '--set', 'cpu=5']);
    // The first request is the one get that checks what exists: nothing was applied yet.
    expect(r.code).toBe(3);
    expectOneLineReason(
      r,
      /^v-auto: the cluster answered with a server error: .*Internal error occurred/,
      /try again/,
    );
    expect(r.calls.filter(writes)).toEqual([]);
    expect(sim.get('VirtualMachine', 'vm-demo', 'web-01').spec.template.spec.domain.cpu.cores).not.toBe(5);
    // The fault is spent: running again works.
    expect((await v(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
  });

  test('Ctrl-C during deploy --wait: the child kubectl is ended, no lock is left, exit 130', async () => {
    let pollSeen = false;
    const r = await v(['demo', 'db', 'deploy', '--yes', '--wait', '120'], {
      timeoutMs: 30_000,
      started: (child, log) => {
        const polls = () =>
          readFileSync(log, 'utf8')
            .split('\n')
            .filter((c) => c.startsWith('get') && c.includes('virtualmachineinstances'));
        void (async () => {
          await until(() => polls().length >= 1, 20_000, 'the first readiness poll');
          // From now on every answer takes 4 s: the poll's kubectl is still waiting when Ctrl-C comes.
          sim.faults.latencyMs = 4000;
          await until(() => kubectlsUsing(sim.kubeconfigPath).length > 0, 5000, 'the polling kubectl to run');
          await new Promise((r) => setTimeout(r, 300));
          pollSeen = true;
          child.kill('SIGINT');
        })();
      },
    });
    expect(pollSeen).toBe(true);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^v-auto: interrupted$/m);
    expect(stackLines(r.stderr)).toEqual([]);
    await until(() => kubectlsUsing(sim.kubeconfigPath).length === 0, 5000, 'the interrupted kubectl to end');
    expect(locks(home)).toEqual([]);
  }, 45_000);

  describe('two runs of one project/spec at once', () => {
    const lockDir = () => path.join(home, 'projects/demo/.v-auto-web.lock');
    /** A lock held by another run: its directory, a marker naming the holder, an mtime `ageMs` old. */
    const holdLock = (ageMs = 0, pid = process.pid) => {
      mkdirSync(lockDir());
      writeFileSync(
        path.join(lockDir(), 'owner-0123456789abcdef.json'),
        JSON.stringify({ pid, host: os.hostname(), started: new Date().toISOString() }),
      );
      const mtime = new Date(Date.now() - ageMs);
      utimesSync(lockDir(), mtime, mtime);
    };
    afterEach(() => rmSync(lockDir(), { recursive: true, force: true }));

    test('a live holder: the second run waits, then exits 4 naming the holder, without calling the cluster', async () => {
      holdLock();
      const r = await v(['demo', 'web', 'deploy', '--yes'], { env: { V_AUTO_LOCK_WAIT_MS: '1500' } });
      expect(r.code).toBe(4);
      expect(r.ms).toBeGreaterThanOrEqual(1500);
      expectOneLineReason(
        r,
        new RegExp(
          `^v-auto: demo/web is busy: process ${process.pid} on ${os.hostname()}, started .*, holds .*\\.v-auto-web\\.lock$`,
        ),
        /wait for it to finish/,
      );
      expect(r.calls).toEqual([]);
      expect(readdirSync(lockDir())).toEqual(['owner-0123456789abcdef.json']); // someone else's lock is not ours to remove
    });

    test('a holder on this host that is no longer running: exit 4 saying so and how to clear it, not "wait"', async () => {
      // A pid that was just used and has ended: `true` has exited once execFileSync returns.
      const dead = Number(execFileSync('sh', ['-c', 'true & echo $!'], { encoding: 'utf8' }).trim());
      await until(() => !existsSync(`/proc/${dead}`), 5000, 'the process to be gone');
      holdLock(5_000, dead);
      const r = await v(['demo', 'web', 'deploy', '--yes'], { env: { V_AUTO_LOCK_WAIT_MS: '500' } });
      expect(r.code).toBe(4);
      const [message, hint] = r.stderr.split('\n');
      expect(message).toMatch(
        new RegExp(
          `^v-auto: demo/web is busy: process ${dead} on this host \\(${os.hostname()}\\), which is no longer running, left .*\\.v-auto-web\\.lock$`,
        ),
      );
      expect(hint).toMatch(/^hint: /);
      expect(hint).not.toMatch(/\bwait\b/);
      expect(hint).toMatch(/taken over in 2\d s|taken over in \d s/);
      expect(hint).toContain(`rm -r ${lockDir()}`);
      expect(r.calls).toEqual([]);
    });

    test('the default wait is about 10 s', async () => {
      holdLock();
      const r = await v(['demo', 'web', 'deploy', '--yes']);
      expect(r.code).toBe(4);
      expect(r.ms).toBeGreaterThanOrEqual(10_000);
      expect(r.ms).toBeLessThan(20_000);
    }, 30_000);

    // The holder's pid is this live test process: a refreshed mtime, not a pid, tells a live lock
    // from an abandoned one, so pid reuse (after a reboot, in containers) cannot keep a lock alive.
    test.each([
      ['a lock not refreshed for a minute (its run was killed)', () => holdLock(60_000)],
      ['an empty lock directory (its run crashed while taking it)', () => mkdirSync(lockDir())],
    ])('%s is taken over and the run succeeds', async (_, leave) => {
      leave();
      const r = await v(['demo', 'web', 'deploy', '--yes']);
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(10_000);
      expect(locks(home)).toEqual([]);
    });

    test('a dry run needs no lock', async () => {
      holdLock();
      const r = await v(['demo', 'web', 'deploy', '--dry-run'], { env: { V_AUTO_LOCK_WAIT_MS: '5000' } });
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(5000);
    });
  });

  test('cluster text with escape sequences and newlines is printed neutralised: server reasons and events', async () => {
    const forged = 'quota\u001b[2J\u001b]0;pwned\u0007\r\n[SUCCESS] VirtualMachine forged (created)';
    expect((await v(['demo', 'web', 'delete', '--yes'])).code).toBe(0);
    sim.remove('VirtualMachine', 'vm-demo', 'web-02'); // gone now, not in the background: the next apply creates it
    await sim.settle(); // and its VM finalizer processed
    sim.faults.rejectCreate = [{ kind: 'VirtualMachine', name: 'web-02', message: forged }];
    const r = await v(['demo', 'web', 'deploy', '--yes']);
    sim.faults.rejectCreate = [];
    // Refused in the VMs' server-side dry run: exit 2, nothing sent, the reason on one line.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VirtualMachine web-02: ');
    expect(r.calls.filter(writes)).toEqual([]);
    expect(r.stderr).not.toMatch(/^\[SUCCESS\] VirtualMachine forged/m);
    // Deployed, for the events part: status prints the cluster's events beside what it finds.
    expect((await v(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
    sim.put({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-01.forged', namespace: 'vm-demo' },
      involvedObject: { kind: 'VirtualMachine', name: 'web-01', namespace: 'vm-demo' },
      type: 'Warning',
      reason: 'Bad\u001b[31mReason',
      message: `disk full\u001b[2J\nweb-09  Running  true  Running  10.0.0.9`,
      lastTimestamp: new Date().toISOString(),
    });
    const status = await v(['demo', 'web', 'status']);
    for (const [what, out] of [
      ['deploy', r.stdout + r.stderr],
      ['status', status.stdout + status.stderr],
    ] as const) {
      expect({ what, control: /[\u0000-\u0009\u000b-\u001f\u007f]/.test(out) }).toEqual({
        what,
        control: false,
      });
    }
    expect(r.stdout).not.toMatch(/^\[SUCCESS\] VirtualMachine forged/m);
    expect(status.stdout).toContain('disk full\\x1b[2J\\x0aweb-09');
    expect(status.stdout).not.toMatch(/^web-09/m);
    sim.remove('Event', 'vm-demo', 'web-01.forged');
    expect((await v(['demo', 'web', 'delete', '--yes'])).code).toBe(0);
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
