// The workspace lock: one run per project/spec, abandoned locks taken over, never two holders.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ExitCode, VAutoError } from '../../lib/errors.js';
import { acquireLock } from '../../lib/cli/workspace-lock.js';
import { repoRoot } from '../helpers/e2e.js';

let home: string;
const projectDir = () => path.join(home, 'projects', 'demo');
const lockDir = () => path.join(projectDir(), '.v-auto-web.lock');
const take = (options: Partial<Parameters<typeof acquireLock>[3]> = {}) =>
  acquireLock(home, 'demo', 'web', { waitMs: 0, pollMs: 20, ...options });

/** A lock as another run leaves it: a directory holding a marker that names its owner. */
function otherRunsLock(
  owner = { pid: 4242, host: 'cron-host', started: '2030-01-01T00:00:00.000Z' },
  ageMs = 0,
): void {
  mkdirSync(lockDir());
  writeFileSync(path.join(lockDir(), 'owner-0123456789abcdef.json'), JSON.stringify(owner));
  const mtime = new Date(Date.now() - ageMs);
  utimesSync(lockDir(), mtime, mtime);
}

async function failure(promise: Promise<unknown>): Promise<VAutoError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VAutoError);
  return err as VAutoError;
}

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'v-auto-lock-'));
  mkdirSync(projectDir(), { recursive: true });
});
afterEach(() => {
  chmodSync(projectDir(), 0o755);
  rmSync(home, { recursive: true, force: true });
});

