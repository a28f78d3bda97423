// The compat matrix (`npm run test:compat`): the end-to-end cycle (deploy, redeploy, a change, status, delete)
// with every kubectl on this machine, against the OpenShift profile, checking result lines and exit codes per
// version. Not part of `npm test` (a few minutes); .ci/run calls it after.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { LAST_APPLIED } from '../../lib/cluster/k8s-object.js';
import { OcRunner } from '../../lib/cluster/oc-runner.js';
import { startE2E, writes, type E2E } from '../helpers/e2e.js';
import { installOvnSite, writeOvnProject } from '../helpers/ovn-site.js';
import { allKubectls } from '../helpers/kubectl-binaries.js';

const KUBECTLS = allKubectls();

function clientVersion(binary: string): string {
  const out = JSON.parse(
    execFileSync(binary, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }),
  ) as { clientVersion: { gitVersion: string } };
  return out.clientVersion.gitVersion;
}

/** Per binary, the steps that passed, printed as a table once every version ran. */
const outcomes = new Map<string, { version: string; steps: Record<string, boolean> }>();

afterAll(() => {
  const steps = [
    'deploy',
    'apply after create',
    'redeploy',
    'change',
    'status',
    'delete',
    'wait',
    'ovn deploy',
    'ovn redeploy',
    'ovn status',
    'ovn delete',
  ];
  const rows = [...outcomes].map(
    ([binary, o]) =>
      `| ${o.version} | ${binary} | ${steps.map((s) => (o.steps[s] ? 'ok' : o.steps[s] === false ? 'FAILED' : '–')).join(' | ')} |`,
  );
  process.stdout.write(
    `\n| kubectl | binary | ${steps.join(' | ')} |\n|${'---|'.repeat(steps.length + 2)}\n${rows.join('\n')}\n`,
  );
});

test('there is at least one kubectl to run the matrix with', () => {
  expect(KUBECTLS.length).toBeGreaterThan(0);
});

