// forEachSpec: every spec in turn under its heading, one summary, the worst exit code; what stops the run.
import type { ClusterDeps } from '../../lib/commands/cluster-deps.js';
import path from 'node:path';
import { forEachSpec, statusProject, worstCode } from '../../lib/commands/project.js';
import { prepareSettings } from '../../lib/pipeline/prepare-manifests.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { ExitCode, VAutoError, usageError } from '../../lib/errors.js';
import { repoRoot } from '../helpers/e2e.js';
import { IMAGE, tempDir, writeWorkspace } from '../helpers/workspace.js';
import { textReporter } from '../../lib/report/reporter.js';
import { ResultRecorder } from '../../lib/report/result-document.js';
import { projectStatusDocument } from '../../lib/report/status-report.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';

function harness() {
  const output = capture();
  const reported: string[] = [];
  const deps: ClusterDeps & { reportError: (err: unknown, spec: string) => number } = {
    toolRoot: repoRoot,
    env: {},
    report: textReporter(output),
    cluster: () => new FakeCluster(),
    reportError: (err, spec) => {
      reported.push(`${spec}: ${(err as Error).message}`);
      return err instanceof VAutoError ? err.exitCode : ExitCode.INTERNAL;
    },
  };
  return { output, reported, deps };
}
const options = (failFast = false) => ({
  home: repoRoot,
  project: 'demo',
  specs: ['cache', 'db', 'web'],
  failFast,
});

test('runs every spec in the given order under its heading; an error is reported and the next spec goes on; exit: the worst', async () => {
  const { output, reported, deps } = harness();
  const ran: string[] = [];
  const code = await forEachSpec(
    options(),
    async (spec) => {
      ran.push(spec);
      if (spec === 'cache') throw usageError('cache.yaml: unknown key');
      return spec === 'db' ? ExitCode.RESOURCE_FAILED : ExitCode.OK;
    },
    deps,
  );
  expect(ran).toEqual(['cache', 'db', 'web']);
  expect(code).toBe(ExitCode.USAGE);
  expect(reported).toEqual(['cache: cache.yaml: unknown key']);
  expect(output.stdout).toBe(
    '=== demo/cache ===\n\n=== demo/db ===\n\n=== demo/web ===\n\nproject demo: 3 spec(s); ok: web; failed: cache (exit 2), db (exit 1)\n',
  );
});

test('--fail-fast stops at the first spec that is not 0 and lists the rest as not run', async () => {
  const { output, deps } = harness();
  const ran: string[] = [];
  const code = await forEachSpec(
    options(true),
    async (spec) => (ran.push(spec), spec === 'db' ? ExitCode.RESOURCE_FAILED : ExitCode.OK),
    deps,
  );
  expect(ran).toEqual(['cache', 'db']);
  expect(code).toBe(ExitCode.RESOURCE_FAILED);
  expect(output.stdout.trimEnd().split('\n').pop()).toBe(
    'project demo: 3 spec(s); ok: cache; failed: db (exit 1); not run (--fail-fast): web',
  );
});

test.each([
  ['an interrupt', new VAutoError('interrupted', { exitCode: ExitCode.INTERRUPTED })],
  [
    'an output that cannot be written',
    new VAutoError('cannot write the output to stdout: EPIPE', { exitCode: ExitCode.OUTPUT }),
  ],
])('%s ends the whole run at once, without a summary', async (_what, error) => {
  const { output, reported, deps } = harness();
  const ran: string[] = [];
  const run = forEachSpec(
    options(),
    async (spec) => {
      ran.push(spec);
      if (spec === 'db') throw error;
      return ExitCode.OK;
    },
    deps,
  );
  await expect(run).rejects.toBe(error);
  expect(ran).toEqual(['cache', 'db']);
  expect(reported).toEqual([]);
  expect(output.stdout).not.toContain('project demo:');
});

