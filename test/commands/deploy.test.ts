// deploy over a fake cluster client: what it reads, what it sends (only changes), how it reports.
import type { ClusterDeps } from '../../lib/commands/cluster-deps.js';
import { deploy, type DeployOptions } from '../../lib/commands/deploy.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { VAutoError } from '../../lib/errors.js';
import { sharedNadLabels } from '../../lib/model/ownership.js';
import { EXAMPLE_WEB, repoRoot } from '../helpers/e2e.js';
import { textReporter } from '../../lib/report/reporter.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';
import { asyncErrorOf, tempDir, writeWorkspace } from '../helpers/workspace.js';

function run(cluster: FakeCluster, extra: Partial<DeployOptions> = {}, deps: Partial<ClusterDeps> = {}) {
  const output = capture();
  const options = {
    ...EXAMPLE_WEB,
    dryRun: false,
    yes: true,
    ...extra,
  };
  const all: ClusterDeps = {
    toolRoot: repoRoot,
    env: { V_AUTO_PASSWORD: 'pw' },
    report: textReporter(output),
    cluster: () => cluster,
    ...deps,
  };
  return deploy(options, all).then((code) => ({ code, ...output }));
}

/** A cluster holding what a first deploy of demo/web created. */
async function deployed(extra: Partial<DeployOptions> = {}): Promise<FakeCluster> {
  const cluster = new FakeCluster([], true);
  await run(cluster, extra);
  cluster.calls = [];
  cluster.sent = [];
  cluster.applyCalls = [];
  cluster.createCalls = [];
  cluster.dryRunCalls = [];
  cluster.dryRunVerbs = [];
  return cluster;
}
const sentNames = (c: FakeCluster) => c.sent.map((m) => `${m.kind}/${m.metadata.name}`);
/** The calls that write (apply, create): none, when nothing may be sent. */
const writes = (c: FakeCluster) => c.calls.filter((call) => call === 'apply' || call === 'create');
const edit = (c: FakeCluster, kind: string, name: string, change: (o: K8sObject) => void) =>
  change(c.existing.find((o) => o.kind === kind && o.metadata.name === name)!);

test('first deploy into a missing namespace: the read finds nothing, the Namespace is asked for by name, then one create headed by it', async () => {
  const cluster = new FakeCluster([], false);
  const r = await run(cluster);
  expect(r.code).toBe(0);
  expect(cluster.calls).toEqual(['list', 'list-all', 'namespace', 'create']);
  expect(cluster.createCalls[0].map((m) => m.kind)).toEqual([
    'Namespace',
    ...Array(2).fill('NetworkAttachmentDefinition'),
    ...Array(2).fill('Secret'),
    ...Array(2).fill('DataVolume'),
    ...Array(2).fill('VirtualMachine'),
  ]);
  expect(r.stdout.split('\n')[0]).toBe('[SUCCESS] Namespace vm-demo (created)');
  expect(r.stdout).toContain('9 succeeded, 0 skipped, 0 failed');
});

test('a Namespace another spec created since the read is skipped as it is, never applied; the objects go', async () => {
  // Two specs of a project deploying into a new namespace from cron: each plans the Namespace as
  // new, under its own lock; the second's create finds it, and leaves it as it is.
  const cluster = new FakeCluster([], false);
  cluster.existing.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vm-demo' } });
  const r = await run(cluster);
  expect(r.code).toBe(0);
  expect(cluster.calls).toEqual(['list', 'list-all', 'namespace', 'create']);
  expect(cluster.applyCalls).toEqual([]);
  expect(r.stdout.split('\n')[0]).toBe('[SKIPPED] Namespace vm-demo (already exists)');
  expect(r.stdout).toContain('8 succeeded, 1 skipped, 0 failed');
});

