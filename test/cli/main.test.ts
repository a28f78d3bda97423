// main() in-process: argv, env and the streams injected, a FakeCluster for oc; what users read is a golden file.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { main } from '../../lib/cli/main.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';
import { expectGolden } from '../helpers/golden.js';
import { repoRoot, tempDir } from '../helpers/workspace.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The examples in a folder of their own (deploy takes its lock in the workspace). */
function workspace(): string {
  const home = tempDir();
  cpSync(path.join(repoRoot, 'examples'), home, { recursive: true });
  return home;
}

async function run(argv: string[], cluster?: ClusterClient) {
  const output = capture();
  const env = { V_AUTO_PASSWORD: 'pw', PATH: process.env.PATH };
  const code = await main(argv, env, {
    output,
    cwd: repoRoot,
    interactive: false,
    program: 'v-auto',
    cluster,
  });
  return { code, stdout: output.stdout, stderr: output.stderr };
}

test('inspect: the readable report of the example spec', async () => {
  const r = await run(['demo', 'web', 'inspect', '--home', workspace()]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expectGolden(here, 'inspect-web.txt', r.stdout);
});

test('deploy --dry-run: the plan against an empty namespace, nothing sent', async () => {
  const cluster = new FakeCluster();
  const r = await run(['demo', 'web', 'deploy', '--dry-run', '--home', workspace()], cluster);
  expect(r.code).toBe(0);
  expect(cluster.calls.filter((c) => !['list', 'list-all', 'namespace'].includes(c))).toEqual([]);
  expectGolden(here, 'deploy-dry-run-web.txt', r.stdout);
  expect(r.stderr).toBe('dry run: nothing was sent to the cluster\n');
});

test('deploy --yes, then a change: the result lines, the diff, the status table', async () => {
  const home = workspace();
  const cluster = new FakeCluster();
  const deployed = await run(['demo', 'web', 'deploy', '--yes', '--home', home], cluster);
  expect(deployed.code).toBe(0);
  expectGolden(here, 'deploy-web.txt', deployed.stdout);

  const diff = await run(['demo', 'web', 'diff', '--set', 'cpu=4', '--home', home], cluster);
  expect(diff.code).toBe(1);
  expectGolden(here, 'diff-web-cpu.txt', diff.stdout);

  const status = await run(['demo', 'web', 'status', '--home', home], cluster);
  expect(status.code).toBe(1); // nothing runs in a FakeCluster
  expectGolden(here, 'status-web.txt', status.stdout);
});

test('deploy --yes -o json: one result document on stdout, the text on stderr', async () => {
  const cluster = new FakeCluster();
  const r = await run(['demo', 'web', 'deploy', '--yes', '-o', 'json', '--home', workspace()], cluster);
  expect(r.code).toBe(0);
  expectGolden(here, 'deploy-web.json', r.stdout);
});

test('delete --yes of objects the cluster refuses: the summary says nothing was deleted', async () => {
  const home = workspace();
  const cluster = new FakeCluster();
  await run(['demo', 'web', 'deploy', '--yes', '--home', home], cluster);
  cluster.rejects['*'] = { reason: 'admission webhook denied the request', cause: 'other' };
  const r = await run(['demo', 'web', 'delete', '--yes', '--home', home], cluster);
  expect(r.code).toBe(1);
  expectGolden(here, 'delete-web-refused.txt', r.stdout);
});
