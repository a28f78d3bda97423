// Test helper: runs the real kubectl against a simulator, with its own discovery cache, and returns what it printed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { requireKubectl } from '../helpers/kubectl-binaries.js';
import type { Simulator } from './index.js';

export const KUBECTL = requireKubectl();

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kubectl --kubeconfig <sim> ...args`, feeding `stdin` if given; never throws on a non-zero exit. */
export function kubectl(
  sim: Simulator,
  args: string[],
  stdin?: string,
  binary = KUBECTL,
): Promise<KubectlResult> {
  // kubectl keys its discovery cache by host:port and ports are reused, so each simulator gets its own cache and
  // HOME inside its temp dir, which stop() removes.
  const home = path.dirname(sim.kubeconfigPath);
  return new Promise((resolve) => {
    const child = execFile(
      binary,
      ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', path.join(home, 'cache'), ...args],
      { env: { ...process.env, HOME: home }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as any).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

export const fixture = (name: string): string =>
  path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', name);
