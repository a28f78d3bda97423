// Messages that point at the fix, through the built binary: wrong paths and names on the command line.
import path from 'node:path';
import { repoRoot, runVAuto } from '../helpers/e2e.js';

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
