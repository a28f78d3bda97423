// A first deploy into a new namespace through the real kubectl: how many oc processes it runs, and
// its Namespace when someone creates it meanwhile or the user may not create one.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, writes, type E2E } from '../helpers/e2e.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Stands in for kubectl: before the run's first write (create or apply), another client runs
 * `setup`, each line given the kubectl command that reaches the simulator; then the run's own call.
 */
function racingKubectl(e2e: E2E, setup: (kubectl: string) => string[]): string {
  const racer = path.join(e2e.home, 'racing-kubectl');
  const kubectl = `"${e2e.kubectl}" --kubeconfig "${e2e.sim.kubeconfigPath}"`;
  const lines = setup(kubectl).map((line) => `  ${line} >/dev/null || exit 99`);
  writeFileSync(
    racer,
    `#!/bin/sh
if { [ "$1" = create ] || [ "$1" = apply ]; } && [ ! -e "$0.done" ]; then
  : > "$0.done"
${lines.join('\n')}
fi
exec "${e2e.kubectl}" "$@"
`,
  );
  chmodSync(racer, 0o755);
  return racer;
}

/** The shared NAD `office` of the demo project's db spec as another client writes it: its bridge, and labels if any. */
function officeNad(bridge: string, labels?: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'office', namespace: 'vm-demo', ...(labels ? { labels } : {}) },
    spec: { config: `{"cniVersion":"0.3.1","name":"office","type":"bridge","bridge":"${bridge}"}` },
  });
}

/** The verbs of the run's writes, in order. */
const writeVerbs = (e2e: E2E) =>
  e2e
    .calls()
    .filter(writes)
    .map((c) => c.split(' ')[0]);

describe('first deploy into a new namespace', () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await startE2E();
  });
  afterEach(() => e2e.close());

  test('four oc processes: the read, the address check and the Namespace by name, then one create headed by the Namespace', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    const calls = e2e.calls();
    expect(calls).toEqual([
      expect.stringMatching(/^get virtualmachines\.v1\.kubevirt\.io,\S+ -n vm-demo -o json /),
      expect.stringMatching(/^get \S+ -A -l v-auto\/managed=true -o json /),
      expect.stringMatching(/^get --raw \/api\/v1\/namespaces\/vm-demo /),
      expect.stringMatching(/^create --save-config /),
    ]);
    expect(calls.filter(writes)).toHaveLength(1);
    expect(r.stdout.split('\n')[0]).toBe('[SUCCESS] Namespace vm-demo (created)');
    expect(r.stdout).toContain('9 succeeded, 0 skipped, 0 failed');
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-02')).toBeDefined();
  });

  test('a spec with a shared NAD: the Namespace, the NAD and the instances in one create; nothing applied', async () => {
    const r = await e2e.run(['demo', 'db', 'deploy']);
    expect(r.code).toBe(0);
    expect(writeVerbs(e2e)).toEqual(['create']);
    expect(r.stdout).toContain('[SUCCESS] Namespace vm-demo (created)');
    expect(r.stdout).toContain('[SUCCESS] NetworkAttachmentDefinition office (created)');
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine db-01 (created)');
  });

  test('a shared NAD another spec created between the read and the write is applied after the one create; the VMs go', async () => {
    // Before the first write, another spec of the project makes the shared NAD (and so its namespace).
    const nad = officeNad('br-old', {
      'v-auto/managed': 'true',
      'v-auto/project': 'demo',
      'v-auto/shared': 'true',
    });
    const racer = racingKubectl(e2e, (kubectl) => [
      `${kubectl} create namespace vm-demo`,
      `echo '${nad}' | ${kubectl} apply -f -`,
    ]);
    const r = await e2e.run(['demo', 'db', 'deploy'], { OC_WRAPPER_KUBECTL: racer });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(writeVerbs(e2e)).toEqual(['create', 'apply']);
    expect(r.stdout).toContain('[SKIPPED] Namespace vm-demo (already exists)');
    expect(r.stdout).toContain('[SUCCESS] NetworkAttachmentDefinition office (configured)');
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine db-01 (created)');
    expect(e2e.sim.get('NetworkAttachmentDefinition', 'vm-demo', 'office').spec.config).not.toContain(
      'br-old',
    );
  });

  test('a NAD of the shared name someone else made between the read and the write is not written: [FAILED], left as it is', async () => {
    // Before the first write, someone else makes a NAD of that name (and its namespace), without v-auto's labels.
    const nad = officeNad('br-theirs');
    const racer = racingKubectl(e2e, (kubectl) => [
      `${kubectl} create namespace vm-demo`,
      `echo '${nad}' | ${kubectl} create -f -`,
    ]);
    const r = await e2e.run(['demo', 'db', 'deploy'], { OC_WRAPPER_KUBECTL: racer });
    expect(r.code).toBe(1);
    expect(writeVerbs(e2e)).toEqual(['create']);
    expect(r.stdout).toMatch(
      /^\[FAILED\] NetworkAttachmentDefinition office \(.*already exists\)\n\s+hint: someone created it after deploy read namespace vm-demo/m,
    );
    const theirs = e2e.sim.get('NetworkAttachmentDefinition', 'vm-demo', 'office');
    expect(theirs.spec.config).toContain('br-theirs');
    expect(theirs.metadata.annotations?.[LAST_APPLIED]).toBeUndefined();
  });

  test('a Namespace someone creates between the read and the write is left as it is: [SKIPPED] already exists, the objects go', async () => {
    // Before the first write, someone else (`oc new-project`) makes the namespace.
    const racer = racingKubectl(e2e, (kubectl) => [`${kubectl} create namespace vm-demo`]);
    const r = await e2e.run(['demo', 'web', 'deploy'], { OC_WRAPPER_KUBECTL: racer });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('[SKIPPED] Namespace vm-demo (already exists)');
    expect(r.stdout).toContain('8 succeeded, 1 skipped, 0 failed');
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-02')).toBeDefined();
    // Not v-auto's: no annotation of kubectl apply written onto it.
    expect(
      e2e.sim.get('Namespace', undefined, 'vm-demo').metadata.annotations?.[LAST_APPLIED],
    ).toBeUndefined();
  });

  test('a user who may not create namespaces: the Namespace fails as forbidden, every object after it says the namespace could not be created', async () => {
    e2e.sim.faults.forbidden.push({ resource: 'namespaces', verb: 'create' });
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^\[FAILED\] Namespace vm-demo \(namespaces is forbidden: User "sim-user" cannot create resource "namespaces".*\)\n\s+hint: your user may not create namespaces: run "oc new-project vm-demo" or ask an admin to create it, then deploy again$/m,
    );
    expect(r.stdout).toMatch(
      /^\[FAILED\] NetworkAttachmentDefinition web-01-lan \(namespaces "vm-demo" not found\)\n\s+hint: namespace vm-demo could not be created \(its line above says why\), so nothing could be created in it$/m,
    );
    expect(r.stdout).toContain('[FAILED] VirtualMachine web-02 (namespaces "vm-demo" not found)');
    expect(r.stdout).toContain('0 succeeded, 0 skipped, 9 failed');
    expect(e2e.sim.get('Namespace', undefined, 'vm-demo')).toBeUndefined();
  });
});
