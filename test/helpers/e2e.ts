// End-to-end harness: runs the built bin/v-auto with the real kubectl (through a recording oc
// wrapper) against the local simulator, in a temporary copy of the example workspace.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/index.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = path.join(repoRoot, 'bin', 'v-auto');
export const ocWrapper = path.join(repoRoot, 'test', 'fixtures', 'bin', 'oc');
export const kubectlAvailable = existsSync('/usr/bin/kubectl');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface E2E {
  sim: Simulator;
  /** Workspace home: a copy of examples/ that tests may edit. */
  home: string;
  /** The oc calls recorded since the last reset, one argument string per call. */
  calls(): string[];
  resetCalls(): void;
  run(args: string[], env?: Record<string, string>): Promise<RunResult>;
  close(): Promise<void>;
}

/** Starts a simulator and a scratch workspace; `run` calls bin/v-auto with --oc pointing at the wrapper. */
export async function startE2E(options: SimulatorOptions = {}): Promise<E2E> {
  const sim = await startSimulator({ timings: { importStepMs: 5, vmStepMs: 5 }, ...options });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-e2e-'));
  const home = path.join(dir, 'home');
  // A lock left in examples/ by a manual run (a .v-auto-<spec>.lock directory, or the staging
  // directory it was being built in) must not make every test exit 4.
  cpSync(path.join(repoRoot, 'examples'), home, { recursive: true, filter: (src) => !/^\.v-auto-.*\.lock/.test(path.basename(src)) });
  const log = path.join(dir, 'calls.log');
  writeFileSync(log, '');
  return {
    sim,
    home,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    resetCalls: () => writeFileSync(log, ''),
    run: (args, env = {}) =>
      runBinary(['--home', home, '--oc', ocWrapper, '--kubeconfig', sim.kubeconfigPath, ...args], {
        OC_WRAPPER_LOG: log,
        V_AUTO_PASSWORD: 'Corr3ct-Horse-Battery',
        ...env,
      }),
    close: async () => {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs bin/v-auto without a terminal; resolves with exit code and output. */
export function runBinary(args: string[], env: Record<string, string> = {}, cwd = repoRoot): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [binary, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}