test('a first deploy with a shared NAD another spec created since the read: one create of everything, then the NAD found is applied', async () => {
  const cluster = new FakeCluster([], false);
  // What the read did not see: the create meets it (AlreadyExists), the apply then configures it.
  const seen = cluster.create.bind(cluster);
  cluster.create = async (ns, manifests) => {
    if (manifests.some((m) => m.metadata.name === 'office'))
      cluster.existing.push({
        apiVersion: 'k8s.cni.cncf.io/v1',
        kind: 'NetworkAttachmentDefinition',
        metadata: { name: 'office', namespace: ns, labels: sharedNadLabels({ project: 'demo' }) },
      });
    return seen(ns, manifests);
  };
  const r = await run(cluster, { spec: 'db' });
  expect(r.code).toBe(0);
  // The second list reads the NAD found, to apply it only if it is the project's.
  expect(cluster.calls).toEqual(['list', 'namespace', 'create', 'list', 'apply']);
  expect(cluster.createCalls[0].slice(0, 2).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
    'Namespace/vm-demo',
    'NetworkAttachmentDefinition/office',
  ]);
  expect(cluster.createCalls[0].filter((m) => m.kind === 'VirtualMachine')).toHaveLength(1);
  expect(cluster.applyCalls.map((c) => c.map((m) => m.metadata.name))).toEqual([['office']]);
  expect(r.stdout).toContain('[SUCCESS] NetworkAttachmentDefinition office (configured)');
});

test('a redeploy where nothing changed makes the reads and no write, and says so per object', async () => {
  const cluster = await deployed();
  const r = await run(cluster);
  expect(r.code).toBe(0);
  expect(cluster.calls).toEqual(['list']);
  expect(r.stdout).toContain('[SKIPPED] VirtualMachine web-01 (unchanged)');
  expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
});

test('a change sends only the objects that change, in one apply', async () => {
  const cluster = await deployed();
  const r = await run(cluster, { sets: ['cpu=4'] });
  // The changed VMs' server-side dry run, then the one apply.
  expect(cluster.calls).toEqual(['list', 'dry-run', 'apply']);
  expect(sentNames(cluster)).toEqual(['VirtualMachine/web-01', 'VirtualMachine/web-02']);
  expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (configured)');
  expect(r.stdout).toContain('[SKIPPED] Secret web-01-cloud-init (unchanged)');
  expect(r.stdout).toContain('2 succeeded, 6 skipped, 0 failed');
});

test('a running VM whose template changes is told to restart; a hot-pluggable memory change is applied live', async () => {
  const cluster = await deployed();
  for (const vm of ['web-01', 'web-02'])
    edit(cluster, 'VirtualMachine', vm, (o) => (o.status = { printableStatus: 'Running', ready: true }));
  const cores = await run(cluster, { sets: ['cpu=4'] });
  expect(cores.stdout).toContain(
    '[SUCCESS] VirtualMachine web-01 (configured; needs a restart to apply the change (see the notice below))',
  );
  expect(cores.stdout).toContain(
    'notice: 2 VM(s) need a restart to apply their change (web-01, web-02): run "v-auto demo web restart --pending", or deploy with --restart\n',
  );
  for (const vm of ['web-01', 'web-02'])
    edit(cluster, 'VirtualMachine', vm, (o) => (o.status = { printableStatus: 'Running', ready: true }));
  const memory = await run(cluster, { sets: ['cpu=4', 'memory=8Gi'] });
  expect(memory.stdout).toContain('[SUCCESS] VirtualMachine web-01 (configured; applied live: memory.guest)');
  expect(memory.stdout).not.toContain('restart');
});

test('a changed cloud-init Secret of a booted VM says that cloud-init will not run again', async () => {
  const cluster = await deployed();
  edit(cluster, 'VirtualMachine', 'web-01', (o) => (o.status = { printableStatus: 'Running', ready: true }));
  const r = await run(cluster, { sets: ['admin_user=root'] });
  expect(r.stdout).toContain('[SUCCESS] Secret web-01-cloud-init (configured)');
  expect(r.stdout).toMatch(
    /notice: web-01 has booted: cloud-init ran at its first boot and does not run again, so the changed userdata .* will not reach the guest/,
  );
  // web-02 never booted: its first boot will read the new data.
  expect(r.stdout).not.toMatch(/notice: web-02/);
});

test('one rejected object fails alone: exit 1, the others reported', async () => {
  const cluster = new FakeCluster([], true);
  cluster.rejects = {
    'VirtualMachine/web-02': {
      reason: 'VirtualMachine "web-02" is invalid: spec.running: Forbidden',
      cause: 'other',
    },
  };
  const r = await run(cluster);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(
    '[FAILED] VirtualMachine web-02 (VirtualMachine "web-02" is invalid: spec.running: Forbidden)',
  );
  expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
  expect(r.stdout).toContain('7 succeeded, 0 skipped, 1 failed');
});