describe('acquireLock', () => {
  test('takes the lock as a directory naming its owner, and release removes it all', async () => {
    const release = await take();
    const markers = readdirSync(lockDir());
    expect(markers).toEqual([expect.stringMatching(/^owner-[0-9a-f]+\.json$/)]);
    expect(JSON.parse(readFileSync(path.join(lockDir(), markers[0]), 'utf8'))).toEqual({
      pid: process.pid,
      host: os.hostname(),
      started: expect.any(String),
    });
    release();
    expect(readdirSync(projectDir())).toEqual([]);
    release(); // twice is harmless
    const again = await take();
    again();
  });

  test('a second run waits, then fails with exit 4 naming the holder', async () => {
    const release = await take();
    const started = Date.now();
    const err = await failure(take({ waitMs: 400 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(err.exitCode).toBe(ExitCode.BUSY);
    expect(err.message).toBe(
      `demo/web is busy: process ${process.pid} on ${os.hostname()}, started ${JSON.parse(readFileSync(path.join(lockDir(), readdirSync(lockDir())[0]), 'utf8')).started}, holds ${lockDir()}`,
    );
    expect(err.hint).toMatch(/wait for it to finish/);
    expect(existsSync(lockDir())).toBe(true); // the holder's lock is not the waiter's to remove
    release();
  });

  test('a waiting run gets the lock as soon as the holder releases it', async () => {
    const release = await take();
    setTimeout(release, 150);
    const second = await take({ waitMs: 5000 });
    second();
  });

  test('a live lock of another run names that run; one without a marker says "another run"', async () => {
    otherRunsLock();
    expect((await failure(take())).message).toBe(
      `demo/web is busy: process 4242 on cron-host, started 2030-01-01T00:00:00.000Z, holds ${lockDir()}`,
    );
    rmSync(path.join(lockDir(), 'owner-0123456789abcdef.json'));
    writeFileSync(path.join(lockDir(), 'owner-0123456789abcdef.json'), 'not json');
    expect((await failure(take())).message).toBe(`demo/web is busy: another run holds ${lockDir()}`);
  });

  test.each([
    ['a lock not refreshed for a minute (its run was killed)', () => otherRunsLock(undefined, 60_000)],
    ['an empty lock directory (a crash before its marker was written)', () => mkdirSync(lockDir())],
    [
      'a stale pid file of an older v-auto',
      () => {
        writeFileSync(
          lockDir(),
          JSON.stringify({ pid: 1, host: 'old', started: '2020-01-01T00:00:00.000Z' }),
        );
        utimesSync(lockDir(), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      },
    ],
  ])('%s is taken over', async (_, leave) => {
    leave();
    const release = await take();
    expect(readdirSync(lockDir())).toEqual([expect.stringMatching(/^owner-[0-9a-f]+\.json$/)]);
    release();
    expect(readdirSync(projectDir())).toEqual([]);
  });

  test('a fresh pid file of an older v-auto that is still running is respected', async () => {
    writeFileSync(
      lockDir(),
      JSON.stringify({ pid: 77, host: 'old-host', started: '2020-01-01T00:00:00.000Z' }),
    );
    const err = await failure(take());
    expect(err.exitCode).toBe(ExitCode.BUSY);
    expect(err.message).toContain('process 77 on old-host');
  });

  test.each([
    ['a free lock', () => {}],
    ['an abandoned lock', () => otherRunsLock(undefined, 60_000)],
  ])('two runs at once in one process: exactly one gets %s', async (_, leave) => {
    leave();
    const outcomes = await Promise.allSettled([take({ waitMs: 200 }), take({ waitMs: 200 })]);
    const held = outcomes.filter((o) => o.status === 'fulfilled');
    expect(held).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as VAutoError).exitCode).toBe(ExitCode.BUSY);
    (held[0] as PromiseFulfilledResult<() => void>).value();
  });

  test('a project folder that does not exist takes no lock (the action reports the project)', async () => {
    const release = await acquireLock(home, 'no-such-project', 'web', { waitMs: 0 });
    release();
    expect(existsSync(path.join(home, 'projects', 'no-such-project'))).toBe(false);
  });

  test('a project folder v-auto cannot write to: exit 2, asking for write access', async () => {
    if (process.getuid?.() === 0) {
      console.warn(
        'running as root, where chmod does not stop writes: read-only project folder case SKIPPED',
      );
      return;
    }
    chmodSync(projectDir(), 0o555);
    const err = await failure(take());
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(`cannot create the lock ${lockDir()}: EACCES`);
    expect(err.hint).toBe('v-auto needs write access to the project folder');
  });

  test('a project "folder" that is a file: exit 2, not a silent run without a lock', async () => {
    rmSync(projectDir(), { recursive: true });
    writeFileSync(projectDir(), '');
    const err = await failure(take());
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe('projects/demo is a file, not a project folder');
    expect(err.hint).toBe('a project is a folder: projects/demo/specs/<spec>.yaml');
    rmSync(projectDir());
    mkdirSync(projectDir());
  });

  test('Ctrl-C while waiting gives up at once with exit 130', async () => {
    otherRunsLock();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const started = Date.now();
    const err = await failure(take({ waitMs: 10_000, pollMs: 5000, signal: abort.signal }));
    expect(err.exitCode).toBe(ExitCode.INTERRUPTED);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a lock lost while held is one warning line, not a crash; release then leaves the new holder alone', async () => {
    const warnings: string[] = [];
    const release = await take({ warn: (line) => warnings.push(line) });
    rmSync(lockDir(), { recursive: true }); // someone deleted it by hand
    for (let i = 0; i < 80 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 100)); // next refresh: 5 s
    expect(warnings).toEqual([
      expect.stringMatching(
        /^v-auto: warning: lost the lock on demo\/web \(.*\); another run may change it at the same time$/,
      ),
    ]);
    const next = await take();
    release();
    expect(readdirSync(lockDir())).toHaveLength(1);
    next();
  }, 15_000);
});

describe('acquireLock across processes', () => {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  const lib = path.join(repoRoot, 'lib', 'cli', 'workspace-lock.ts');
  const run = promisify(execFile);

  function script(body: string): string {
    const file = path.join(home, `script-${Math.random().toString(16).slice(2)}.mts`);
    writeFileSync(
      file,
      `import fs from 'node:fs';\nimport path from 'node:path';\nconst { acquireLock } = await import(${JSON.stringify(lib)});\nconst home = ${JSON.stringify(home)};\nconst sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(ms, 0)));\n${body}`,
    );
    return file;
  }

  test('contenders started at the same instant, round after round: never two holders at once', async () => {
    const contenders = 6;
    const rounds = 8;
    const flags = path.join(home, 'flags'); // ready-PID, go-ROUND, done-ROUND-PID, won-ROUND-PID, two-holders-*
    mkdirSync(flags);
    const holding = path.join(home, 'holding');
    otherRunsLock(undefined, 60_000);
    // Rounds go by the test's word, not by the clock: on a loaded machine a round on a timer could
    // start before the last holder let go, and nobody win it. Each holder claims a file only one
    // process can create: a second holder at once finds it there, whatever the clocks say.
    const file = script(`
      await import(${JSON.stringify(path.join(repoRoot, 'node_modules', 'proper-lockfile', 'index.js'))}); // what acquireLock loads on first use, before the race
      const flag = (name) => path.join(${JSON.stringify(flags)}, name);
      fs.writeFileSync(flag('ready-' + process.pid), '');
      for (let round = 0; round < ${rounds}; round++) {
        while (!fs.existsSync(flag('go-' + round))) await sleep(2);
        let release;
        try {
          release = await acquireLock(home, 'demo', 'web', { waitMs: 0 });
        } catch (err) {
          if (err.exitCode !== 4) throw err;
        }
        if (release) {
          try {
            fs.writeFileSync(${JSON.stringify(holding)}, String(process.pid), { flag: 'wx' });
          } catch (err) {
            if (err.code !== 'EEXIST') throw err;
            fs.writeFileSync(flag('two-holders-' + round + '-' + process.pid), '');
          }
          fs.writeFileSync(flag('won-' + round + '-' + process.pid), '');
          await sleep(100);
          fs.rmSync(${JSON.stringify(holding)}, { force: true });
          release();
        }
        fs.writeFileSync(flag('done-' + round + '-' + process.pid), '');
      }
    `);
    let failed: unknown;
    const children = Promise.all(Array.from({ length: contenders }, () => run(tsx, [file])));
    children.catch((err) => (failed = err));
    const count = (prefix: string) => readdirSync(flags).filter((f) => f.startsWith(prefix)).length;
    const waitFor = async (prefix: string) => {
      while (count(prefix) < contenders) {
        if (failed) throw failed;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await waitFor('ready-');
    const lockDir = path.join(home, 'projects/demo/.v-auto-web.lock');
    for (let round = 0; round < rounds; round++) {
      // Each round after the first starts on an abandoned lock: a stale one with a marker, or an
      // empty one (a crash before the marker was written), in turn.
      if (round > 0) {
        mkdirSync(lockDir);
        if (round % 2 === 1) {
          writeFileSync(path.join(lockDir, 'owner-dead.json'), '{}');
          const old = new Date(Date.now() - 60_000);
          utimesSync(lockDir, old, old);
        }
      }
      writeFileSync(path.join(flags, `go-${round}`), '');
      await waitFor(`done-${round}-`);
      expect({ round, won: count(`won-${round}-`) > 0 }).toEqual({ round, won: true });
    }
    await children;
    expect(readdirSync(flags).filter((f) => f.startsWith('two-holders-'))).toEqual([]);
  }, 120_000);

  test('a run that ends without releasing neither hangs on the refresh timer nor leaves the lock', async () => {
    const file = script(`await acquireLock(home, 'demo', 'web', { waitMs: 0 }); console.log('held');`);
    const started = Date.now();
    const { stdout } = await run(tsx, [file], { timeout: 10_000 });
    expect(stdout).toBe('held\n');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(existsSync(lockDir())).toBe(false);
  }, 15_000);
});
