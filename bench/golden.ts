// Benchmark (not a test): time to a ready group, `deploy --wait`, with per-instance imports and with a golden image,
// against the simulator with the link to the image source modelled. Modes interleaved in each round; medians shown.
//
//   npm run bench -- --golden                                N=10 and N=50, 3 rounds, a 50 MB image over 100 Mbit/s
//   npm run bench -- --golden --n 10 --rounds 1 --image-mb 20 --link-mbps 100
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../test/sim/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binary = path.join(repoRoot, 'bin', 'v-auto');
const IMAGE = 'http://mirror.bench.internal/images/rhel-9.5.qcow2';

export interface GoldenBenchOptions {
  sizes: number[];
  rounds: number;
  imageMb: number;
  linkMbps: number;
  /** A smart clone's fixed time in the simulator. */
  cloneMs: number;
}

type Mode = 'per-instance' | 'golden';

function workspace(dir: string, n: number, mode: Mode): string {
  const project = path.join(dir, 'home', 'projects', 'bench');
  mkdirSync(path.join(project, 'specs'), { recursive: true });
  writeFileSync(
    path.join(project, 'config.yaml'),
    `namespace: vm-bench\ndisk_size: 30Gi\nnetworks:\n  pod:\n    type: pod\nimages:\n  rhel95:\n    url: ${IMAGE}\n`,
  );
  writeFileSync(
    path.join(project, 'specs', 'app.yaml'),
    `replicas: ${n}\nnetwork: pod\ncloud_init: "#cloud-config\\n"\n${mode === 'golden' ? 'image: rhel95' : `image_url: ${IMAGE}`}\n`,
  );
  return path.join(dir, 'home');
}

/** One `deploy --wait` against a fresh simulator: wall-clock milliseconds to a ready group. */
async function timeToReady(n: number, mode: Mode, o: GoldenBenchOptions): Promise<number> {
  const sim = await startSimulator({
    linkMbps: o.linkMbps,
    imageMb: o.imageMb,
    timings: { importStepMs: 200, vmStepMs: 100, cloneMs: o.cloneMs },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-bench-golden-'));
  try {
    const home = workspace(dir, n, mode);
    const started = performance.now();
    const code = await new Promise<number>((resolve) => {
      execFile(
        binary,
        ['bench', 'app', 'deploy', '--wait', '3600', '--yes', '--oc', '/usr/bin/kubectl'],
        {
          env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: sim.kubeconfigPath, V_AUTO_HOME: home },
          maxBuffer: 64 << 20,
        },
        (err) => resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0),
      );
    });
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`bench: deploy --wait (${mode}, N=${n}) exited ${code}`);
    return ms;
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Prints the table: N, per-instance imports, golden image, and the ratio, medians of the rounds. */
export async function goldenBench(o: GoldenBenchOptions): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `golden-image benchmark ${new Date().toISOString().slice(0, 16)}Z: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, load ${os.loadavg()[0].toFixed(2)} at start`,
  );
  out(
    `a ${o.imageMb} MB image over a ${o.linkMbps} Mbit/s link shared by the imports from it; a clone takes ${o.cloneMs} ms; ${o.rounds} round(s), modes interleaved`,
  );
  out('| N | per-instance imports | golden image (1 import + N clones) | speed-up |');
  out('|---|---|---|---|');
  for (const n of o.sizes) {
    const times: Record<Mode, number[]> = { 'per-instance': [], golden: [] };
    for (let r = 0; r < o.rounds; r++) {
      const order: Mode[] = r % 2 ? ['golden', 'per-instance'] : ['per-instance', 'golden'];
      for (const mode of order) {
        process.stderr.write(`bench: N=${n} ${mode} round ${r + 1}\n`);
        times[mode].push(await timeToReady(n, mode, o));
      }
    }
    const [a, b] = [median(times['per-instance']), median(times.golden)];
    out(`| ${n} | ${(a / 1000).toFixed(1)} s | ${(b / 1000).toFixed(1)} s | ${(a / b).toFixed(1)}× |`);
  }
}
