// main() in-process: argv, env and the streams injected, a FakeCluster for oc; what users read is a golden file.
import { cpSync, readFileSync } from 'node:fs';
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

describe('the activity line on a terminal (reading, applying n/m, deleting n/m)', () => {
  /** deploy --yes, then delete --yes, with stderr's terminal as `terminal` (undefined: a pipe) and `env`. */
  async function deployAndDelete(terminal: { columns?: number; rows?: number } | undefined, env = {}) {
    const home = workspace();
    const cluster = new FakeCluster();
    const output = capture();
    const drawn: string[] = [];
    const io = {
      output,
      cwd: repoRoot,
      interactive: false,
      program: 'v-auto',
      cluster,
      terminal: terminal && { ...terminal, write: (t: string) => drawn.push(t) },
    };
    const base = { V_AUTO_PASSWORD: 'pw', PATH: process.env.PATH, ...env };
    const codes = [
      await main(['demo', 'web', 'deploy', '--yes', '--home', home], base, io),
      await main(['demo', 'web', 'delete', '--yes', '--home', home], base, io),
    ];
    return { codes, stdout: output.stdout, stderr: output.stderr, drawn: drawn.join('') };
  }

  test('stdout and stderr are byte for byte those of a run on a pipe, whatever the terminal', async () => {
    const piped = await deployAndDelete(undefined);
    expect(piped.codes).toEqual([0, 0]);
    expect(piped.drawn).toBe('');
    // On a pipe, what it always said: the activity is nowhere in it.
    expect(piped.stderr).toBe(
      'the cluster finishes stopping the VMs in the background; "status" shows what remains\n',
    );
    expect(piped.stdout.startsWith(readFileSync(path.join(here, 'golden', 'deploy-web.txt'), 'utf8'))).toBe(
      true,
    );
    for (const [terminal, env] of [
      [{ columns: 80, rows: 24 }, {}],
      [{ columns: 80, rows: 24 }, { TERM: 'dumb' }],
      [{ columns: 0, rows: 0 }, {}],
      [{ columns: 12, rows: 24 }, {}],
    ] as const) {
      const r = await deployAndDelete(terminal, env);
      expect([r.codes, r.stdout, r.stderr]).toEqual([piped.codes, piped.stdout, piped.stderr]);
    }
  });

  test('a usable terminal shows what a step does and erases it; TERM=dumb shows nothing', async () => {
    const r = await deployAndDelete({ columns: 80, rows: 24 });
    expect(r.drawn).toContain('- reading the cluster\n');
    expect(r.drawn).toContain(' reading namespace vm-demo\n');
    // Each frame drawn was erased before the run went on: the last write moves up over it and clears.
    expect(r.drawn.endsWith('\u001b[1A\r\u001b[J')).toBe(true);
    expect((await deployAndDelete({ columns: 80, rows: 24 }, { TERM: 'dumb' })).drawn).toBe('');
  });

  test('under 20 columns the activity is plain lines, without spinner or escape codes', async () => {
    const r = await deployAndDelete({ columns: 12, rows: 24 });
    expect(r.drawn).toMatch(/^reading the cluster\n/);
    expect(r.drawn).not.toContain('\u001b');
  });
});
