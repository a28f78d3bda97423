// deploy, status and delete through the real kubectl against the simulator, as an admin runs them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, startE2E, type E2E } from '../helpers/e2e.js';

describe('deploy/status/delete against the simulator', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('first deploy creates the namespace and every resource', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SUCCESS] Namespace vm-demo (created)');
    for (const line of [
      'NetworkAttachmentDefinition web-01-lan (created)',
      'NetworkAttachmentDefinition web-02-lan (created)',
      'Secret web-01-cloud-init (created)',
      'DataVolume web-02-rootdisk (created)',
      'VirtualMachine web-01 (created)',
      'VirtualMachine web-02 (created)',
    ])
      expect(r.stdout).toContain(`[SUCCESS] ${line}`);
    expect(r.stdout).toContain('9 succeeded, 0 skipped, 0 failed');
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01')?.metadata.labels).toMatchObject({
      'v-auto/managed': 'true',
      'v-auto/project': 'demo',
      'v-auto/spec': 'web',
      'v-auto/name': 'web-01',
    });
  });

  test("oc never sees v-auto's own variables: the password input stays in v-auto", async () => {
    const envLog = path.join(e2e.home, 'oc-env.log');
    await e2e.run(['demo', 'web', 'status'], {
      OC_WRAPPER_ENV_LOG: envLog,
      V_AUTO_PASSWORD: 'Corr3ct-Horse-Battery',
    });
    const seen = readFileSync(envLog, 'utf8');
    expect(seen).toMatch(/^PATH=/m);
    expect(seen).not.toMatch(/^V_AUTO_/m);
    expect(seen).not.toContain('Corr3ct-Horse-Battery');
  });

  test('deploying again changes nothing and reports every resource as skipped', async () => {
    const before = e2e.sim.get('Secret', 'vm-demo', 'web-01-cloud-init').metadata.resourceVersion;
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[SUCCESS]');
    expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
    expect(e2e.sim.get('Secret', 'vm-demo', 'web-01-cloud-init').metadata.resourceVersion).toBe(before);
  });

  test('a changed cpu count reconfigures the VMs and says a running VM needs a restart', async () => {
    await e2e.sim.settle();
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01').status.ready).toBe(true);
    const r = await e2e.run(['demo', 'web', 'deploy', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\[SUCCESS\] VirtualMachine web-01 \(configured; needs a restart to apply the change \(see the notice below\)\)/,
    );
    expect(r.stdout).toContain('[SKIPPED] DataVolume web-01-rootdisk (unchanged)');
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01').spec.template.spec.domain.cpu.cores).toBe(4);
  });

  test('--replicas 3 adds web-03 at .103 without touching the others', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-03 (created)');
    expect(r.stdout).toContain('[SKIPPED] VirtualMachine web-01 (unchanged)');
    const nad = e2e.sim.get('NetworkAttachmentDefinition', 'vm-demo', 'web-03-lan');
    expect(JSON.parse(nad.spec.config).ipam.addresses[0].address).toBe('10.215.100.103/24');
  });

  test('status shows every instance with its address, node, disk and progress', async () => {
    await e2e.sim.settle();
    e2e.resetCalls();
    const r = await e2e.run(['demo', 'web', 'status', '--replicas', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /web-03\s+Running\s+true\s+Running\s+10\.215\.100\.103\s+\S+\s+Succeeded\s+100\.0%\s+Bound 30Gi/,
    );
    expect(r.stdout).toContain('Network attachments: web-01-lan, web-02-lan, web-03-lan');
    expect(r.stdout).toMatch(/Events \(last \d+, warnings first\)/);
    // One get of the kinds (3 instances × 7 kinds is a small read), and the events beside it.
    const calls = e2e.calls();
    expect(calls).toHaveLength(2);
    expect(calls.filter((c) => /^get \S+,\S+ /.test(c))).toHaveLength(1);
  });

  test('status works for a user who may not list Secrets, and says so', async () => {
    e2e.sim.faults.forbidden.push({ resource: 'secrets', verb: 'list' });
    try {
      const r = await e2e.run(['demo', 'web', 'status', '--replicas', '3']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Secrets: not shown: this user may not list them');
      expect(r.stdout).toMatch(/web-01\s+Running/);
    } finally {
      e2e.sim.faults.forbidden = [];
    }
  });

  test('status -o json is one document for scripts', async () => {
    const r = await e2e.run(['demo', 'web', 'status', '-o', 'json', '--target', 'web-02']);
    const doc = JSON.parse(r.stdout);
    expect(doc.ready).toBe(true);
    expect(doc.instances.map((i: { name: string }) => i.name)).toEqual(['web-02']);
    expect(doc.instances[0]).toMatchObject({
      ips: ['10.215.100.102'],
      dataVolume: { phase: 'Succeeded', progress: '100.0%' },
      pvc: { phase: 'Bound' },
    });
  });

  test('delete --target removes one instance, listing its disk first', async () => {
    const r = await e2e.run(['demo', 'web', 'delete', '--target', 'web-02', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PersistentVolumeClaim\s+web-02-rootdisk\s+Bound\s+disk data/);
    for (const line of [
      'VirtualMachine web-02',
      'DataVolume web-02-rootdisk',
      'PersistentVolumeClaim web-02-rootdisk',
      'Secret web-02-cloud-init',
      'NetworkAttachmentDefinition web-02-lan',
    ]) {
      expect(r.stdout).toContain(`[DELETED] ${line}`);
    }
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-02')).toBeUndefined();
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01')).toBeDefined();
    expect(e2e.sim.list('VirtualMachineInstance', 'vm-demo').map((o) => o.metadata.name)).not.toContain(
      'web-02',
    );
  });

  test('delete without --yes and without a terminal refuses', async () => {
    const r = await e2e.run(['demo', 'web', 'delete']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('add --yes');
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01')).toBeDefined();
  });

  test('delete everything, then nothing is left and a second delete says so', async () => {
    const r = await e2e.run(['demo', 'web', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[DELETED] VirtualMachine web-01');
    expect(r.stdout).toContain('[DELETED] VirtualMachine web-03');
    expect(e2e.sim.list('VirtualMachine', 'vm-demo')).toHaveLength(0);
    expect(e2e.sim.list('PersistentVolumeClaim', 'vm-demo')).toHaveLength(0);
    const again = await e2e.run(['demo', 'web', 'delete', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to delete for demo/web');
  });
});

describe('deploy call counts', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('20 instances: deploy reads, then the Namespace and shared NAD created alone and 4 concurrent creates of 5 instances (--parallel default)', async () => {
    const planned = await e2e.run(['demo', 'db', 'deploy', '--replicas', '20', '--dry-run']);
    const order = (text: string, flag: RegExp) =>
      text
        .split('\n')
        .map((l) => flag.exec(l)?.[1])
        .filter(Boolean);
    e2e.resetCalls();
    e2e.sim.clearRequests();
    const first = await e2e.run(['demo', 'db', 'deploy', '--replicas', '20']);
    expect(first.code).toBe(0);
    const calls = e2e.calls();
    // All new: the Namespace and the shared NAD in one create first, the instances in 4 creates:
    // one POST per object, no GET of any object first, nothing applied.
    expect(calls.filter((c) => c.startsWith('create --save-config '))).toHaveLength(5);
    expect(calls.filter((c) => c.startsWith('apply'))).toHaveLength(0);
    expect(e2e.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(62);
    expect(
      e2e.sim.requests.filter(
        (r) => r.method === 'GET' && /\/namespaces\/vm-demo\/[a-z-]+\/db-\d+[^/]*$/.test(r.path),
      ),
    ).toEqual([]);
    // One get of the 5 managed kinds and VMIs (20 × 6 expected objects is a small read), then,
    // the namespace being empty, whether it exists; then the creates.
    expect(calls.filter((c) => c.startsWith('get'))).toEqual([
      expect.stringMatching(/^get virtualmachines\.v1\.kubevirt\.io,\S+ -n vm-demo -o json /),
      expect.stringMatching(/^get --raw \/api\/v1\/namespaces\/vm-demo /),
    ]);
    expect(calls.every((c) => !c.includes('Corr3ct'))).toBe(true);
    // Reported per object in the plan's order, whichever call finished first.
    // The namespace is new here: it comes first, with the shared NAD, in the call before the others.
    expect(order(first.stdout, /^\[SUCCESS\] (\S+ \S+)/)).toEqual([
      'Namespace vm-demo',
      ...order(planned.stdout, /^\s*\+ (\S+ \S+)/),
    ]);
    expect(first.stdout).toContain('62 succeeded, 0 skipped, 0 failed');
    expect(
      e2e.sim.list('VirtualMachine', 'vm-demo').filter((o) => o.metadata.name.startsWith('db-')),
    ).toHaveLength(20);

    e2e.resetCalls();
    const again = await e2e.run(['demo', 'db', 'deploy', '--replicas', '20']);
    expect(again.stdout).toContain('0 succeeded, 61 skipped, 0 failed');
    expect(e2e.calls().length).toBeLessThanOrEqual(7);

    e2e.resetCalls();
    await e2e.run(['demo', 'db', 'status']);
    expect(e2e.calls().length).toBeLessThanOrEqual(8);
  });

  test('a DataVolume change is refused by the cluster and names the way out', async () => {
    const spec = path.join(e2e.home, 'projects/demo/specs/db.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('disk_size: 100Gi', 'disk_size: 200Gi'));
    const r = await e2e.run(['demo', 'db', 'deploy', '--replicas', '20']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[FAILED\] DataVolume db-02-rootdisk \(.*Cannot update DataVolume Spec.*\)/);
    expect(r.stdout).toContain('delete --target db-02');
  });

  test("delete of the 20 (--parallel default): four calls of five instances, then the shared NAD alone; lines as one call's", async () => {
    const order = (text: string, flag: RegExp) =>
      text
        .split('\n')
        .map((l) => flag.exec(l)?.[1])
        .filter(Boolean);
    e2e.resetCalls();
    const gone = await e2e.run(['demo', 'db', 'delete', '--replicas', '20', '--yes']);
    expect(gone.code).toBe(0);
    // Four calls of five instances, VMs first in each, then the shared NAD, alone; lines in the one call's order.
    expect(e2e.calls().filter((c) => c.startsWith('delete'))).toHaveLength(5);
    const deleted = order(gone.stdout, /^\[DELETED\] (\S+ \S+)/);
    const kinds = [
      'VirtualMachine',
      'DataVolume',
      'PersistentVolumeClaim',
      'Secret',
      'NetworkAttachmentDefinition',
    ];
    expect(deleted).toEqual(
      [...deleted].sort((a, b) => kinds.indexOf(a!.split(' ')[0]) - kinds.indexOf(b!.split(' ')[0])),
    );
    expect(deleted).toHaveLength(81);
    expect(e2e.sim.list('VirtualMachine', 'vm-demo')).toHaveLength(0);
    expect(e2e.sim.get('NetworkAttachmentDefinition', 'vm-demo', 'office')).toBeUndefined();
  });
});

describe('DataVolumes garbage-collected after import', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ gcDataVolumes: true });
  });
  afterAll(() => e2e.close());

  test('a completed import whose DataVolume is gone but PVC remains is not imported again', async () => {
    expect((await e2e.run(['demo', 'db', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
    expect(e2e.sim.get('DataVolume', 'vm-demo', 'db-01-rootdisk')).toBeUndefined();
    expect(e2e.sim.get('PersistentVolumeClaim', 'vm-demo', 'db-01-rootdisk')).toBeDefined();
    e2e.resetCalls();
    const r = await e2e.run(['demo', 'db', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SKIPPED] DataVolume db-01-rootdisk (disk already imported)');
    expect(r.stdout).not.toContain('[SUCCESS]');
    expect(e2e.sim.get('DataVolume', 'vm-demo', 'db-01-rootdisk')).toBeUndefined();
    expect(e2e.calls().length).toBeLessThanOrEqual(7);
  });
});

describe('a site Secret template without a type, against the server default', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('the stored Secret is Opaque (kube-apiserver defaults it), and a redeploy skips every resource', async () => {
    const builtin = readFileSync(path.join(repoRoot, 'templates', 'secret.yaml.hbs'), 'utf8');
    expect(builtin).toContain('type: Opaque\n');
    mkdirSync(path.join(e2e.home, 'templates'), { recursive: true });
    writeFileSync(path.join(e2e.home, 'templates', 'secret.yaml.hbs'), builtin.replace('type: Opaque\n', ''));
    expect((await e2e.run(['demo', 'web', 'deploy'])).code).toBe(0);
    expect(e2e.sim.get('Secret', 'vm-demo', 'web-01-cloud-init').type).toBe('Opaque');
    const again = await e2e.run(['demo', 'web', 'deploy']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('[SUCCESS]');
    expect(again.stdout).toContain('[SKIPPED] Secret web-01-cloud-init (unchanged)');
    expect(again.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
  });
});