test('a DataVolume gone after import while its PVC remains is skipped, not sent', async () => {
  const cluster = await deployed();
  const dv = cluster.existing.find((o) => o.kind === 'DataVolume' && o.metadata.name === 'web-01-rootdisk')!;
  cluster.existing = cluster.existing.filter((o) => o !== dv);
  cluster.existing.push({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'web-01-rootdisk', labels: dv.metadata.labels },
  });
  const r = await run(cluster);
  expect(writes(cluster)).toEqual([]);
  expect(r.stdout).toContain('[SKIPPED] DataVolume web-01-rootdisk (disk already imported)');
});

test('--dry-run prints the plan against the cluster with reads only, exit 0', async () => {
  const cluster = await deployed();
  const r = await run(cluster, { dryRun: true, sets: ['cpu=4'], replicas: 3 });
  expect(r.code).toBe(0);
  expect(cluster.calls).toEqual(['list', 'list-all']);
  expect(r.stdout).toContain('Plan for demo/web in namespace vm-demo: +4 create  ~2 update  =6 unchanged');
  expect(r.stdout).toContain('  + VirtualMachine web-03');
  expect(r.stdout).toContain('  ~ VirtualMachine web-01: spec.template.spec.domain.cpu.cores 2 → 4');
  expect(r.stdout).not.toContain('$6$');
  expect(r.stderr).toContain('nothing was sent');
});

test('on a terminal the plan is shown and a declined confirmation applies nothing', async () => {
  const cluster = new FakeCluster();
  const questions: string[] = [];
  const r = await run(cluster, { yes: false }, { confirm: async (q) => (questions.push(q), false) });
  expect(r.stdout).toContain('Plan for demo/web in namespace vm-demo: +8 create  ~0 update  =0 unchanged');
  expect(questions).toEqual(['Apply 8 change(s) (8 new) for 2 instance(s) to namespace vm-demo with oc?']);
  expect(cluster.calls).toEqual(['list', 'list-all', 'namespace']);
  expect(r.code).toBe(0);
});

test('nothing to change: no question on a terminal, nothing sent', async () => {
  const cluster = await deployed();
  const questions: string[] = [];
  const r = await run(cluster, { yes: false }, { confirm: async (q) => (questions.push(q), true) });
  expect(questions).toEqual([]);
  expect(cluster.calls).toEqual(['list']);
  expect(r.stdout).toContain('=8 unchanged');
});

test('the read starts before the inputs are asked for, hashed and rendered, and bad input still fails first', async () => {
  const cluster = new FakeCluster([], false);
  const promptSecret = async (question: string) => {
    cluster.calls.push(`prompt ${question}`);
    return 'pw';
  };
  expect((await run(cluster, {}, { env: {}, promptSecret })).code).toBe(0);
  expect(cluster.calls.slice(0, 2)).toEqual(['list', 'prompt password']);
  // Bad input (no value and no terminal to ask on) is exit 2 while the read is under way.
  const refused = new FakeCluster([], false);
  const err = await asyncErrorOf(() => run(refused, {}, { env: {} }));
  expect(err.exitCode).toBe(2);
  expect(err.message).toMatch(/has no value and there is no terminal/);
  expect(writes(refused)).toEqual([]);
  // Nor does it depend on finding oc.
  const noOc = await asyncErrorOf(() =>
    run(
      refused,
      {},
      {
        env: {},
        cluster: () => {
          throw new VAutoError('neither oc nor kubectl was found on PATH', { exitCode: 3 });
        },
      },
    ),
  );
  expect(noOc.exitCode).toBe(2);
});

test('a namespace the user may not read is not created, and a missing one is explained', async () => {
  const cluster = new FakeCluster([], 'unknown');
  await run(cluster);
  expect(cluster.sent.map((m) => m.kind)).not.toContain('Namespace');
  // An empty read cannot tell: the namespace is asked for by name.
  expect(cluster.calls.filter((c) => c !== 'list-all').slice(0, 2)).toEqual(['list', 'namespace']);

  const noNamespace = new FakeCluster([], 'unknown');
  noNamespace.rejects = { '*': { reason: 'namespaces "vm-demo" not found', cause: 'namespace-missing' } };
  const r = await run(noNamespace);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('[FAILED] VirtualMachine web-01 (namespaces "vm-demo" not found)');
  const hint =
    'hint: namespace vm-demo does not exist, and your user may not read or create namespaces: run "oc new-project vm-demo" or ask an admin';
  expect(r.stdout).toContain(hint);
  // Said once, not under each of the eight objects.
  expect(r.stdout.split(hint)).toHaveLength(2);
});

