// deploy over a fake cluster client: what it asks for, what it sends, how it reports.
import path from 'node:path';
import type { ClusterDeps } from '../../lib/actions/cluster-deps.js';
import { deploy } from '../../lib/actions/deploy.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { repoRoot } from '../helpers/e2e.js';
import { VAutoError } from '../../lib/errors.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';
import { asyncErrorOf } from '../helpers/workspace.js';

function run(cluster: FakeCluster, extra: Partial<Parameters<typeof deploy>[0]> = {}, deps: Partial<ClusterDeps> = {}) {
  const output = capture();
  const options = { home: path.join(repoRoot, 'examples'), project: 'demo', spec: 'web', sets: [], dryRun: false, yes: true, ...extra };
  const all: ClusterDeps = { toolRoot: repoRoot, env: { V_AUTO_PASSWORD: 'pw' }, output, cluster: () => cluster, ...deps };
  return deploy(options, all).then((code) => ({ code, ...output }));
}

test('first deploy into a missing namespace: both reads, one apply with the Namespace first', async () => {
  const cluster = new FakeCluster([], false);
  const r = await run(cluster);
  expect(r.code).toBe(0);
  expect(cluster.calls).toEqual(['list', 'namespace', 'apply']);
  expect((cluster.sent[0] as K8sObject).kind).toBe('Namespace');
  expect(cluster.sent).toHaveLength(9);
  expect(r.stdout.split('\n')[0]).toBe('[SUCCESS] Namespace vm-demo (created)');
  expect(r.stdout).toContain('9 succeeded, 0 skipped, 0 failed');
});

test('existing objects: both reads, then one apply without a Namespace', async () => {
  const existing = [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-01-cloud-init' } }];
  const cluster = new FakeCluster(existing, true);
  cluster.results = { '*': 'unchanged' };
  const r = await run(cluster);
  expect(cluster.calls).toEqual(['list', 'namespace', 'apply']);
  expect((cluster.sent as K8sObject[]).map((m) => m.kind)).not.toContain('Namespace');
  expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
});

test('an existing but empty namespace is not created again', async () => {
  const cluster = new FakeCluster([], true);
  await run(cluster);
  expect((cluster.sent as K8sObject[]).map((m) => m.kind)).not.toContain('Namespace');
  expect(cluster.sent).toHaveLength(8);
});

test('one rejected object fails alone: exit 1, the others reported', async () => {
  const cluster = new FakeCluster([], true);
  cluster.rejects = { 'VirtualMachine/web-02': { reason: 'VirtualMachine "web-02" is invalid: spec.running: Forbidden', cause: 'other' } };
  const r = await run(cluster);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('[FAILED] VirtualMachine web-02 (VirtualMachine "web-02" is invalid: spec.running: Forbidden)');
  expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
  expect(r.stdout).toContain('7 succeeded, 0 skipped, 1 failed');
});

test('a DataVolume gone after import while its PVC remains is skipped, not sent', async () => {
  const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'web-01-rootdisk' } };
  const cluster = new FakeCluster([pvc], true);
  cluster.results = { '*': 'unchanged' };
  const r = await run(cluster);
  expect((cluster.sent as K8sObject[]).map((m) => m.metadata.name)).not.toContain('web-01-rootdisk');
  expect(r.stdout).toContain('[SKIPPED] DataVolume web-01-rootdisk (disk already imported)');
});

test('--dry-run calls nothing and masks secrets', async () => {
  const cluster = new FakeCluster();
  const r = await run(cluster, { dryRun: true }, { env: {} });
  expect(cluster.calls).toEqual([]);
  expect(r.stdout).toContain('<redacted: ');
  expect(r.stdout).not.toContain('$6$');
  expect(r.stderr).toContain('nothing was sent');
});

test('a declined confirmation applies nothing', async () => {
  const cluster = new FakeCluster();
  const questions: string[] = [];
  const r = await run(cluster, { yes: false }, { confirm: async (q) => (questions.push(q), false) });
  expect(questions[0]).toMatch(/^Apply 8 resources \(8 new\) for 2 instance\(s\) to namespace vm-demo with oc\?$/);
  expect(cluster.calls).toEqual(['list', 'namespace']);
  expect(r.code).toBe(0);
});

test('a namespace the user may not read is not created, and a missing one is explained', async () => {
  const cluster = new FakeCluster([], 'unknown');
  await run(cluster);
  expect((cluster.sent as K8sObject[]).map((m) => m.kind)).not.toContain('Namespace');

  const noNamespace = new FakeCluster([], 'unknown');
  noNamespace.rejects = { '*': { reason: 'namespaces "vm-demo" not found', cause: 'namespace-missing' } };
  const r = await run(noNamespace);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('[FAILED] VirtualMachine web-01 (namespaces "vm-demo" not found)');
  const hint = 'hint: namespace vm-demo does not exist, and your user may not read or create namespaces: run "oc new-project vm-demo" or ask an admin';
  expect(r.stdout).toContain(hint);
  // Said once, not under each of the eight objects.
  expect(r.stdout.split(hint)).toHaveLength(2);
});

test('an apply that fails as a whole (discovery, an unknown flag) is its error, not a line per object', async () => {
  const cluster = new FakeCluster([], true);
  cluster.applyError = new VAutoError('oc apply failed before sending anything: the server could not find the requested resource', { exitCode: 3 });
  const err = await asyncErrorOf(() => run(cluster));
  expect(err.exitCode).toBe(3);
});
