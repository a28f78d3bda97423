// The one end-to-end launcher: starts the built bin/v-auto (spawned, so tests control stdin and
// signals) with the real kubectl behind a recording oc wrapper, against the local simulator, in a
// scratch copy of a workspace.
import {
  execFileSync,
  spawn,
  type ChildProcess,
  type ChildProcessByStdio,
  type ChildProcessWithoutNullStreams,
} from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/index.js';
import { findKubectl, requireKubectl } from './kubectl-binaries.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = path.join(repoRoot, 'bin', 'v-auto');
/** The example workspace's demo/web spec, as commands take a spec (no --set). */
export const EXAMPLE_WEB = {
  home: path.join(repoRoot, 'examples'),
  project: 'demo',
  spec: 'web',
  sets: [] as string[],
};
/** Stand-in for oc: records each call's arguments, then runs $OC_WRAPPER_KUBECTL with them. */
export const ocWrapper = path.join(repoRoot, 'test', 'fixtures', 'bin', 'oc');

export interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The oc calls this run made, one argument string per call. */
  calls: string[];
  ms: number;
}

/** A recorded oc call that writes to the cluster: what a refused or declined run must not have made (a server-side dry run stores nothing). */
export function writes(call: string): boolean {
  return /^(apply|create|delete|patch) /.test(call) && !/ --dry-run=server\b/.test(call);
}

export interface LaunchOptions {
  env?: Record<string, string>;
  /** 'closed' (default) ends stdin at once; 'open' keeps a pipe that never gets data or EOF; a string is written, then EOF. */
  stdin?: 'closed' | 'open' | { text: string };
  /** Kills the run (SIGKILL) after this many milliseconds; the outcome then has signal set. Default 120 s. */
  timeoutMs?: number;
  /** Called once the child started, e.g. to send it signals. */
  started?: (child: ChildProcess, callLog: string) => void;
  cwd?: string;
  /** The kubectl the oc wrapper runs; default: the one findKubectl() finds. */
  kubectl?: string;
  /** Also append this run's oc calls to this file (the E2E call log). */
  callLog?: string;
  /** Where stdout goes: a pipe the test reads (default), /dev/full (every write fails with ENOSPC), or a pipe whose reading end is closed at once (EPIPE, as `| head` does). */
  stdout?: 'pipe' | 'full' | 'closed-pipe';
}

/** Copies a directory, leaving out lock directories (and their staging folders) that another run may have left in it. */
export function copyWorkspace(from: string, to: string): string {
  cpSync(from, to, { recursive: true, filter: (src) => !/^\.v-auto-.*\.lock/.test(path.basename(src)) });
  return to;
}

/** A scratch directory with a copy of examples/ as home. */
export function exampleHome(): { dir: string; home: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-e2e-'));
  return { dir, home: copyWorkspace(path.join(repoRoot, 'examples'), path.join(dir, 'home')) };
}

/** Runs bin/v-auto with the recording wrapper as --oc; `args` come after --oc. Never rejects. */
export function runVAuto(args: string[], options: LaunchOptions = {}): Promise<RunOutcome> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-calls-'));
  const log = path.join(logDir, 'calls.log');
  writeFileSync(log, '');
  const kubectl = options.kubectl ?? findKubectl() ?? '/nonexistent/kubectl';
  const started = Date.now();
  return new Promise((resolve) => {
    const full = options.stdout === 'full' ? openSync('/dev/full', 'w') : undefined;
    const child = spawn(process.execPath, [binary, '--oc', ocWrapper, ...args], {
      cwd: options.cwd ?? os.tmpdir(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: os.tmpdir(),
        OC_WRAPPER_LOG: log,
        OC_WRAPPER_KUBECTL: kubectl,
        ...options.env,
      },
      stdio: ['pipe', full ?? 'pipe', 'pipe'],
    }) as ChildProcessByStdio<Writable, Readable | null, Readable>;
    if (full !== undefined) closeSync(full);
    let stdout = '';
    let stderr = '';
    if (options.stdout === 'closed-pipe') child.stdout?.destroy();
    else child.stdout?.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined); // the child may exit before reading its input
    if (typeof options.stdin === 'object') child.stdin.end(options.stdin.text);
    else if (options.stdin !== 'open') child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    options.started?.(child, log);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
      if (options.callLog) appendFileSync(options.callLog, text);
      rmSync(logDir, { recursive: true, force: true });
      resolve({
        code,
        signal,
        stdout,
        stderr,
        calls: text.split('\n').filter(Boolean),
        ms: Date.now() - started,
      });
    });
  });
}

export interface Terminal {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  /** Resolves once `text` is on the screen; rejects after 10 s. */
  waitFor(text: string): Promise<void>;
  screen(): string;
  /** Bytes written to the terminal so far (the screen may have been capped). */
  bytes(): number;
  /** Sends `signal` to v-auto itself (not to script). */
  signal(signal: NodeJS.Signals): void;
}