test('a create or an apply that fails as a whole is its error, exit 3', async () => {
  const cluster = new FakeCluster([], true);
  cluster.createError = new VAutoError(
    'oc create failed before sending anything: the server could not find the requested resource',
    { exitCode: 3 },
  );
  expect((await asyncErrorOf(() => run(cluster))).message).toMatch(
    /^oc create failed before sending anything/,
  );
  const updating = await deployed();
  updating.applyError = new VAutoError(
    'oc apply failed before sending anything: the server could not find the requested resource',
    { exitCode: 3 },
  );
  expect((await asyncErrorOf(() => run(updating, { sets: ['cpu=4'] }))).exitCode).toBe(3);
});

test('new objects go through create, changed ones through apply; instances with an update come first, so at most one call mixes them', async () => {
  const cluster = await deployed({ replicas: 30 });
  // The odd instances are gone (new again), the even ones change: interleaved in the plan's order.
  const odd = (name: string) => Number(/^web-(\d+)/.exec(name)![1]) % 2 === 1;
  cluster.existing = cluster.existing.filter((o) => !odd(o.metadata.name));
  const r = await run(cluster, { replicas: 30, sets: ['cpu=4'], parallel: 4 });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
  expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-02 (configured)');
  expect(r.stdout).toContain('75 succeeded, 45 skipped, 0 failed');
  const instances = (calls: typeof cluster.applyCalls) =>
    calls.map((call) => [...new Set(call.map((m) => /^web-\d+/.exec(m.metadata.name)![0]))]);
  // 30 instances in 4 calls of 7–8: the 15 updated ones fill one call and part of the next.
  expect(cluster.applyCalls).toHaveLength(2);
  expect(cluster.createCalls).toHaveLength(2);
  expect(
    instances(cluster.applyCalls)
      .flat()
      .filter((i) => !odd(i)),
  ).toHaveLength(15);
  expect(instances(cluster.createCalls).flat().every(odd)).toBe(true);
  // Each instance's objects still in the order one call sends them.
  for (const call of [...cluster.applyCalls, ...cluster.createCalls]) {
    const kinds = call
      .filter((m) => m.metadata.name.startsWith(call[0].metadata.name.replace(/-lan$/, '')))
      .map((m) => m.kind);
    expect(kinds).toEqual(
      ['NetworkAttachmentDefinition', 'Secret', 'DataVolume', 'VirtualMachine'].filter((k) =>
        kinds.includes(k),
      ),
    );
  }
});

test("an object someone created between the read and the create is [FAILED] with the server's reason and a hint to deploy again", async () => {
  const cluster = new FakeCluster([], true);
  const late: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-02-cloud-init' } };
  // Not there when deploy reads; there when the create reaches it.
  const list = cluster.listReadable.bind(cluster);
  cluster.listReadable = async (...args) => {
    const read = await list(...args);
    cluster.existing.push(late);
    return read;
  };
  const r = await run(cluster);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(
    '[FAILED] Secret web-02-cloud-init (secrets "web-02-cloud-init" already exists)',
  );
  expect(r.stdout).toContain(
    'hint: someone created it after deploy read namespace vm-demo: run deploy again to plan against it',
  );
  expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-02 (created)');
  expect(r.stdout).toContain('7 succeeded, 0 skipped, 1 failed');
  expect(cluster.existing).toContain(late);
});

