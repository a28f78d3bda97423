// Messages that point at the fix, through the built binary: wrong paths and names on the command line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binary, repoRoot, runVAuto, writes } from '../helpers/e2e.js';
import { requireKubectl } from '../helpers/kubectl-binaries.js';

const home = path.join(repoRoot, 'examples');

test.each(['status', 'deploy', 'delete'])(
  '%s --kubeconfig /nonexistent: exit 2 naming the flag, with a hint, before any oc call',
  async (action) => {
    const r = await runVAuto(
      ['--home', home, 'demo', 'web', action, '--yes', '--kubeconfig', '/nonexistent/kubeconfig'].filter(
        (a) => action !== 'status' || a !== '--yes',
      ),
      { env: { V_AUTO_PASSWORD: 'x' } },
    );
    expect(r.stderr).toBe(
      'v-auto: --kubeconfig /nonexistent/kubeconfig: no such file\nhint: give the path of your kubeconfig (oc login writes ~/.kube/config), or leave --kubeconfig out to use $KUBECONFIG or ~/.kube/config\n',
    );
    expect(r.code).toBe(2);
    expect(r.calls).toEqual([]);
  },
);

// kubectl skips KUBECONFIG files that do not exist; with none left it talks to localhost:8080 and
// says "connection refused", which points at the network instead of the variable.
test('KUBECONFIG naming no file that exists: exit 2 naming the variable, before any oc call', async () => {
  const r = await runVAuto(['--home', home, 'demo', 'web', 'status'], {
    env: { KUBECONFIG: `/nonexistent/a${path.delimiter}/nonexistent/b` },
  });
  expect(r.stderr).toBe(
    `v-auto: KUBECONFIG=/nonexistent/a${path.delimiter}/nonexistent/b: none of these files exists\nhint: point KUBECONFIG at your kubeconfig (oc login writes ~/.kube/config), unset it, or give --kubeconfig\n`,
  );
  expect(r.code).toBe(2);
  expect(r.calls).toEqual([]);
});

test('KUBECONFIG with one file that exists is left to kubectl', async () => {
  const r = await runVAuto(['--home', home, 'demo', 'web', 'status'], {
    env: { KUBECONFIG: `/nonexistent/a${path.delimiter}${path.join(repoRoot, 'package.json')}` },
  });
  expect(r.stderr).not.toContain('none of these files exists');
  expect(r.calls.length).toBeGreaterThan(0);
});

describe('first contact with a cluster', () => {
  const freshHome = () => mkdtempSync(path.join(os.tmpdir(), 'v-auto-no-kube-'));

  // kubectl with no kubeconfig talks to localhost:8080 and says "connection refused - did you specify
  // the right host or port?": a VPN or proxy hint would send a new user the wrong way.
  test('no kubeconfig at all: exit 2 before any oc call, says to log in with oc login and names --kubeconfig', async () => {
    const r = await runVAuto(['--home', home, 'demo', 'web', 'status'], { env: { HOME: freshHome() } });
    expect(r.code).toBe(2);
    expect(r.calls).toEqual([]);
    expect(r.stderr).toBe(
      'v-auto: no cluster to talk to: no kubeconfig was found (~/.kube/config, KUBECONFIG, --kubeconfig)\nhint: log in first: "oc login https://api.<cluster>:6443" writes ~/.kube/config; or give the file with --kubeconfig PATH\n',
    );
  });

  test('a --context the kubeconfig does not have: exit 2 naming it, with the way to list them', async () => {
    const kubeHome = freshHome();
    const kubeconfig = path.join(kubeHome, 'config');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: admin, context: {cluster: c, user: u}}]',
        'current-context: admin',
        '',
      ].join('\n'),
    );
    const r = await runVAuto(
      ['--home', home, 'demo', 'web', 'status', '--kubeconfig', kubeconfig, '--context', 'amdin'],
      { env: { HOME: kubeHome } },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'v-auto: --context amdin: the kubeconfig has no such context\nhint: "oc config get-contexts" lists them; leave --context out to use the current one\n',
    );
    expect(r.calls.filter(writes)).toEqual([]);
  });

  test('oc missing, kubectl used: said only with V_AUTO_DEBUG=1, so that cron mails nothing', async () => {
    // A PATH with kubectl and no oc, and no --oc: the binary is chosen from PATH.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'v-auto-path-'));
    symlinkSync(requireKubectl(), path.join(bin, 'kubectl'));
    const run = (debug: string) =>
      spawnSync(process.execPath, [binary, '--home', home, 'demo', 'web', 'status'], {
        encoding: 'utf8',
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: freshHome(), V_AUTO_DEBUG: debug },
      });
    const quiet = run('');
    expect(quiet.stderr).not.toContain('oc not found');
    expect(quiet.stderr).toMatch(/^v-auto: no cluster to talk to/);
    expect(run('1').stderr).toContain(`debug: oc not found on PATH; using ${path.join(bin, 'kubectl')}\n`);
  });
});