test('worstCode: the highest code, 0 for none', () => {
  expect(worstCode([])).toBe(0);
  expect(worstCode([0, 1, 3, 2])).toBe(3);
  expect(worstCode([130, 70, 4])).toBe(130);
});

test('whole-project status: one read per namespace by the project labels, split by spec; VMs of a spec file that is gone are named', async () => {
  const { deps } = harness();
  const labels = (spec: string, name: string) => ({
    'v-auto/managed': 'true',
    'v-auto/project': 'demo',
    'v-auto/spec': spec,
    'v-auto/name': name,
  });
  const vm = (spec: string, name: string): K8sObject => ({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, labels: labels(spec, name) },
    spec: { runStrategy: 'Always' },
    status: { printableStatus: 'Running', ready: true },
  });
  const cluster = new FakeCluster([
    vm('web', 'web-01'),
    vm('web', 'web-02'),
    vm('db', 'db-01'),
    vm('old', 'old-01'),
  ]);
  const s = await statusProject(
    { home: path.join(repoRoot, 'examples'), project: 'demo', specs: ['db', 'web'] },
    { ...deps, cluster: () => cluster },
  );
  const code = s.code;
  expect(cluster.calls).toEqual(['list']);
  const doc = JSON.parse(projectStatusDocument(s.project, s.entries, s.orphans, 'json'));
  expect(
    doc.specs.map((s: { spec: string; instances: { name: string }[] }) => [
      s.spec,
      s.instances.map((i) => i.name),
    ]),
  ).toEqual([
    ['db', ['db-01']],
    ['web', ['web-01', 'web-02']],
  ]);
  expect(doc.orphans).toEqual([{ namespace: 'vm-demo', spec: 'old', vms: ['old-01'] }]);
  expect(code).toBe(ExitCode.RESOURCE_FAILED); // the VMs have no disks: not ready
});

test("a whole-project delete's search for VMs of removed specs reads the namespaces from the plans its specs' runs made", async () => {
  const home = tempDir();
  writeWorkspace(home, {
    config: { namespace: 'vm-demo', ...IMAGE },
    specs: { db: { labels: { owner: 'env:OWNER' } }, web: { labels: { owner: 'env:OWNER' } } },
  });
  let reads = 0;
  const { deps } = harness();
  const cluster = new FakeCluster();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_t, name) => (name === 'OWNER' ? (reads++, 'ops') : undefined),
  });
  const run = { ...deps, env, cluster: () => cluster, specPlans: new Map() };
  // Each spec's run plans its spec, as deleteSpec does first.
  const code = await forEachSpec(
    { home, project: 'demo', specs: ['web', 'db'], failFast: false, orphans: true },
    async (spec) => (prepareSettings({ home, project: 'demo', spec, sets: [] }, run), ExitCode.OK),
    run,
  );
  expect(code).toBe(ExitCode.OK);
  expect(cluster.calls.length).toBe(1); // one list, in the one namespace
  expect(reads).toBe(2);
});

test('whole-project -o json: a spec that failed with an error is in the document with its exit code and reason', async () => {
  const { deps } = harness();
  const json = new ResultRecorder(capture());
  const code = await forEachSpec(
    options(),
    async (spec) => {
      if (spec === 'db') throw usageError('networks.lan.ipam.range: "10.0.0.0/33" is no CIDR', 'write a /24');
      if (spec === 'web') throw new Error('boom');
      return ExitCode.OK;
    },
    { ...deps, report: json },
  );
  expect(code).toBe(ExitCode.INTERNAL);
  expect(json.document('deploy', code).project!.specs).toEqual([
    { spec: 'cache', exitCode: 0 },
    {
      spec: 'db',
      exitCode: ExitCode.USAGE,
      error: { message: 'networks.lan.ipam.range: "10.0.0.0/33" is no CIDR', hint: 'write a /24' },
    },
    { spec: 'web', exitCode: ExitCode.INTERNAL, error: { message: 'internal error: boom' } },
  ]);
});
