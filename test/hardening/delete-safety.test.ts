// delete removes exactly this project/spec's labeled objects: other projects, other specs, unlabeled
// look-alikes and disks (with --keep-disks) survive; a shared NAD goes only when no VM uses it.
import { readFileSync, rmSync } from 'node:fs';
import { acquireSharedNetworkLock } from '../../lib/cli/workspace-lock.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { exampleHome, runVAuto, stackLines, until, writes, type RunOutcome } from '../helpers/e2e.js';

const NS = 'vm-demo';
const managed = (project: string, spec: string, name: string) => ({
  'v-auto/managed': 'true',
  'v-auto/project': project,
  'v-auto/spec': spec,
  'v-auto/name': name,
});

function vm(name: string, labels: Record<string, string> | undefined, networks: string[] = []) {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
    spec: {
      runStrategy: 'Halted',
      template: {
        spec: {
          domain: {
            devices: { interfaces: networks.map((n) => ({ name: n, bridge: {} })) },
            resources: { requests: { memory: '1Gi' } },
          },
          networks: networks.map((n) => ({ name: n, multus: { networkName: n } })),
        },
      },
    },
  };
}

function pvc(name: string, labels?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
}

function secret(name: string, labels?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
    data: { userdata: Buffer.from('#cloud-config\n').toString('base64') },
  };
}

/** `Kind/name` of every object of the managed kinds in the namespace. */
function inventory(sim: Simulator): string[] {
  return ['VirtualMachine', 'DataVolume', 'PersistentVolumeClaim', 'Secret', 'NetworkAttachmentDefinition']
    .flatMap((k) => sim.list(k, NS).map((o) => `${k}/${o.metadata.name}`))
    .sort();
}

function deleted(r: RunOutcome): string[] {
  return [...r.stdout.matchAll(/^\[DELETED\] (\S+) (\S+)/gm)].map((m) => `${m[1]}/${m[2]}`).sort();
}

