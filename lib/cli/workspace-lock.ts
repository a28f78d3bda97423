// One run per project/spec at a time: a lock file in the project folder, taken over when its owner died.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, VAutoError } from '../errors.js';

export interface LockOptions {
  /** How long to wait for another run to finish before giving up. */
  waitMs: number;
  pollMs?: number;
  /** Ctrl-C while waiting for another run gives up at once. */
  signal?: AbortSignal;
}

/** Takes `<home>/projects/<project>/.v-auto-<spec>.lock`; resolves to a release function. */
export async function acquireLock(home: string, project: string, spec: string, options: LockOptions): Promise<() => void> {
  const file = path.join(home, 'projects', project, `.v-auto-${spec}.lock`);
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString() }));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new VAutoError(`cannot create the lock file ${file}: ${(err as NodeJS.ErrnoException).code}`, { exitCode: ExitCode.USAGE, hint: 'v-auto needs write access to the project folder' });
      }
    }
    const owner = readOwner(file);
    if (owner && !isAlive(owner)) {
      // The previous run died without cleaning up (killed, power loss): its lock protects nothing.
      unlinkSafe(file);
      continue;
    }
    if (options.signal?.aborted) throw new VAutoError('interrupted', { exitCode: ExitCode.INTERRUPTED });
    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} on ${owner.host}, started ${owner.started}` : 'another run';
      throw new VAutoError(`${project}/${spec} is busy: ${who} holds ${file}`, {
        exitCode: ExitCode.BUSY,
        hint: 'wait for it to finish; if no v-auto is running, delete the lock file',
      });
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}

interface Owner {
  pid: number;
  host: string;
  started: string;
}

function readOwner(file: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  } catch {
    return undefined; // being written right now, or removed: look again on the next poll
  }
}

function isAlive(owner: Owner): boolean {
  if (owner.host !== os.hostname()) return true; // a process on another host cannot be checked
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkSafe(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Someone else removed it first.
  }
}