export interface TerminalOptions {
  /** The terminal's geometry, set with stty before v-auto starts; default: what script(1) gives (0×0 when the test has no terminal). */
  size?: { columns: number; rows: number };
  /** v-auto is killed (SIGKILL) once it has written this many bytes; default 20 MB. */
  maxBytes?: number;
  /** A shell command run on the same terminal once v-auto has ended (`stty -a`); the exit code stays v-auto's. */
  after?: string;
}

/** Runs bin/v-auto under script(1), which gives it a pseudo-terminal; `args` are given as they are. */
export function onTerminal(
  args: string[],
  env: Record<string, string>,
  screenLog?: string,
  options: TerminalOptions = {},
): Terminal {
  const stty = options.size ? `stty cols ${options.size.columns} rows ${options.size.rows}; ` : '';
  const vauto = [process.execPath, binary, ...args].map((a) => `'${a}'`).join(' ');
  const command = options.after
    ? `${stty}${vauto}; code=$?; ${options.after}; exit $code`
    : `${stty}exec ${vauto}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      TERM: 'dumb',
      OC_WRAPPER_KUBECTL: findKubectl() ?? '/nonexistent/kubectl',
      ...env,
    },
  });
  const signal = (sig: NodeJS.Signals) => {
    const pid =
      child.pid === undefined ? undefined : descendantRunning(child.pid, `${process.execPath}\0${binary}\0`);
    if (pid) process.kill(pid, sig);
  };
  const maxBytes = options.maxBytes ?? 20_000_000;
  let screen = '';
  let bytes = 0;
  child.stdout.on('data', (d: Buffer) => {
    bytes += d.length;
    // A run that floods the terminal is stopped before it fills the test's memory.
    if (bytes > maxBytes) return signal('SIGKILL');
    screen += d;
    if (screenLog) appendFileSync(screenLog, d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child,
    exited,
    screen: () => screen,
    bytes: () => bytes,
    signal,
    waitFor: (text) =>
      until(
        () => screen.includes(text),
        10_000,
        JSON.stringify(text),
        () => screen.slice(-2000),
      ),
  };
}

/** The first process below `pid` whose command line starts with `needle` (v-auto under script and a shell). */
function descendantRunning(pid: number, needle: string): number | undefined {
  let children: number[];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return undefined; // pgrep exits 1 when there are none
  }
  for (const c of children) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${c}/cmdline`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (cmdline.startsWith(needle)) return c;
    const below = descendantRunning(c, needle);
    if (below) return below;
  }
  return undefined;
}

/** Whether script(1) is there to give a test a terminal. */
export const haveScript = existsSync('/usr/bin/script');

export interface E2EOptions extends SimulatorOptions {
  /** The kubectl that oc stands for; default: the one findKubectl() finds (a suite fails when there is none). */
  kubectl?: string;
}

export interface E2E {
  sim: Simulator;
  /** Workspace home: a copy of examples/ that tests may edit. */
  home: string;
  /** The kubectl this run drives. */
  kubectl: string;
  /** The file the oc wrapper records calls in (OC_WRAPPER_LOG), for runs started outside `run`. */
  callLog: string;
  /** The oc calls recorded since the last reset, one argument string per call. */
  calls(): string[];
  resetCalls(): void;
  /** Runs `v-auto --home <home> --oc <wrapper> --kubeconfig <sim> ...args` with a test password. */
  run(args: string[], env?: Record<string, string>, options?: LaunchOptions): Promise<RunOutcome>;
  close(): Promise<void>;
}

/** Starts a simulator and a scratch workspace; `run` calls bin/v-auto against them. */
export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const { kubectl: wanted, ...simOptions } = options;
  const kubectl = wanted ?? requireKubectl();
  const sim = await startSimulator({ timings: { importStepMs: 5, vmStepMs: 5 }, ...simOptions });
  const { dir, home } = exampleHome();
  const log = path.join(dir, 'calls.log');
  writeFileSync(log, '');
  return {
    sim,
    home,
    kubectl,
    callLog: log,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    resetCalls: () => writeFileSync(log, ''),
    run: (args, env = {}, launch = {}) =>
      runVAuto(['--home', home, '--kubeconfig', sim.kubeconfigPath, ...args], {
        kubectl,
        callLog: log,
        ...launch,
        // kubectl's discovery cache lives under HOME and is keyed by host:port; ports are reused, so each E2E has its own.
        env: { HOME: dir, V_AUTO_PASSWORD: 'Corr3ct-Horse-Battery', ...env },
      }),
    close: async () => {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Lines that look like a JavaScript stack frame. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s{4}at /.test(l));
}

/** The command lines of the processes still watching the simulator of `kubeconfigPath` (read from /proc). */
export function simulatorWatchers(kubeconfigPath: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return '';
      }
    })
    .filter((c) => c.includes(kubeconfigPath) && c.includes('watch=true'));
}

/** Resolves when `check` returns true, polling every 50 ms; rejects after `ms`. */
export async function until(
  check: () => boolean,
  ms: number,
  what: string,
  seen?: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${seen ? `; screen: ${seen()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
