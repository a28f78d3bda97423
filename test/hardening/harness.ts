// Harness for the hardening tests: scratch workspaces, a recording oc wrapper per run, and the built
// binary started with spawn so that tests can hold stdin open or send SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binary, ocWrapper, repoRoot } from '../helpers/e2e.js';

export { kubectlAvailable, ocWrapper, repoRoot } from '../helpers/e2e.js';

/** A fixed password that every scan looks for. */
export const PASSWORD = 'Hardening-Pa55word-7f3c9';

export interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The oc calls this run made, one argument string per call. */
  calls: string[];
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** 'closed' (default) ends stdin at once; 'open' keeps a pipe that never gets data or EOF. */
  stdin?: 'closed' | 'open';
  /** Kills the run (SIGKILL) after this many milliseconds; the outcome then has signal set. */
  timeoutMs?: number;
  /** Called once the child started, e.g. to send it signals. */
  started?: (child: ChildProcess, callLog: string) => void;
}

/** Copies a directory, leaving out lock files that another run may have left in it. */
export function copyWorkspace(from: string, to: string): string {
  cpSync(from, to, { recursive: true, filter: (src) => !/\.v-auto-.*\.lock$/.test(path.basename(src)) });
  return to;
}

/** A scratch directory with a copy of examples/ as home. */
export function exampleHome(): { dir: string; home: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-hardening-'));
  return { dir, home: copyWorkspace(path.join(repoRoot, 'examples'), path.join(dir, 'home')) };
}

/** Runs bin/v-auto with the recording wrapper as --oc; `args` come after --oc. */
export function runV(args: string[], options: RunOptions = {}): Promise<RunOutcome> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-calls-'));
  const log = path.join(logDir, 'calls.log');
  writeFileSync(log, '');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binary, '--oc', ocWrapper, ...args], {
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), OC_WRAPPER_LOG: log, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (options.stdin !== 'open') child.stdin.end();
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    options.started?.(child, log);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      child.stdin.destroy();
      const calls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      rmSync(logDir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, calls, ms: Date.now() - started });
    });
  });
}

/** Lines that look like a JavaScript stack frame. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s{4}at /.test(l));
}

/** Resolves when `check` returns true, polling every 50 ms; rejects after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
