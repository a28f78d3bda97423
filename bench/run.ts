// Benchmark (not a test): cost of deploy, redeploy, status and delete as the fleet grows, measured with
// the built bin/v-auto and the real kubectl against the local simulator; prints one table with targets.
//
//   npm run bench                 (builds first; ~2-3 min on 2 cores)
//   npm run bench -- --full       also the per-manifest deploy at N=200 (adds a few minutes)
import { execFile, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareManifests } from '../lib/actions/prepare-manifests.js';
import { redactSecrets } from '../lib/report/redact.js';
import { manifestsAsYaml } from '../lib/report/manifest-output.js';
import { deriveSalt, sha512Crypt } from '../lib/render/sha512-crypt.js';
import { startSimulator, type Simulator } from '../test/sim/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binary = path.join(repoRoot, 'bin', 'v-auto');
const ocWrapper = path.join(repoRoot, 'test', 'fixtures', 'bin', 'oc');
const kubectl = '/usr/bin/kubectl';
const rssPreload = path.join(repoRoot, 'bench', 'max-rss.mjs');
const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const full = process.argv.includes('--full');

const SIZES = [1, 10, 50, 200];
const NAIVE_SIZES = full ? SIZES : [1, 10, 50];
const DELETE_SIZES = SIZES;
const RENDER_SIZES = [1, 100, 1000];
const COLD_RUNS = 11;
const PASSWORD = 'Corr3ct-Horse-Battery';
// Spec used throughout: the example's `web` shape (one static NAD, cloud-init Secret with
// hash_password, DataVolume and VM per instance) on a /16 so that 1,000 instances fit.
const PROJECT = 'demo';
const SPEC = 'fleet';
const NAMESPACE = 'vm-demo';

interface Run {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a process whose stdout goes to a file, read back afterwards (what an admin's redirect does). */
function runToFile(file: string, args: string[], outFile: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const fd = openSync(outFile, 'w');
    const started = performance.now();
    const child = spawn(file, args, { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      closeSync(fd);
      resolve({ ms, code: code ?? 1, stdout: readFileSync(outFile, 'utf8'), stderr });
    });
  });
}