describe('delete safety', () => {
  let sim: Simulator;
  let home: string;
  let dir: string;
  const v = (args: string[]) =>
    runVAuto(['--home', home, '--kubeconfig', sim.kubeconfigPath, ...args], {
      env: { V_AUTO_PASSWORD: 'Delete-Pa55word' },
    });

  // Objects that must survive every delete of demo/web and demo/db in this file.
  const bystanders = [
    vm('web-07', managed('other', 'web', 'web-07')), // another project, same spec name and name pattern
    secret('web-07-cloud-init', managed('other', 'web', 'web-07')),
    pvc('web-07-rootdisk', managed('other', 'web', 'web-07')),
    vm('api-01', managed('demo', 'api', 'api-01')), // another spec of the same project
    vm('web-01-backup', undefined), // unlabeled, similar but not one of our names
    vm('webserver-01', undefined),
    pvc('web-1-rootdisk', undefined),
    // Numbers the planner never gives (it writes web-01 … web-99, web-100 … web-1000).
    vm('web-010', undefined),
    vm('web-00', undefined),
    pvc('web-0001-rootdisk', undefined),
    secret('web-99999-cloud-init', undefined),
  ];
  const keys = bystanders.map((o) => `${o.kind}/${o.metadata.name}`);

  beforeAll(async () => {
    sim = await startSimulator({ timings: { importStepMs: 5, vmStepMs: 5 } });
    ({ dir, home } = exampleHome());
    expect((await v(['demo', 'web', 'deploy', '--yes', '--replicas', '3'])).code).toBe(0);
    expect((await v(['demo', 'db', 'deploy', '--yes'])).code).toBe(0);
    await sim.settle();
    for (const o of bystanders) sim.put(o);
    // Leftovers of demo/web that lost their labels: a VM and disk of an old web-05, and web-03's Secret.
    sim.put(vm('web-05', { app: 'web' }));
    sim.put(pvc('web-05-rootdisk'));
    const stripped = sim.get('Secret', NS, 'web-03-cloud-init');
    delete stripped.metadata.labels;
    sim.put(stripped);
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const versions = () =>
    Object.fromEntries(
      bystanders.map((o) => [
        `${o.kind}/${o.metadata.name}`,
        sim.get(o.kind, NS, o.metadata.name)?.metadata.resourceVersion,
      ]),
    );

  test('--keep-disks deletes one instance but keeps its DataVolume and PVC', async () => {
    const r = await v(['demo', 'web', 'delete', '--target', 'web-02', '--keep-disks', '--yes']);
    expect(r.code).toBe(0);
    expect(deleted(r)).toEqual([
      'NetworkAttachmentDefinition/web-02-lan',
      'Secret/web-02-cloud-init',
      'VirtualMachine/web-02',
    ]);
    expect(r.stdout).toContain(
      'Keeping 2 disk object(s) (--keep-disks): DataVolume web-02-rootdisk, PersistentVolumeClaim web-02-rootdisk',
    );
    expect(inventory(sim)).toEqual(
      expect.arrayContaining(['DataVolume/web-02-rootdisk', 'PersistentVolumeClaim/web-02-rootdisk']),
    );
  });

  test('delete of demo/web removes only its labeled objects and lists the unlabeled matches it keeps', async () => {
    const before = versions();
    sim.clearRequests();
    // The spec as it was when web-05 existed: only planned instances' leftovers are this spec's.
    const r = await v(['demo', 'web', 'delete', '--yes', '--replicas', '5']);
    expect(r.code).toBe(0);
    expect(stackLines(r.stderr)).toEqual([]);
    // Disks are listed before anything goes.
    expect(r.stdout).toMatch(/PersistentVolumeClaim\s+web-01-rootdisk\s+Bound\s+disk data/);
    expect(r.stdout.indexOf('disk data')).toBeLessThan(r.stdout.indexOf('[DELETED]'));
    expect(r.stdout).toMatch(
      /Unlabeled matches, kept \(add --include-unlabeled to delete them\): .*VirtualMachine web-05/,
    );
    expect(r.stdout).toMatch(/Unlabeled matches, kept .*PersistentVolumeClaim web-05-rootdisk/);
    expect(r.stdout).toMatch(/Unlabeled matches, kept .*Secret web-03-cloud-init/);
    expect(r.stdout).not.toMatch(
      /web-07|api-01|web-01-backup|webserver-01|web-1-rootdisk|db-01|office|web-010|web-00\b|web-0001|web-99999/,
    );

    const after = inventory(sim);
    expect(after.filter((k) => /\/web-0[123](-rootdisk|-cloud-init|-lan)?$/.test(k))).toEqual([
      'Secret/web-03-cloud-init',
    ]);
    expect(after).toEqual(
      expect.arrayContaining([
        ...keys,
        'VirtualMachine/web-05',
        'PersistentVolumeClaim/web-05-rootdisk',
        'VirtualMachine/db-01',
        'NetworkAttachmentDefinition/office',
      ]),
    );
    // Not touched at all: no write reached them, their resourceVersion is unchanged.
    expect(versions()).toEqual(before);
    const writes = sim.requests.filter((q) => q.method !== 'GET');
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.path).toMatch(/\/web-0[123](-rootdisk|-cloud-init|-lan)?$/);
  });

  test('--include-unlabeled also deletes the exact leftovers of our instance names, and nothing similar', async () => {
    const before = versions();
    const r = await v(['demo', 'web', 'delete', '--yes', '--include-unlabeled', '--replicas', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/VirtualMachine\s+web-05\s+\S+\s+unlabeled match/);
    expect(deleted(r)).toEqual([
      'PersistentVolumeClaim/web-05-rootdisk',
      'Secret/web-03-cloud-init',
      'VirtualMachine/web-05',
    ]);
    expect(inventory(sim)).toEqual(expect.arrayContaining(keys));
    expect(versions()).toEqual(before);
  });

  test.each(['web-010', 'web-00', 'web-0001', 'web-99999'])(
    '--target %s (a name v-auto never gives) is exit 2 with no cluster call',
    async (target) => {
      const r = await v(['demo', 'web', 'delete', '--target', target, '--yes']);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`v-auto: --target ${target}: not an instance name of demo/web`);
      expect(r.calls).toEqual([]);
      expect(inventory(sim)).toEqual(expect.arrayContaining(keys));
    },
  );

  test('a shared NAD is kept while another VM attaches it, and deleted with the last user', async () => {
    sim.put(vm('reporting-01', managed('other', 'reporting', 'reporting-01'), ['office']));
    const first = await v(['demo', 'db', 'delete', '--yes']);
    expect(first.code).toBe(0);
    expect(deleted(first)).toEqual([
      'DataVolume/db-01-rootdisk',
      'PersistentVolumeClaim/db-01-rootdisk',
      'Secret/db-01-cloud-init',
      'VirtualMachine/db-01',
    ]);
    expect(first.stdout).toContain(
      'Keeping shared network attachment(s) still in use: office (VirtualMachine reporting-01)',
    );
    expect(sim.get('NetworkAttachmentDefinition', NS, 'office')).toBeDefined();

    sim.remove('VirtualMachine', NS, 'reporting-01');
    await sim.settle(); // KubeVirt's VM finalizer: the VM goes once the controller has stopped it
    const second = await v(['demo', 'db', 'delete', '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /NetworkAttachmentDefinition\s+office\s+\S+\s+shared, no VM uses it any more/,
    );
    expect(deleted(second)).toEqual(['NetworkAttachmentDefinition/office']);
    expect(inventory(sim)).toEqual(expect.arrayContaining(keys));
  });

  test('a shared NAD is kept while a VM in another namespace or a Pod attaches it', async () => {
    expect((await v(['demo', 'db', 'deploy', '--yes'])).code).toBe(0);
    const elsewhere = {
      ...vm('batch-01', managed('other', 'batch', 'batch-01'), ['vm-demo/office']),
      metadata: { name: 'batch-01', namespace: 'batch' },
    };
    sim.put(elsewhere);
    const first = await v(['demo', 'db', 'delete', '--yes']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'Keeping shared network attachment(s) still in use: office (VirtualMachine batch/batch-01)',
    );
    expect(sim.get('NetworkAttachmentDefinition', NS, 'office')).toBeDefined();
    sim.remove('VirtualMachine', 'batch', 'batch-01');
    await sim.settle(); // KubeVirt's VM finalizer: the VM goes once the controller has stopped it

    expect((await v(['demo', 'db', 'deploy', '--yes'])).code).toBe(0);
    sim.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'probe',
        namespace: NS,
        annotations: { 'k8s.v1.cni.cncf.io/networks': 'office@net1' },
      },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const second = await v(['demo', 'db', 'delete', '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      'Keeping shared network attachment(s) still in use: office (Pod vm-demo/probe)',
    );
    expect(sim.get('NetworkAttachmentDefinition', NS, 'office')).toBeDefined();
    sim.remove('Pod', NS, 'probe');
  });

  test('a deploy that attaches the shared NAD while delete decides keeps it: the decision is re-checked under the project lock', async () => {
    expect((await v(['demo', 'db', 'deploy', '--yes'])).code).toBe(0);
    // Another run holds the project's shared-network lock (as a deploy of another spec does while it applies).
    const release = await acquireSharedNetworkLock(home, 'demo', { waitMs: 0 });
    let calls = '';
    const running = runVAuto(
      ['--home', home, '--kubeconfig', sim.kubeconfigPath, 'demo', 'db', 'delete', '--yes'],
      {
        env: { V_AUTO_LOCK_WAIT_MS: '20000' },
        started: (_child, log) => (calls = log),
      },
    );
    // The delete has listed the namespace and now waits for the lock: meanwhile the other run adds a VM on the NAD.
    await until(
      () => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length >= 1,
      15_000,
      'the read of the namespace',
    );
    await new Promise((r) => setTimeout(r, 500));
    sim.put(vm('api-02', managed('demo', 'api', 'api-02'), ['office']));
    release();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Keeping shared network attachment(s) still in use: office (VirtualMachine vm-demo/api-02)',
    );
    expect(sim.get('NetworkAttachmentDefinition', NS, 'office')).toBeDefined();
    expect(deleted(r)).toEqual([
      'DataVolume/db-01-rootdisk',
      'PersistentVolumeClaim/db-01-rootdisk',
      'Secret/db-01-cloud-init',
      'VirtualMachine/db-01',
    ]);
    sim.remove('VirtualMachine', NS, 'api-02');
    await sim.settle(); // KubeVirt's VM finalizer: the VM goes once the controller has stopped it
  });

  test('a deploy that attaches a shared NAD waits for the project lock, and gives up with exit 4 before applying', async () => {
    const release = await acquireSharedNetworkLock(home, 'demo', { waitMs: 0 });
    try {
      const r = await runVAuto(
        ['--home', home, '--kubeconfig', sim.kubeconfigPath, 'demo', 'db', 'deploy', '--yes'],
        { env: { V_AUTO_LOCK_WAIT_MS: '300' } },
      );
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^v-auto: the shared networks of project demo are busy: process \d+ on /);
      expect(r.calls.filter(writes)).toEqual([]);
    } finally {
      release();
    }
    const after = await v(['demo', 'db', 'delete', '--yes']);
    expect(after.code).toBe(0);
    expect(deleted(after)).toContain('NetworkAttachmentDefinition/office');
  });

  test('a deploy applies the shared NAD once it holds the project lock: one deleted while it waited is created again', async () => {
    expect((await v(['demo', 'db', 'deploy', '--yes'])).code).toBe(0);
    // Another run holds the project's shared-network lock (a delete of another spec deciding on the NAD).
    const release = await acquireSharedNetworkLock(home, 'demo', { waitMs: 0 });
    let calls = '';
    const running = runVAuto(
      [
        ...['--home', home, '--kubeconfig', sim.kubeconfigPath],
        ...['demo', 'db', 'deploy', '--yes', '--replicas', '2'],
      ],
      {
        env: { V_AUTO_LOCK_WAIT_MS: '60000', V_AUTO_PASSWORD: 'Delete-Pa55word' },
        started: (_child, log) => (calls = log),
      },
    );
    // The server's dry run of db-02 comes after the plan (which found the NAD unchanged) and before
    // the lock: from then on the deploy waits, while the other run deletes the NAD as unused.
    await until(
      () => calls !== '' && readFileSync(calls, 'utf8').includes('--dry-run=server'),
      30_000,
      'the server dry run of the new VM',
    );
    sim.remove('NetworkAttachmentDefinition', NS, 'office');
    release();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SUCCESS] NetworkAttachmentDefinition office (created)');
    expect(sim.get('NetworkAttachmentDefinition', NS, 'office')).toBeDefined();
    // The NAD went first, alone, before the VM that attaches it.
    const sent = r.calls.filter(writes);
    expect(sent[0]).toMatch(/^apply /);
    expect(sent).toHaveLength(2);
    expect((await v(['demo', 'db', 'delete', '--yes'])).code).toBe(0);
  });

  test('a delete that finds nothing says so and exits 0; the bystanders are all still there', async () => {
    const r = await v(['demo', 'web', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to delete for demo/web in namespace vm-demo');
    expect(inventory(sim)).toEqual(expect.arrayContaining(keys));
  });

  test('the label selector v-auto sends always holds managed, project and spec', async () => {
    const r = await v(['demo', 'web', 'status', '--target', 'web-01']);
    // A raw read's query, or a get's -l.
    const selectors = r.calls
      .flatMap((c) => [/labelSelector=([^&\s]+)/.exec(c)?.[1], / -l (\S+)/.exec(c)?.[1]])
      .filter((s): s is string => s !== undefined)
      .map(decodeURIComponent);
    expect(selectors.length).toBeGreaterThan(0);
    for (const s of selectors)
      expect(s.split(',')).toEqual(
        expect.arrayContaining(['v-auto/managed=true', 'v-auto/project=demo', 'v-auto/spec=web']),
      );
  });
});
