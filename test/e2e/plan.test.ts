// deploy's plan through the real kubectl against the simulator: zero writes when nothing changed,
// foreign objects refused and adopted, surplus reported and pruned, diff's exit codes, notices.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, type E2E } from '../helpers/e2e.js';

const NS = 'vm-demo';
const writes = (e2e: E2E) => e2e.sim.requests.filter((r) => r.method !== 'GET');

describe('deploy plans before it applies', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('a redeploy where nothing changed makes only its read (one get of the kinds, for a small spec) and zero writes', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
    e2e.sim.clearRequests();
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    // Objects found: the namespace is not asked about.
    expect(r.calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'get virtualmachines.v1.kubevirt.io,datasources.v1beta1.cdi.kubevirt.io,datavolumes.v1beta1.cdi.kubevirt.io,persistentvolumeclaims,secrets,network-attachment-definitions.v1.k8s.cni.cncf.io,virtualmachineinstances.v1.kubevirt.io',
    ]);
    expect(writes(e2e)).toEqual([]);
    expect(r.stdout.match(/\[SKIPPED\] \S+ \S+ \(unchanged\)/g)).toHaveLength(8);
    expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
  });

  test('diff: exit 0 in sync, exit 1 with the changed fields pending, and never a write', async () => {
    e2e.sim.clearRequests();
    const inSync = await e2e.run(['demo', 'web', 'diff']);
    expect(inSync.code).toBe(0);
    expect(inSync.stdout).toBe('demo/web in namespace vm-demo: in sync\n');
    const pending = await e2e.run(['demo', 'web', 'diff', '--set', 'cpu=4', '--set', 'admin_user=root']);
    expect(pending.code).toBe(1);
    expect(pending.stdout).toContain(
      '--- cluster/VirtualMachine/web-01\n+++ spec/VirtualMachine/web-01\n- spec.template.spec.domain.cpu.cores: 2\n+ spec.template.spec.domain.cpu.cores: 4',
    );
    // No size: a password inserted in clear would show its length.
    expect(pending.stdout).toContain('~ data.userdata changed\n');
    expect(pending.stdout).not.toContain('$6$');
    const doc = JSON.parse((await e2e.run(['demo', 'web', 'diff', '-o', 'json', '--set', 'cpu=4'])).stdout);
    expect(doc).toMatchObject({ inSync: false, summary: { update: 2, unchanged: 6 } });
    expect(writes(e2e)).toEqual([]);
  });

  test("diff and the plan show a NAD's changed address inside its JSON and the network-config as text; the userdata stays masked", async () => {
    expect((await e2e.run(['demo', 'web', 'deploy'])).code).toBe(0);
    const nad = e2e.sim.get('NetworkAttachmentDefinition', NS, 'web-01-lan');
    nad.spec.config = nad.spec.config.replace('10.215.100.101/24', '10.215.100.199/24');
    e2e.sim.put(nad);
    const secret = e2e.sim.get('Secret', NS, 'web-01-cloud-init');
    const text = Buffer.from(secret.data.networkdata, 'base64').toString();
    secret.data.networkdata = Buffer.from(text.replace('10.215.100.101/24', '10.215.100.199/24')).toString(
      'base64',
    );
    e2e.sim.put(secret);
    const diff = await e2e.run(['demo', 'web', 'diff']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain(
      '- spec.config.ipam.addresses[0].address: "10.215.100.199/24"\n+ spec.config.ipam.addresses[0].address: "10.215.100.101/24"',
    );
    expect(diff.stdout).toMatch(
      /- data\.networkdata\.ethernets\.\S+\.addresses\[0\]: "10\.215\.100\.199\/24"\n\+ data\.networkdata\.ethernets\.\S+\.addresses\[0\]: "10\.215\.100\.101\/24"/,
    );
    const plan = await e2e.run(['demo', 'web', 'deploy', '--dry-run']);
    expect(plan.stdout).toContain(
      'NetworkAttachmentDefinition web-01-lan: spec.config.ipam.addresses[0].address 10.215.100.199/24 → 10.215.100.101/24',
    );
    expect(plan.stdout).toMatch(
      /Secret web-01-cloud-init: data\.networkdata\.ethernets\.\S+\.addresses\[0\] 10\.215\.100\.199\/24 → 10\.215\.100\.101\/24/,
    );
    expect((await e2e.run(['demo', 'web', 'deploy'])).code).toBe(0);
  });

  test('a running VM: cores need a restart, memory within maxGuest is applied live; a changed Secret of a booted VM gets a first-boot notice', async () => {
    const cores = await e2e.run(['demo', 'web', 'deploy', '--set', 'cpu=4']);
    expect(cores.stdout).toContain(
      '[SUCCESS] VirtualMachine web-01 (configured; needs a restart to apply the change (see the notice below))',
    );
    const memory = await e2e.run(['demo', 'web', 'deploy', '--set', 'cpu=4', '--set', 'memory=8Gi']);
    expect(memory.stdout).toContain(
      '[SUCCESS] VirtualMachine web-01 (configured; applied live: memory.guest)',
    );
    const secret = await e2e.run([
      'demo',
      'web',
      'deploy',
      '--set',
      'cpu=4',
      '--set',
      'memory=8Gi',
      '--set',
      'admin_user=root',
    ]);
    expect(secret.stdout).toContain('[SUCCESS] Secret web-01-cloud-init (configured)');
    expect(secret.stdout).toMatch(
      /notice: web-01 has booted: cloud-init ran at its first boot and does not run again/,
    );
  });

  test("objects with this spec's names that are not its own are refused before anything is sent, naming their owners", async () => {
    const items = JSON.parse(
      (
        await e2e.run([
          'demo',
          'web',
          'inspect',
          '-o',
          'json',
          '--show-secrets',
          '--replicas',
          '3',
          '--target',
          'web-03',
        ])
      ).stdout,
    ).items;
    const owners: Record<string, Record<string, string> | undefined> = {
      NetworkAttachmentDefinition: undefined,
      Secret: { 'v-auto/managed': 'true', 'v-auto/project': 'demo', 'v-auto/spec': 'db' },
      DataVolume: { 'v-auto/managed': 'true', 'v-auto/project': 'other', 'v-auto/spec': 'web' },
      VirtualMachine: undefined,
    };
    for (const item of items)
      e2e.sim.put({ ...item, metadata: { ...item.metadata, labels: owners[item.kind] } });
    e2e.sim.clearRequests();
    // diff says what deploy will do, with deploy's exit code: 2, foreign objects refused.
    const drift = await e2e.run(['demo', 'web', 'diff', '--replicas', '3']);
    expect(drift.stdout).toContain("! not this spec's object: deploy will refuse it");
    expect(drift.code).toBe(2);
    const r = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hint: --adopt takes over those with no v-auto labels');
    // --adopt never takes another project's or spec's objects: still refused, still nothing sent.
    const adopting = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--adopt', '--yes']);
    expect(adopting.code).toBe(2);
    expect(adopting.stderr).toContain('2 objects in namespace vm-demo');
    for (const part of [
      'NetworkAttachmentDefinition web-03-lan (no v-auto labels)',
      'Secret web-03-cloud-init (v-auto/managed=true, v-auto/project=demo, v-auto/spec=db)',
      'DataVolume web-03-rootdisk (v-auto/managed=true, v-auto/project=other, v-auto/spec=web)',
      'VirtualMachine web-03 (no v-auto labels)',
    ])
      expect(r.stderr).toContain(part);
    expect(writes(e2e)).toEqual([]);
    expect(e2e.sim.get('Secret', NS, 'web-03-cloud-init').metadata.labels['v-auto/spec']).toBe('db');
  });

  test('--adopt takes over the unlabeled objects of each kind after listing them', async () => {
    for (const kind of ['Secret', 'DataVolume']) {
      const o = e2e.sim.get(kind, NS, kind === 'Secret' ? 'web-03-cloud-init' : 'web-03-rootdisk');
      delete o.metadata.labels;
      e2e.sim.put(o);
    }
    const refused = await e2e.run([
      'demo',
      'web',
      'deploy',
      '--replicas',
      '3',
      '--set',
      'cpu=4',
      '--set',
      'memory=8Gi',
      '--set',
      'admin_user=root',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('hint: --adopt takes over them');
    const r = await e2e.run([
      'demo',
      'web',
      'deploy',
      '--replicas',
      '3',
      '--adopt',
      '--yes',
      '--set',
      'cpu=4',
      '--set',
      'memory=8Gi',
      '--set',
      'admin_user=root',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Adopting 4 object(s) without v-auto labels: NetworkAttachmentDefinition web-03-lan, Secret web-03-cloud-init, DataVolume web-03-rootdisk, VirtualMachine web-03',
    );
    for (const [kind, name] of [
      ['NetworkAttachmentDefinition', 'web-03-lan'],
      ['Secret', 'web-03-cloud-init'],
      ['DataVolume', 'web-03-rootdisk'],
      ['VirtualMachine', 'web-03'],
    ]) {
      expect(r.stdout).toContain(`[SUCCESS] ${kind} ${name} (configured; adopted`);
      expect(e2e.sim.get(kind, NS, name).metadata.labels).toMatchObject({
        'v-auto/project': 'demo',
        'v-auto/spec': 'web',
        'v-auto/name': 'web-03',
      });
    }
  });

  test("surplus instances are reported by deploy and status, and pruned with delete's rules", async () => {
    await e2e.sim.settle();
    const sets = ['--set', 'cpu=4', '--set', 'memory=8Gi', '--set', 'admin_user=root'];
    const r = await e2e.run(['demo', 'web', 'deploy', ...sets]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('web-03 exists but the spec plans 2 (run deploy --prune to delete it)');
    const status = await e2e.run(['demo', 'web', 'status']);
    expect(status.stdout).toContain('web-03 exists but the spec plans 2 (run deploy --prune to delete it)');
    const one = await e2e.run(['demo', 'web', 'status', '--target', 'web-03']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^web-03\s+Running/m);

    const refused = await e2e.run(['demo', 'web', 'deploy', '--prune', ...sets]);
    expect(refused.code).toBe(2);
    const pruned = await e2e.run(['demo', 'web', 'deploy', '--prune', '--yes', ...sets]);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/DataVolume\s+web-03-rootdisk\s+\S+\s+disk data; not planned by the spec/);
    for (const line of [
      'VirtualMachine web-03',
      'DataVolume web-03-rootdisk',
      'Secret web-03-cloud-init',
      'NetworkAttachmentDefinition web-03-lan',
    ])
      expect(pruned.stdout).toContain(`[DELETED] ${line}`);
    expect(e2e.sim.get('VirtualMachine', NS, 'web-03')).toBeUndefined();
    expect(e2e.sim.get('VirtualMachine', NS, 'web-01')).toBeDefined();
  });

  test('--prune deletes a shared NAD of the project that no spec attaches any more, once no VM uses it; dry run lists it', async () => {
    expect((await e2e.run(['demo', 'db', 'deploy', '--yes'])).code).toBe(0);
    // While db attaches it, --prune keeps it.
    const kept = await e2e.run(['demo', 'db', 'deploy', '--yes', '--prune']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).not.toContain('[DELETED] NetworkAttachmentDefinition office');
    const specFile = path.join(e2e.home, 'projects/demo/specs/db.yaml');
    const before = readFileSync(specFile, 'utf8');
    writeFileSync(specFile, before.replace('networks: [office, pod]', 'networks: [pod]'));
    try {
      const dry = await e2e.run(['demo', 'db', 'deploy', '--dry-run', '--prune']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('NetworkAttachmentDefinition office');
      expect(e2e.sim.get('NetworkAttachmentDefinition', NS, 'office')).toBeDefined();
      // The VM is updated, but runs on the NAD until it restarts: kept, and said why.
      const first = await e2e.run(['demo', 'db', 'deploy', '--yes', '--prune']);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(
        'Keeping NetworkAttachmentDefinition office: VirtualMachine db-01 stays and uses it',
      );
      expect((await e2e.run(['demo', 'db', 'restart', '--pending'])).code).toBe(0);
      const r = await e2e.run(['demo', 'db', 'deploy', '--yes', '--prune']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('[DELETED] NetworkAttachmentDefinition office');
      expect(e2e.sim.get('NetworkAttachmentDefinition', NS, 'office')).toBeUndefined();
    } finally {
      writeFileSync(specFile, before);
      await e2e.run(['demo', 'db', 'delete', '--yes']);
    }
  });
});