/** Spawns a process without blocking the event loop (the simulator lives in this process). */
function run(file: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = execFile(file, args, { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, maxBuffer: 256 << 20, timeout: 600_000 }, (err, stdout, stderr) => {
      resolve({ ms: performance.now() - started, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** A scratch workspace: the examples plus spec `fleet` (web.yaml on a /16 network). */
function makeWorkspace(dir: string): string {
  const home = path.join(dir, 'home');
  cpSync(path.join(repoRoot, 'examples'), home, { recursive: true });
  const project = path.join(home, 'projects', PROJECT);
  const config = readFileSync(path.join(project, 'config.yaml'), 'utf8');
  const fleetNetwork = ['  fleet:', '    nad_name: fleet', '    bridge: br-fleet', '    vlan: 216', '    ipam:', '      range: 10.216.0.0/16', '      gateway: 10.216.0.1', '      dns: [10.216.0.53]', ''].join('\n');
  if (!/^networks:\n/m.test(config)) throw new Error('bench: examples config.yaml has no networks: map to extend');
  writeFileSync(path.join(project, 'config.yaml'), config.replace(/^networks:\n/m, `networks:\n${fleetNetwork}`));
  const web = readFileSync(path.join(project, 'specs', 'web.yaml'), 'utf8');
  writeFileSync(path.join(project, 'specs', `${SPEC}.yaml`), web.replace(/^network: lan$/m, 'network: fleet'));
  return home;
}

class Bench {
  readonly log: string;
  constructor(readonly dir: string, readonly home: string) {
    this.log = path.join(dir, 'calls.log');
  }

  /** Runs bin/v-auto through the recording oc wrapper; returns wall time and the oc invocations. */
  async vauto(sim: Simulator, n: number, action: string[], measure?: { rssFile: string }): Promise<Run & { calls: number }> {
    writeFileSync(this.log, '');
    let file = process.execPath;
    let args = [binary, '--home', this.home, '--oc', ocWrapper, '--kubeconfig', sim.kubeconfigPath, PROJECT, SPEC, '--replicas', String(n), ...action];
    const env: Record<string, string> = { OC_WRAPPER_LOG: this.log, V_AUTO_PASSWORD: PASSWORD };
    if (measure) {
      args = ['--import', rssPreload, ...args];
      env.BENCH_RSS_FILE = measure.rssFile;
      // For comparison only: /usr/bin/time's %M (on its last stderr line) is the largest process of the tree, kubectl included.
      if (timeBinary) [file, args] = [timeBinary, ['-f', '%M', file, ...args]];
    }
    const r = await run(file, args, env);
    if (r.code !== 0) throw new Error(`bench: v-auto ${action.join(' ')} (N=${n}) exited ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr}`);
    return { ...r, calls: readFileSync(this.log, 'utf8').split('\n').filter(Boolean).length };
  }

  /** The manifests v-auto would apply, as JSON items. */
  async manifests(n: number): Promise<object[]> {
    const r = await runToFile(process.execPath, [binary, '--home', this.home, PROJECT, SPEC, 'inspect', '-o', 'json', '--show-secrets', '--replicas', String(n)], path.join(this.dir, 'manifests.json'), { V_AUTO_PASSWORD: PASSWORD });
    if (r.code !== 0) throw new Error(`bench: inspect -o json failed: ${r.stderr}`);
    return JSON.parse(r.stdout).items;
  }
}

const fmtMs = (ms: number | undefined) => (ms === undefined ? '-' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

interface LifecycleRow {
  n: number;
  objects: number;
  deploy: Run & { calls: number };
  redeploy: Run & { calls: number };
  status: Run & { calls: number };
  del?: Run & { calls: number };
  rssKiB?: number;
  treeRssKiB?: number;
}

async function lifecycle(bench: Bench, n: number): Promise<LifecycleRow> {
  // importStepMs/vmStepMs 0: controllers finish at once, so wall time is v-auto + kubectl, not sleeps.
  const sim = await startSimulator({ timings: { importStepMs: 0, vmStepMs: 0 } });
  try {
    const rssFile = path.join(bench.dir, 'rss');
    rmSync(rssFile, { force: true });
    const measureRss = n === 200;
    const deploy = await bench.vauto(sim, n, ['deploy'], measureRss ? { rssFile } : undefined);
    const treeRssKiB = measureRss && timeBinary ? Number(deploy.stderr.trim().split('\n').pop()) : undefined;
    await sim.settle();
    const redeploy = await bench.vauto(sim, n, ['deploy']);
    await sim.settle();
    const status = await bench.vauto(sim, n, ['status']);
    const objects = sim.list('VirtualMachine', NAMESPACE).length + sim.list('DataVolume', NAMESPACE).length + sim.list('PersistentVolumeClaim', NAMESPACE).length + sim.list('Secret', NAMESPACE).length + sim.list('NetworkAttachmentDefinition', NAMESPACE).length;
    const del = DELETE_SIZES.includes(n) ? await bench.vauto(sim, n, ['delete', '--yes']) : undefined;
    return { n, objects, deploy, redeploy, status, del, rssKiB: measureRss ? Number(readFileSync(rssFile, 'utf8')) : undefined, treeRssKiB };
  } finally {
    await sim.stop();
  }
}

/** The naive deploy: one `kubectl apply -f -` per manifest, in sequence, into a fresh simulator. */
async function naiveDeploy(bench: Bench, n: number): Promise<{ ms: number; calls: number }> {
  const items = await bench.manifests(n);
  const sim = await startSimulator({ timings: { importStepMs: 0, vmStepMs: 0 }, namespaces: ['default', NAMESPACE] });
  try {
    const started = performance.now();
    for (const item of items) {
      const r = await run(kubectl, ['apply', '-f', '-', '-n', NAMESPACE, '--kubeconfig', sim.kubeconfigPath], {}, JSON.stringify(item));
      if (r.code !== 0) throw new Error(`bench: naive kubectl apply failed: ${r.stderr}`);
    }
    return { ms: performance.now() - started, calls: items.length };
  } finally {
    await sim.stop();
  }
}

interface RenderRow {
  n: number;
  processMs: number;
  prepareMs: number;
  yamlOutMs: number;
  bytes: number;
}

/** `inspect -o yaml` as a whole process, then its two halves in-process (checked to print the same bytes). */
async function render(bench: Bench, n: number): Promise<RenderRow> {
  const proc = await runToFile(process.execPath, [binary, '--home', bench.home, PROJECT, SPEC, 'inspect', '-o', 'yaml', '--replicas', String(n)], path.join(bench.dir, 'inspect.yaml'));
  if (proc.code !== 0) throw new Error(`bench: inspect -o yaml failed: ${proc.stderr}`);
  const options = { home: bench.home, project: PROJECT, spec: SPEC, replicas: n, sets: [] };
  const deps = { toolRoot: repoRoot, env: {} };
  let t = performance.now();
  const prepared = await prepareManifests(options, deps, { placeholders: true });
  const prepareMs = performance.now() - t;
  t = performance.now();
  const yamlText = manifestsAsYaml(redactSecrets(prepared.manifests));
  const yamlOutMs = performance.now() - t;
  if (proc.stdout !== yamlText) throw new Error(`bench: inspect -o yaml (N=${n}) printed ${proc.stdout.length} bytes, in-process rendering ${yamlText.length}`);
  return { n, processMs: proc.ms, prepareMs, yamlOutMs, bytes: proc.stdout.length };
}

/** What deploy (not inspect: masked output skips it) spends per instance on hash_password. */
function hashPerInstanceMs(): number {
  const runs = 50;
  const t = performance.now();
  for (let i = 0; i < runs; i++) sha512Crypt(PASSWORD, deriveSalt(NAMESPACE, `fleet-${i}`, 'password'));
  return (performance.now() - t) / runs;
}

async function coldStart(): Promise<{ version: number; inspect: number; node: number }> {
  const v: number[] = [];
  const i: number[] = [];
  const nd: number[] = [];
  // Interleaved, so that load from elsewhere on the machine hits all three alike.
  for (let k = 0; k < COLD_RUNS; k++) {
    nd.push((await run(process.execPath, ['-e', '0'])).ms);
    v.push((await run(process.execPath, [binary, '--version'])).ms);
    i.push((await run(process.execPath, [binary, '--home', path.join(repoRoot, 'examples'), 'demo', 'web', 'inspect'])).ms);
  }
  return { version: median(v), inspect: median(i), node: median(nd) };
}

async function main(): Promise<void> {
  if (!existsSync(kubectl)) throw new Error(`bench: ${kubectl} not found; the benchmark needs the real kubectl`);
  if (!existsSync(path.join(repoRoot, 'build', 'v-auto.mjs'))) throw new Error('bench: build/v-auto.mjs missing; run "npm run build" first');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-bench-'));
  const bench = new Bench(dir, makeWorkspace(dir));
  const started = performance.now();
  try {
    say(`cold start (${COLD_RUNS} runs each)`);
    const cold = await coldStart();
    const renders: RenderRow[] = [];
    for (const n of RENDER_SIZES) {
      say(`render N=${n}`);
      renders.push(await render(bench, n));
    }
    const rows: LifecycleRow[] = [];
    for (const n of SIZES) {
      say(`deploy/redeploy/status/delete N=${n}`);
      rows.push(await lifecycle(bench, n));
    }
    const naive = new Map<number, { ms: number; calls: number }>();
    for (const n of NAIVE_SIZES) {
      say(`per-manifest deploy N=${n}`);
      naive.set(n, await naiveDeploy(bench, n));
    }
    print(rows, naive, renders, cold, performance.now() - started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(rows: LifecycleRow[], naive: Map<number, { ms: number; calls: number }>, renders: RenderRow[], cold: { version: number; inspect: number; node: number }, totalMs: number): void {
  const out: string[] = [];
  const skipped = full ? '-' : 'skipped¹';
  out.push(`v-auto benchmark: spec "${SPEC}" (web.yaml on a /16: NAD + Secret + DataVolume + VM per instance), bin/v-auto → ${kubectl} → test/sim`);
  out.push(`node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)} at end; wall time per whole v-auto process, oc calls counted by the recording wrapper\n`);
  out.push(
    table(
      ['N', 'objects', 'deploy', 'calls', 'redeploy', 'calls', 'status', 'calls', 'delete', 'calls', 'naive deploy', 'calls', 'naive/v-auto'],
      rows.map((r) => {
        const nv = naive.get(r.n);
        return [
          r.n,
          r.objects,
          fmtMs(r.deploy.ms),
          r.deploy.calls,
          fmtMs(r.redeploy.ms),
          r.redeploy.calls,
          fmtMs(r.status.ms),
          r.status.calls,
          r.del ? fmtMs(r.del.ms) : skipped,
          r.del ? r.del.calls : '-',
          nv ? fmtMs(nv.ms) : skipped,
          nv ? nv.calls : '-',
          nv ? `${(nv.ms / r.deploy.ms).toFixed(1)}×` : '-',
        ];
      }),
    ),
  );
  if (!full) out.push('¹ not run by default (naive N=200 is 800 kubectl runs, a few minutes); add --full');
  out.push('');
  out.push(
    table(
      ['inspect -o yaml', 'process', 'in-process: prepareManifests', 'manifestsAsYaml', 'output'],
      renders.map((r) => [`N=${r.n}`, fmtMs(r.processMs), fmtMs(r.prepareMs), fmtMs(r.yamlOutMs), `${(r.bytes / 1024).toFixed(0)} KiB`]),
    ),
  );
  out.push(`hash_password (deploy only; SHA-512 crypt, 5,000 rounds): ${hashPerInstanceMs().toFixed(1)} ms per instance`);
  out.push('');
  out.push(
    table(
      ['cold start (median of ' + COLD_RUNS + ')', 'time', 'minus node -e 0'],
      [
        ['node -e 0', fmtMs(cold.node), '-'],
        ['v-auto --version', fmtMs(cold.version), fmtMs(cold.version - cold.node)],
        ['v-auto demo web inspect', fmtMs(cold.inspect), fmtMs(cold.inspect - cold.node)],
      ],
    ),
  );
  out.push('');
  const at = (n: number) => rows.find((r) => r.n === n)!;
  const r200 = at(200);
  const n50 = naive.get(50)!;
  const render1000 = renders.find((r) => r.n === 1000)!;
  const maxDeployCalls = Math.max(...rows.map((r) => Math.max(r.deploy.calls, r.redeploy.calls)));
  const maxStatusCalls = Math.max(...rows.map((r) => r.status.calls));
  const rssMiB = (r200.rssKiB ?? 0) / 1024;
  out.push(
    table(
      ['target', 'goal', 'measured', ''],
      [
        ['deploy oc invocations, any N', '≤ 3', String(maxDeployCalls), verdict(maxDeployCalls <= 3)],
        ['status oc invocations, any N', '≤ 2', String(maxStatusCalls), verdict(maxStatusCalls <= 2)],
        ['per-manifest / single-apply deploy, N=50', '≥ 10×', `${(n50.ms / at(50).deploy.ms).toFixed(1)}×`, verdict(n50.ms / at(50).deploy.ms >= 10)],
        ['inspect -o yaml, N=1000', '< 1 s', fmtMs(render1000.processMs), verdict(render1000.processMs < 1000)],
        ['cold start over node -e 0 (--version)', '< 100 ms', fmtMs(cold.version - cold.node), verdict(cold.version - cold.node < 100)],
        ['cold start over node -e 0 (inspect)', '< 100 ms', fmtMs(cold.inspect - cold.node), verdict(cold.inspect - cold.node < 100)],
        ['peak RSS of v-auto, deploy N=200', '< 150 MB', `${rssMiB.toFixed(0)} MiB`, verdict(rssMiB * 1.048576 < 150)],
      ],
    ),
  );
  if (r200.treeRssKiB) out.push(`(peak RSS by process.resourceUsage() in the v-auto process; /usr/bin/time %M for the same deploy, largest process of the tree incl. kubectl: ${(r200.treeRssKiB / 1024).toFixed(0)} MiB)`);
  out.push(`benchmark wall time ${(totalMs / 1000).toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