describe('objects that are not ours', () => {
  const handMade: K8sObject = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'web-01' },
    spec: { runStrategy: 'Halted' },
  };
  const otherSpec: K8sObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'web-02-cloud-init',
      labels: { 'v-auto/managed': 'true', 'v-auto/project': 'demo', 'v-auto/spec': 'api' },
    },
  };

  test('are never written: exit 2 before anything is sent, naming each and its owner', async () => {
    const cluster = new FakeCluster([handMade, otherSpec], true);
    const err = await asyncErrorOf(() => run(cluster));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      "2 objects in namespace vm-demo have this spec's names but are not its own; nothing was sent: Secret web-02-cloud-init (v-auto/managed=true, v-auto/project=demo, v-auto/spec=api), VirtualMachine web-01 (no v-auto labels)",
    );
    expect(err.hint).toContain('--adopt takes over those with no v-auto labels');
    // Objects found prove the namespace exists: it is not asked about.
    expect(cluster.calls).toEqual(['list', 'list-all']);
  });

  test("--adopt takes over the unlabeled one after listing it; another spec's never", async () => {
    const refused = new FakeCluster([handMade, otherSpec], true);
    expect((await asyncErrorOf(() => run(refused, { adopt: true }))).message).toContain(
      'Secret web-02-cloud-init (v-auto/managed=true, v-auto/project=demo, v-auto/spec=api)',
    );
    expect(writes(refused)).toEqual([]);

    const cluster = new FakeCluster([handMade], true);
    const r = await run(cluster, { adopt: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Adopting 1 object(s) without v-auto labels: VirtualMachine web-01');
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (configured; adopted)');
    const vm = cluster.sent.find(
      (m) => m.kind === 'VirtualMachine' && m.metadata.name === 'web-01',
    ) as K8sObject;
    expect(vm.metadata.labels).toMatchObject({ 'v-auto/spec': 'web', 'v-auto/project': 'demo' });
  });

  test('--adopt without --yes and without a terminal refuses before sending', async () => {
    const cluster = new FakeCluster([handMade], true);
    const err = await asyncErrorOf(() => run(cluster, { adopt: true, yes: false }));
    expect(err.exitCode).toBe(2);
    expect(writes(cluster)).toEqual([]);
  });
});

describe('surplus instances', () => {
  test("are reported on every deploy, and pruned with delete's rules", async () => {
    const cluster = await deployed({ replicas: 4 });
    const r = await run(cluster, { replicas: 2 });
    expect(cluster.calls).toEqual(['list']);
    expect(r.stdout).toContain(
      'web-03, web-04 exist but the spec plans 2 (run deploy --prune to delete them)',
    );

    const kept = await run(cluster, { replicas: 2, prune: true, keepDisks: true });
    expect(kept.stdout).toMatch(/Will delete from namespace vm-demo:\n/);
    expect(kept.stdout).toContain(
      'Keeping 2 disk object(s) (--keep-disks): DataVolume web-03-rootdisk, DataVolume web-04-rootdisk',
    );
    expect(cluster.deleted.map((d) => `${d.kind}/${d.name}`)).toEqual([
      'VirtualMachine/web-03',
      'VirtualMachine/web-04',
      'Secret/web-03-cloud-init',
      'Secret/web-04-cloud-init',
      'NetworkAttachmentDefinition/web-03-lan',
      'NetworkAttachmentDefinition/web-04-lan',
    ]);
    expect(kept.stdout).toContain('[DELETED] VirtualMachine web-03');
  });

  test('--prune without --yes and without a terminal refuses before any call', async () => {
    const cluster = await deployed({ replicas: 3 });
    const err = await asyncErrorOf(() => run(cluster, { prune: true, yes: false }));
    expect(err.exitCode).toBe(2);
    expect(cluster.calls).toEqual([]);
  });
});

