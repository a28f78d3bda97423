// One run per project/spec at a time: a proper-lockfile lock directory in the project folder.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertProject } from '../config/load-workspace.js';
import { ExitCode, interruptedError, VAutoError } from '../errors.js';
import { sleep } from '../sleep.js';

/**
 * The holder refreshes the lock's mtime every UPDATE_MS; a lock not refreshed for STALE_MS is
 * abandoned (its run was killed, or the machine went down) and the next run takes it over.
 * 5 s costs one stat and one utimes per 5 s. 30 s is six missed refreshes: a run whose event loop
 * stalls (a huge render, GC, a slow NFS home) is not mistaken for a dead one, while a run that
 * died is taken over within half a minute, well before the next cron tick. It is also longer than
 * the default 10 s wait, so a waiting run never steals a live lock because of its own patience.
 */
const STALE_MS = 30_000;
const UPDATE_MS = 5_000;

export interface LockOptions {
  /** How long to wait for another run to finish before giving up. */
  waitMs: number;
  pollMs?: number;
  /** Ctrl-C while waiting for another run gives up at once. */
  signal?: AbortSignal;
  /** Where a lost lock is reported, one line (default: stderr). */
  warn?: (line: string) => void;
}

interface Owner {
  pid: number;
  host: string;
  started: string;
}

/**
 * Takes `<home>/projects/<project>/.v-auto-<spec>.lock` (a directory); resolves to a release
 * function. A project folder that does not exist takes no lock (the action reports it).
 */
export function acquireLock(
  home: string,
  project: string,
  spec: string,
  options: LockOptions,
): Promise<() => void> {
  return lockIn(
    home,
    project,
    `.v-auto-${spec}`,
    { what: `${project}/${spec}`, busy: `${project}/${spec} is busy` },
    options,
  );
}

/**
 * The project-wide lock around shared-network decisions: a delete that judges a shared NAD unused
 * and deletes it, and a deploy that applies a VM attaching one, never interleave, whatever spec
 * each works on. `.v-auto-.shared-networks.lock`: no spec name can start with a dot.
 */
export function acquireSharedNetworkLock(
  home: string,
  project: string,
  options: LockOptions,
): Promise<() => void> {
  const what = `the shared networks of project ${project}`;
  return lockIn(home, project, '.v-auto-.shared-networks', { what, busy: `${what} are busy` }, options);
}

async function lockIn(
  home: string,
  project: string,
  base: string,
  { what, busy }: { what: string; busy: string },
  options: LockOptions,
): Promise<() => void> {
  const projectDir = path.join(home, 'projects', project);
  const target = path.join(projectDir, base);
  const lockDir = `${target}.lock`;
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  // Loaded on demand: only deploy and delete lock, and proper-lockfile installs exit handlers.
  const { default: lockfile } = await import('proper-lockfile');
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    if (options.signal?.aborted) throw interruptedError();
    const lockFs = new LockDirFs({
      pid: process.pid,
      host: os.hostname(),
      started: new Date().toISOString(),
    });
    try {
      const release = await lockfile.lock(target, {
        lockfilePath: lockDir,
        realpath: false, // the target itself never exists
        stale: STALE_MS,
        update: UPDATE_MS, // proper-lockfile unrefs this timer: it never keeps the process alive
        retries: 0, // we poll ourselves, so that Ctrl-C and the deadline are honoured
        fs: lockFs,
        // The default throws from a timer, which would kill an apply half-way: say it instead.
        onCompromised: (err) =>
          warn(
            `v-auto: warning: lost the lock on ${what} (${err.message}); another run may change it at the same time`,
          ),
      });
      lockFs.held = true;
      return () => {
        // Stops the refresh and removes our marker; when the lock was already lost, proper-lockfile
        // refuses (ERELEASED) and the marker removal below is all that is left to do.
        release().catch(() => {});
        try {
          lockFs.removeOwn(lockDir);
        } catch (err) {
          warn(
            `v-auto: warning: could not remove the lock ${lockDir} (${(err as NodeJS.ErrnoException).code}); the next run takes it over after ${STALE_MS / 1000} s`,
          );
        }
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !existsSync(projectDir)) return () => {};
      // A file where the project folder should be: the error loading the project gives.
      if (code === 'ENOTDIR') assertProject(home, project);
      if (code !== 'ELOCKED') {
        throw new VAutoError(`cannot create the lock ${lockDir}: ${code ?? (err as Error).message}`, {
          exitCode: ExitCode.USAGE,
          hint: 'v-auto needs write access to the project folder',
          cause: err,
        });
      }
    }
    if (Date.now() >= deadline) {
      const owner = readOwner(lockDir);
      if (owner && owner.host === os.hostname() && !isRunning(owner.pid)) {
        // Its run died here (killed, a crash): waiting longer would not help, time or removal does.
        const left = Math.max(1, Math.ceil((STALE_MS - (Date.now() - mtimeMs(lockDir))) / 1000));
        throw new VAutoError(
          `${busy}: process ${owner.pid} on this host (${owner.host}), which is no longer running, left ${lockDir}`,
          {
            exitCode: ExitCode.BUSY,
            hint: `the lock is taken over in ${left} s (${STALE_MS / 1000} s after its last refresh): run again then; to clear it now, check that no v-auto runs on ${what}, then: rm -r ${lockDir}`,
          },
        );
      }
      const who = owner ? `process ${owner.pid} on ${owner.host}, started ${owner.started},` : 'another run';
      throw new VAutoError(`${busy}: ${who} holds ${lockDir}`, {
        exitCode: ExitCode.BUSY,
        hint: `wait for it to finish; a lock whose run died is taken over ${STALE_MS / 1000} s after its last refresh`,
      });
    }
    await sleep(Math.min(options.pollMs ?? 250, Math.max(deadline - Date.now(), 0)), options.signal);
  }
}

