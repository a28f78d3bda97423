// Test helper: runs the real kubectl against a simulator, with its own discovery cache, and returns what it printed.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Simulator } from './index.js';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

// One cache directory per test process: kubectl keys its discovery cache by host:port, and ports are reused.
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-sim-kubectl-cache-'));

/** Runs `kubectl --kubeconfig <sim> ...args`, feeding `stdin` if given; never throws on a non-zero exit. */
export function kubectl(sim: Simulator, args: string[], stdin?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', path.join(cacheDir, sim.url.replace(/\W/g, '_')), ...args],
      { env: { ...process.env, HOME: cacheDir }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as any).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

export const fixture = (name: string): string => path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', name);