describe('instance type and preference references are checked before anything is sent', () => {
  const it = (name: string, kind = 'VirtualMachineClusterInstancetype'): K8sObject => ({
    apiVersion: 'instancetype.kubevirt.io/v1beta1',
    kind,
    metadata: { name },
  });
  const pref = (name: string, kind = 'VirtualMachineClusterPreference'): K8sObject => ({
    apiVersion: 'instancetype.kubevirt.io/v1beta1',
    kind,
    metadata: { name },
  });
  const onCluster = [it('u1.small'), it('u1.medium'), it('u1.large'), pref('rhel.9'), pref('fedora')];
  const home = () =>
    writeWorkspace(tempDir(), {
      config: { namespace: 'vm-demo' },
      specs: {
        web: { image_url: 'https://i.example.com/a.qcow2', instancetype: 'u1.medium', preference: 'rhel.9' },
      },
    });
  const deployIn = (cluster: FakeCluster, sets: string[] = []) => run(cluster, { home: home(), sets });

  test('both exist: one more read, then the apply with spec.instancetype and spec.preference', async () => {
    const cluster = new FakeCluster(onCluster, true);
    const r = await deployIn(cluster);
    expect(r.code).toBe(0);
    expect(cluster.calls).toEqual(['list', 'list', 'namespace', 'dry-run', 'create']);
    const vm = (cluster.sent as any[]).find((m) => m.kind === 'VirtualMachine');
    expect([vm.spec.instancetype, vm.spec.preference]).toEqual([
      { name: 'u1.medium', kind: 'VirtualMachineClusterInstancetype' },
      { name: 'rhel.9', kind: 'VirtualMachineClusterPreference' },
    ]);
  });

  test.each([
    [
      'a missing instance type',
      ['instancetype=u1.mediun'],
      'instancetype "u1.mediun": no VirtualMachineClusterInstancetype of that name on the cluster (did you mean "u1.medium"?)',
      'VirtualMachineClusterInstancetypes that exist: u1.large, u1.medium, u1.small',
    ],
    [
      'a missing preference',
      ['preference=rhel.10'],
      'preference "rhel.10": no VirtualMachineClusterPreference of that name on the cluster (did you mean "rhel.9"?)',
      'VirtualMachineClusterPreferences that exist: fedora, rhel.9',
    ],
    [
      'a namespaced one where there is none',
      ['instancetype={"name":"u1.medium","kind":"VirtualMachineInstancetype"}'],
      'instancetype "u1.medium": no VirtualMachineInstancetype of that name in namespace vm-demo',
      'there are no VirtualMachineInstancetypes in namespace vm-demo',
    ],
  ])(
    '%s: exit 2 naming it and listing those that exist, nothing applied',
    async (_name, sets, message, hint) => {
      const cluster = new FakeCluster(onCluster, true);
      const err = await asyncErrorOf(() => deployIn(cluster, sets));
      expect(err.exitCode).toBe(2);
      expect(err.message).toBe(message);
      expect(err.hint).toBe(hint);
      expect(writes(cluster)).toEqual([]);
    },
  );

  test('a spec without them makes no extra read', async () => {
    const cluster = new FakeCluster([], true);
    await run(cluster);
    expect(cluster.calls).toEqual(['list', 'list-all', 'namespace', 'dry-run', 'create']);
  });
});