const MARKER = /^owner-[0-9a-f]+\.json$/;

/**
 * The file system proper-lockfile works through. Its own stale takeover (stat, rmdir, mkdir) lets
 * two runs that both saw the same stale lock both win: the slower one removes the lock the faster
 * one has just created (node-proper-lockfile issue #121). Here a lock directory is never empty
 * while it is held: it is built aside with a uniquely named marker in it and renamed into place,
 * which succeeds only where no lock is, or where an empty one is (a crash before a marker was
 * written). Taking over a stale lock removes exactly the markers seen when it was judged stale,
 * so a fresh lock, which has another marker, is never touched, and only one of several runs can
 * then rename its own directory into the emptied place.
 */
class LockDirFs {
  /** Set once the lock is ours: rmdir from then on means release, not takeover. */
  held = false;
  private readonly marker = `owner-${randomBytes(8).toString('hex')}.json`;
  /** What the last stat saw inside the lock: the names to remove if it is found stale. */
  private seen: string[] | 'file' = [];

  constructor(private readonly owner: Owner) {}

  mkdir(lockDir: string, done: Callback): void {
    settle(done, () => this.create(lockDir));
  }

  stat(file: string, done: Callback<ReturnType<typeof statSync>>): void {
    settle(done, () => {
      // List first, then stat: a stale mtime then belongs to what was listed or to a later lock.
      try {
        this.seen = readdirSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
        this.seen = 'file'; // a pid file left by a v-auto from before this lock
      }
      return statSync(file);
    });
  }

  utimes(file: string, atime: Date, mtime: Date, done: Callback): void {
    settle(done, () => utimesSync(file, atime, mtime));
  }

  rmdir(lockDir: string, done: Callback): void {
    settle(done, () => (this.held ? this.removeOwn(lockDir) : this.removeStale(lockDir)));
  }

  /** proper-lockfile's exit handler (a signal that nobody else handles). */
  rmdirSync(lockDir: string): void {
    this.removeOwn(lockDir);
  }

  /** Removes our marker and then the directory if it is empty: never someone else's lock. */
  removeOwn(lockDir: string): void {
    ignore(() => unlinkSync(path.join(lockDir, this.marker)), 'ENOENT');
    ignore(() => rmdirSync(lockDir), 'ENOENT', 'ENOTEMPTY', 'EEXIST');
  }

  private create(lockDir: string): void {
    const staging = `${lockDir}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    mkdirSync(staging); // ENOENT: no project folder; EACCES, EROFS: no write access
    try {
      writeFileSync(path.join(staging, this.marker), `${JSON.stringify(this.owner)}\n`);
      renameSync(staging, lockDir);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      // A held lock (not empty), or an old pid file: proper-lockfile expects EEXIST.
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR')
        throw errno('EEXIST', `${lockDir} is held`);
      throw err;
    }
  }

  private removeStale(lockDir: string): void {
    if (this.seen === 'file') {
      ignore(() => unlinkSync(lockDir), 'ENOENT', 'EISDIR', 'EPERM'); // a directory now: someone's new lock
      return;
    }
    for (const name of this.seen) ignore(() => unlinkSync(path.join(lockDir, name)), 'ENOENT');
    ignore(() => rmdirSync(lockDir), 'ENOENT', 'ENOTEMPTY', 'EEXIST');
  }
}

type Callback<T = void> = (err: NodeJS.ErrnoException | null, value?: T) => void;

/** Runs a synchronous step and reports it node-style; the callback runs outside the try. */
function settle<T>(done: Callback<T>, step: () => T): void {
  let value: T | undefined;
  let error: NodeJS.ErrnoException | null = null;
  try {
    value = step();
  } catch (err) {
    error = err as NodeJS.ErrnoException;
  }
  done(error, value);
}

function ignore(step: () => void, ...codes: string[]): void {
  try {
    step();
  } catch (err) {
    if (!codes.includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Who holds the lock, for the message only: read from its marker (or an old pid file). */
function readOwner(lockDir: string): Owner | undefined {
  let file = lockDir;
  try {
    const marker = readdirSync(lockDir).find((name) => MARKER.test(name));
    if (!marker) return undefined;
    file = path.join(lockDir, marker);
  } catch {
    // not a directory: an old pid file, or gone
  }
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' &&
      typeof owner.host === 'string' &&
      typeof owner.started === 'string'
      ? (owner as Owner)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs on this host (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mtimeMs(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}
