// `npm run demo`: the main job on a fresh machine: simulator up, deploy the example through the
// real kubectl, wait, status, delete. Without kubectl it shows `inspect` instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../test/sim/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kubectl = (process.env.PATH ?? '')
  .split(path.delimiter)
  .map((d) => path.join(d, 'kubectl'))
  .find((f) => existsSync(f));

/** Runs v-auto asynchronously: the simulator lives in this process and must keep answering. */
function vAuto(args: string[], env: Record<string, string> = {}): Promise<number> {
  process.stdout.write(`\n$ v-auto ${args.join(' ')}\n`);
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/v-auto'), '--home', path.join(root, 'examples'), ...args],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env },
    },
  );
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

async function main(): Promise<number> {
  if (!kubectl) {
    process.stdout.write(
      'kubectl is not on PATH, so there is nothing to deploy through; showing what v-auto would create instead.\n',
    );
    return vAuto(['demo', 'web', 'inspect']);
  }
  const sim = await startSimulator({ timings: { importStepMs: 150, vmStepMs: 150 } });
  process.stdout.write(`Local API simulator at ${sim.url}; v-auto talks to it through ${kubectl}.\n`);
  const env = { KUBECONFIG: sim.kubeconfigPath, V_AUTO_PASSWORD: 'demo-only-password', V_AUTO_OC: kubectl };
  try {
    const steps: string[][] = [
      ['demo', 'web', 'inspect'],
      ['demo', 'web', 'deploy', '--yes', '--wait', '60'],
      ['demo', 'web', 'deploy', '--yes'],
      ['demo', 'web', 'status'],
      ['demo', 'web', 'delete', '--yes'],
    ];
    for (const step of steps) {
      const code = await vAuto(step, env);
      if (code !== 0) return code;
    }
    return 0;
  } finally {
    await sim.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`demo failed: ${err.message}\n`);
    process.exit(1);
  },
);