describe('objects being deleted (a finalizer holds them) are neither unchanged nor updated', () => {
  const mark = (c: FakeCluster) =>
    edit(c, 'VirtualMachine', 'web-01', (o) => (o.metadata.deletionTimestamp = '2026-12-01T10:00:00Z'));

  test('still there past the bound: nothing sent, [FAILED] with when its deletion began, exit 1', async () => {
    const cluster = await deployed();
    mark(cluster);
    let now = 0;
    const r = await run(cluster, {}, {
      now: () => (now += 1000),
      pollMs: 0,
      deletionWaitSeconds: 3,
    } as Partial<ClusterDeps>);
    expect(r.code).toBe(1);
    expect(writes(cluster)).toEqual([]);
    expect(r.stdout).toContain(
      '[FAILED] VirtualMachine web-01 (being deleted since 2026-12-01T10:00:00Z, still there after 3 s)',
    );
    expect(r.stdout).not.toContain('[SKIPPED] VirtualMachine web-01');
    expect(r.stderr).toContain('waiting up to 3 s for VirtualMachine web-01 to finish being deleted');
  });

  test('gone within the bound: planned again and created', async () => {
    const cluster = await deployed();
    mark(cluster);
    let reads = 0;
    const list = cluster.listReadable.bind(cluster);
    cluster.listReadable = async (...args: Parameters<FakeCluster['listReadable']>) => {
      // The second read finds the VM gone, as after its finalizer was removed.
      if (++reads === 2)
        cluster.existing = cluster.existing.filter(
          (o) => !(o.kind === 'VirtualMachine' && o.metadata.name === 'web-01'),
        );
      return list(...args);
    };
    const r = await run(cluster, {}, { pollMs: 0 });
    expect(r.code).toBe(0);
    expect(sentNames(cluster)).toEqual(['VirtualMachine/web-01']);
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
  });

  test('--dry-run shows it as being deleted, not unchanged', async () => {
    const cluster = await deployed();
    mark(cluster);
    const r = await run(cluster, { dryRun: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('!1 being deleted');
    expect(r.stdout).toContain(
      '  ! VirtualMachine web-01 (being deleted since 2026-12-01T10:00:00Z; deploy waits for it to go, then creates it again)',
    );
  });
});

describe('the VMs go through a server-side dry run before anything is written', () => {
  const REFUSED = {
    reason:
      'admission webhook "virtualmachine-validator.kubevirt.io" denied the request: spec.template.spec.tolerations[0].operator: Unsupported value: "exists"',
    cause: 'other' as const,
  };

  test('a refusal is exit 2 with the reason per VM, and nothing is sent', async () => {
    const cluster = new FakeCluster([], true);
    cluster.dryRunRejects['VirtualMachine/web-01'] = REFUSED;
    cluster.dryRunRejects['VirtualMachine/web-02'] = REFUSED;
    const err = await asyncErrorOf(() => run(cluster));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      `the API server refused 2 VirtualMachines in a server-side dry run; nothing was sent: VirtualMachine web-01: ${REFUSED.reason}\n  also: VirtualMachine web-02: ${REFUSED.reason}`,
    );
    expect(cluster.dryRunCalls.flat().map((m) => m.kind)).toEqual(['VirtualMachine', 'VirtualMachine']);
    expect(writes(cluster)).toEqual([]);
  });

  test('the dry run is dealt to --parallel calls by instance, as the apply is', async () => {
    const cluster = new FakeCluster([], true);
    expect((await run(cluster, { replicas: 20, parallel: 4 })).code).toBe(0);
    expect(cluster.dryRunCalls.map((c) => c.length)).toEqual([5, 5, 5, 5]);
    expect(new Set(cluster.dryRunCalls.flat().map((m) => m.metadata.name)).size).toBe(20);
  });

  test('an update of the VMs is checked too; a redeploy with nothing to change makes no dry run', async () => {
    const cluster = await deployed();
    expect((await run(cluster)).code).toBe(0);
    expect(cluster.calls).toEqual(['list']);
    cluster.dryRunRejects['VirtualMachine/web-02'] = REFUSED;
    const err = await asyncErrorOf(() => run(cluster, { sets: ['cpu=4'] }));
    expect(err.exitCode).toBe(2);
    expect(cluster.calls).toEqual(['list', 'list', 'dry-run']);
  });

  test('each VM is dry-run as it will be written: new ones by create, changed ones by apply', async () => {
    const cluster = await deployed();
    expect((await run(cluster, { replicas: 3, sets: ['cpu=4'], parallel: 4 })).code).toBe(0);
    const byVerb = cluster.dryRunVerbs.map((verb, i) => [
      verb,
      cluster.dryRunCalls[i].map((m) => m.metadata.name),
    ]);
    expect(byVerb).toEqual([
      ['create', ['web-03']],
      ['apply', ['web-01', 'web-02']],
    ]);
  });

  test('a scale-up with a change at --parallel 1 is one dry run: apply of all, one call at a time', async () => {
    const cluster = await deployed();
    expect((await run(cluster, { replicas: 3, sets: ['cpu=4'], parallel: 1 })).code).toBe(0);
    expect(cluster.dryRunVerbs).toEqual(['apply']);
    expect(cluster.dryRunCalls.map((c) => c.map((m) => m.metadata.name).sort())).toEqual([
      ['web-01', 'web-02', 'web-03'],
    ]);
  });

  test('creates and applies share --parallel between them, never more calls in all', async () => {
    const cluster = await deployed({ replicas: 10 });
    expect((await run(cluster, { replicas: 20, sets: ['cpu=4'], parallel: 3 })).code).toBe(0);
    expect(cluster.dryRunCalls.length).toBeLessThanOrEqual(3);
    expect(new Set(cluster.dryRunVerbs)).toEqual(new Set(['create', 'apply']));
    expect(new Set(cluster.dryRunCalls.flat().map((m) => m.metadata.name)).size).toBe(20);
  });

  test('a VM someone created since the read is no refusal of the input: the write says so on its line', async () => {
    const cluster = await deployed();
    cluster.dryRunRejects['VirtualMachine/web-03'] = {
      reason: 'virtualmachines.kubevirt.io "web-03" already exists',
      cause: 'exists',
    };
    cluster.rejects['VirtualMachine/web-03'] = {
      reason: 'virtualmachines.kubevirt.io "web-03" already exists',
      cause: 'exists',
    };
    const r = await run(cluster, { replicas: 3 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[FAILED] VirtualMachine web-03');
    expect(r.stdout).toContain('someone created it after deploy read');
  });
});
