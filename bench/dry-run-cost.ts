// Benchmark (not a test): what the VMs' server-side dry run (`apply --dry-run=server`, deploy.ts
// checkWithServer) costs in a deploy that changes every VM, at N instances against the simulator
// with a per-response latency; and that a no-change redeploy makes no dry run and no write.
//
//   npx tsx bench/dry-run-cost.ts [--n 10,200] [--rounds 3] [--latency 10]
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator, type Simulator } from '../test/sim/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10,200' },
    rounds: { type: 'string', default: '3' },
    latency: { type: 'string', default: '10' },
  },
});

interface Run {
  code: number | null;
  ms: number;
  stderr: string;
  calls: string[];
}

function vauto(sim: Simulator, home: string, args: string[]): Promise<Run> {
  const log = path.join(home, 'calls.log');
  writeFileSync(log, '');
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'v-auto'),
        '--oc',
        path.join(repoRoot, 'test/fixtures/bin/oc'),
        '--home',
        home,
        '--kubeconfig',
        sim.kubeconfigPath,
        ...args,
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: os.tmpdir(),
          V_AUTO_PASSWORD: 'Bench-Pa55word',
          V_AUTO_DEBUG: '1',
          OC_WRAPPER_LOG: log,
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('close', (code) =>
      resolve({
        code,
        ms: performance.now() - started,
        stderr,
        calls: readFileSync(log, 'utf8').split('\n').filter(Boolean),
      }),
    );
  });
}

/**
 * The dry run's own time: its calls start together and nothing else runs meanwhile, so the longest
 * of V_AUTO_DEBUG's `exit 0 after N ms` lines among the first that follow their command lines.
 */
function dryRunMs(stderr: string): number | undefined {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.includes(' apply --dry-run=server '));
  if (at < 0) return undefined;
  const calls = lines.filter((l) => l.includes(' apply --dry-run=server ')).length;
  const exits = lines
    .slice(at + 1)
    .filter((l) => /^debug:\s+exit \S+ after \d+ ms/.test(l))
    .slice(0, calls)
    .map((l) => Number(/after (\d+) ms/.exec(l)![1]));
  return exits.length ? Math.max(...exits) : undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const n of values.n.split(',').map(Number)) {
  const sim = await startSimulator({ timings: { importStepMs: 0, vmStepMs: 0 } });
  sim.faults.latencyMs = Number(values.latency);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-dry-run-'));
  const home = path.join(dir, 'home');
  cpSync(path.join(repoRoot, 'examples'), home, { recursive: true });
  // Room for 200 addresses: the example's lan is a /24 from offset 101.
  const config = path.join(home, 'projects/demo/config.yaml');
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace('range: 10.215.100.0/24', 'range: 10.215.0.0/16'),
  );
  const base = ['demo', 'web', 'deploy', '--yes', '--replicas', String(n), '--parallel', '4'];
  try {
    const first = await vauto(sim, home, [...base, '--set', 'cpu=2']);
    if (first.code !== 0) throw new Error(`first deploy exited ${first.code}:\n${first.stderr.slice(-2000)}`);
    const totals: number[] = [];
    const dry: number[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      // Every VM changes (cores), so every VM goes through the dry run, then is applied.
      const r = await vauto(sim, home, [...base, '--set', `cpu=${round % 2 ? 2 : 3}`]);
      if (r.code !== 0) throw new Error(`change deploy exited ${r.code}:\n${r.stderr.slice(-2000)}`);
      totals.push(r.ms);
      dry.push(dryRunMs(r.stderr) ?? NaN);
    }
    const same = await vauto(sim, home, [...base, '--set', `cpu=${Number(values.rounds) % 2 ? 3 : 2}`]);
    const sameWrites = same.calls.filter((c) => /^(apply|create|delete|patch) /.test(c));
    console.log(
      JSON.stringify({
        n,
        latencyMs: Number(values.latency),
        rounds: totals.length,
        changeDeployMs: { median: Math.round(median(totals)), all: totals.map(Math.round) },
        dryRunMs: { median: median(dry), all: dry },
        dryRunShare: +(median(dry) / median(totals)).toFixed(3),
        noChangeRedeploy: { code: same.code, calls: same.calls.length, writesOrDryRuns: sameWrites.length },
      }),
    );
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