describe.each(KUBECTLS)('%s', (binary) => {
  let e2e: E2E;
  const record = outcomes.set(binary, { version: clientVersion(binary), steps: {} }).get(binary)!;
  /** A step of the cycle: its outcome is recorded for the table, and a failure fails the test. */
  const step = (name: string, body: () => Promise<void>) =>
    test(name, async () => {
      record.steps[name] = false;
      await body();
      record.steps[name] = true;
    });

  beforeAll(async () => {
    e2e = await startE2E({ kubectl: binary, profile: 'openshift' });
    await installOvnSite(e2e, ['vm-ovn'], ['vm-ovn']);
    writeOvnProject(e2e, 'vm-ovn', 'vm-ovn');
  });
  afterAll(() => e2e.close());

  step('deploy', async () => {
    e2e.resetCalls();
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Everything is new: one create, headed by the Namespace; this kubectl creates the stream in
    // order, so the objects after it find their namespace.
    expect(
      e2e
        .calls()
        .filter((c) => /^(apply|create) /.test(c))
        .map((c) => c.split(' ').slice(0, 2).join(' ')),
    ).toEqual(['create --save-config']);
    expect(r.stdout).toContain('[SUCCESS] Namespace vm-demo (created)');
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
    expect(r.stdout).toContain('9 succeeded, 0 skipped, 0 failed');
    await e2e.sim.settle();
  });

  // This kubectl's apply takes what its create wrote as its own: the manifests v-auto sent (the
  // annotation) apply unchanged, and a field dropped from one is removed (then put back).
  step('apply after create', async () => {
    const oc = new OcRunner({
      binary,
      kubeconfig: e2e.sim.kubeconfigPath,
      requestTimeout: 10,
      env: { PATH: process.env.PATH, HOME: os.tmpdir() },
    });
    // VMs left out: kubemacpool adds MACs to their interface list, which a plain apply of the first manifest replaces, however it was created.
    const sent = ['NetworkAttachmentDefinition', 'Secret', 'DataVolume']
      .flatMap((kind) => e2e.sim.list(kind, 'vm-demo'))
      .map((o) => JSON.parse(o.metadata.annotations[LAST_APPLIED]));
    expect(sent).toHaveLength(6);
    expect((await oc.apply('vm-demo', sent)).map((o) => o.result)).toEqual(sent.map(() => 'unchanged'));
    const secret = sent.find((m) => m.kind === 'Secret');
    const { networkdata, ...rest } = secret.data;
    expect(networkdata).toBeDefined();
    expect((await oc.apply('vm-demo', [{ ...secret, data: rest }]))[0].result).toBe('configured');
    expect(Object.keys(e2e.sim.get('Secret', 'vm-demo', secret.metadata.name).data)).toEqual(
      Object.keys(rest),
    );
    expect((await oc.apply('vm-demo', [secret]))[0].result).toBe('configured');
  });

  step('redeploy', async () => {
    const vm = e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01');
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[SUCCESS]');
    expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
    const after = e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01');
    expect(after.metadata.resourceVersion).toBe(vm.metadata.resourceVersion);
    expect(after.spec.template.spec.domain.devices.interfaces).toEqual(
      vm.spec.template.spec.domain.devices.interfaces,
    );
  });

  step('change', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '[SUCCESS] VirtualMachine web-01 (configured; needs a restart to apply the change',
    );
    expect(r.stdout).toMatch(
      /^notice: 2 VM\(s\) need a restart to apply their change \(web-01, web-02\): run "v-auto demo web restart --pending"/m,
    );
    expect(r.stdout).toContain('[SKIPPED] DataVolume web-01-rootdisk (unchanged)');
    expect(r.stdout).toContain('2 succeeded, 6 skipped, 0 failed');
    await e2e.sim.settle();
  });

  step('status', async () => {
    const r = await e2e.run(['demo', 'web', 'status', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/web-01\s+Running\s+true\s+Running\s+10\.215\.100\.101/);
    expect(r.stdout).toMatch(/web-02\s+Running\s+true\s+Running\s+10\.215\.100\.102/);
  });

  step('delete', async () => {
    const r = await e2e.run(['demo', 'web', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[DELETED] VirtualMachine web-01');
    expect(r.stdout).toContain('[DELETED] PersistentVolumeClaim web-02-rootdisk');
    expect(e2e.sim.list('VirtualMachine', 'vm-demo')).toHaveLength(0);
  });

  // deploy --wait from watches (issue #30): this kubectl's `get --raw` of a watch streams the server's
  // events as they come, and the wait ends on the one that makes the last VM ready, with no poll after.
  step('wait', async () => {
    // The first poll finds web-02 pending (no node has room for a moment): the wait follows with watches.
    e2e.sim.faults.unschedulableVmis = [{ name: 'web-02', forMs: 1500 }];
    try {
      e2e.resetCalls();
      const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('all 2 instance(s) ready');
      const calls = e2e.calls();
      const watches = calls.filter((c) => /^get --raw \S+watch=true/.test(c));
      expect(watches).toHaveLength(4);
      // Nothing read after the watches started but their own lists.
      expect(calls.slice(calls.indexOf(watches[0])).every((c) => /^get --raw /.test(c))).toBe(true);
    } finally {
      e2e.sim.faults.unschedulableVmis = [];
    }
    expect((await e2e.run(['demo', 'web', 'delete', '--yes'])).code).toBe(0);
  });

  // OVN-Kubernetes networks (issue #28): a localnet and a primary UDN, whose address annotation and
  // l2bridge binding this kubectl sends and reads back unchanged.
  step('ovn deploy', async () => {
    const r = await e2e.run(['ovn', 'app', 'deploy', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine app-02 (created)');
    await e2e.sim.settle();
  });

  step('ovn redeploy', async () => {
    e2e.resetCalls();
    const r = await e2e.run(['ovn', 'app', 'deploy', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 succeeded, 6 skipped, 0 failed');
    expect(e2e.calls().some(writes)).toBe(false);
  });

  step('ovn status', async () => {
    const status = await e2e.run(['ovn', 'app', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/app-01\s.*10\.100\.0\.10/);
    const ledger = await e2e.run(['ovn', 'addresses']);
    expect(ledger.code).toBe(0);
    expect(ledger.stdout).toMatch(/office\s+192\.168\.20\.102\s.*app-02\s+VMI 192\.168\.20\.102/);
    expect(ledger.stdout).toMatch(/tenant\s+10\.100\.0\.11\s.*app-02\s+VMI 10\.100\.0\.11/);
  });

  step('ovn delete', async () => {
    const r = await e2e.run(['ovn', 'app', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(e2e.sim.list('VirtualMachine', 'vm-ovn')).toHaveLength(0);
    expect(e2e.sim.list('NetworkAttachmentDefinition', 'vm-ovn')).toHaveLength(2);
  });
});
