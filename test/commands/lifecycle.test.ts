// start, stop and the rolling restart over a fake cluster client: order, batches, --pending, a VM that does not come back.
import type { ClusterDeps } from '../../lib/commands/cluster-deps.js';
import { restart, startStop, type RestartOptions } from '../../lib/commands/lifecycle.js';
import type { ObjectOutcome, ObjectRef } from '../../lib/cluster/cluster-client.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { EXAMPLE_WEB, repoRoot } from '../helpers/e2e.js';
import { textReporter } from '../../lib/report/reporter.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';

const spec = EXAMPLE_WEB;
const LABELS = { 'v-auto/managed': 'true', 'v-auto/project': 'demo', 'v-auto/spec': 'web' };

function vm(
  name: string,
  extra: { runStrategy?: string; pending?: boolean; annotations?: Record<string, string> } = {},
): K8sObject {
  const conditions = [
    { type: 'Ready', status: 'True' },
    ...(extra.pending ? [{ type: 'RestartRequired', status: 'True' }] : []),
  ];
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, labels: { ...LABELS, 'v-auto/name': name }, annotations: extra.annotations },
    spec: { runStrategy: extra.runStrategy ?? 'Always' },
    status: { printableStatus: 'Running', ready: true, conditions },
  };
}
// KubeVirt gives a VMI the labels of its VM's template, which v-auto renders with the VM's own.
const vmi = (name: string, uid = `${name}-uid-0`, labels: Record<string, string> = LABELS): K8sObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: { name, uid, labels: { ...labels, 'v-auto/name': name } },
});

/**
 * A cluster whose VM controller brings a deleted VMI back, as a new one, `pollsToReturn` lists
 * later, and the VM Ready with it; the VMs in `stuck` never come back. Records each delete's names.
 */
class RollingCluster extends FakeCluster {
  deletes: string[][] = [];
  stuck = new Set<string>();
  private restarting = new Map<string, number>();
  private uids = 0;
  constructor(
    objects: K8sObject[],
    private readonly pollsToReturn = 2,
  ) {
    super(objects);
  }
  async delete(ns: string, refs: ObjectRef[]): Promise<ObjectOutcome[]> {
    const outcomes = await super.delete(ns, refs);
    this.deletes.push(refs.map((r) => r.name));
    for (const o of outcomes.filter((x) => x.result !== 'failed')) {
      const v = this.vmNamed(o.name);
      v.status = { ...v.status, printableStatus: 'Starting', ready: false };
      this.restarting.set(o.name, this.pollsToReturn);
    }
    return outcomes;
  }
  async list(ns: string, kinds: string[]): Promise<K8sObject[]> {
    for (const [name, left] of this.restarting) {
      if (this.stuck.has(name)) continue;
      if (left > 1) this.restarting.set(name, left - 1);
      else {
        this.restarting.delete(name);
        this.existing.push(vmi(name, `${name}-uid-${++this.uids}`));
        const v = this.vmNamed(name);
        v.status = {
          printableStatus: 'Running',
          ready: true,
          conditions: [{ type: 'Ready', status: 'True' }],
        };
      }
    }
    return super.list(ns, kinds);
  }
  private vmNamed(name: string): K8sObject {
    return this.existing.find((o) => o.kind === 'VirtualMachine' && o.metadata.name === name)!;
  }
}

/** Deps with a clock that moves one second per read, so that --wait runs out without sleeping. */
function depsFor(cluster: FakeCluster): { deps: ClusterDeps; output: ReturnType<typeof capture> } {
  const output = capture();
  let now = 0;
  return {
    output,
    deps: {
      toolRoot: repoRoot,
      env: {},
      report: textReporter(output),
      cluster: () => cluster,
      pollMs: 0,
      now: () => (now += 1000),
    },
  };
}

const roll = (options: Partial<RestartOptions> = {}): RestartOptions => ({
  batch: 1,
  pending: false,
  wait: 600,
  ...options,
});
const running = (...names: string[]) => names.flatMap((n) => [vm(n), vmi(n)]);

describe('restart', () => {
  test('rolls in instance order (web-2 before web-10), one batch of --batch VMs at a time, each Ready before the next', async () => {
    // Listed out of order, and named so that a plain string sort would put web-10 first.
    const cluster = new RollingCluster(running('web-10', 'web-03', 'web-01', 'web-2', 'web-04'));
    const { deps, output } = depsFor(cluster);
    expect(await restart({ ...spec, ...roll({ batch: 2 }) }, deps)).toBe(0);
    expect(cluster.deletes).toEqual([['web-01', 'web-2'], ['web-03', 'web-04'], ['web-10']]);
    // Between two deletes, the polls until the batch is back (2 lists here): never two deletes in a row.
    const afterFirst = cluster.calls.slice(cluster.calls.indexOf('delete'));
    expect(afterFirst).toEqual([
      'delete',
      'list',
      'list',
      'delete',
      'list',
      'list',
      'delete',
      'list',
      'list',
    ]);
    expect(output.stdout).toBe(
      ['web-01', 'web-2', 'web-03', 'web-04', 'web-10']
        .map((n) => `[RESTARTED] VirtualMachine ${n}`)
        .join('\n') + '\n5 restarted, 0 skipped, 0 failed\n',
    );
  });

  test('--pending restarts only the VMs whose RestartRequired is True; the others are SKIPPED', async () => {
    const cluster = new RollingCluster([
      vm('web-01', { pending: true }),
      vmi('web-01'),
      vm('web-02'),
      vmi('web-02'),
      vm('web-03', { pending: true }),
      vmi('web-03'),
    ]);
    const { deps, output } = depsFor(cluster);
    expect(await restart({ ...spec, ...roll({ pending: true, batch: 5 }) }, deps)).toBe(0);
    expect(cluster.deletes).toEqual([['web-01', 'web-03']]);
    expect(output.stdout).toContain('[SKIPPED] VirtualMachine web-02 (no restart pending)');
    expect(output.stdout).toContain('2 restarted, 1 skipped, 0 failed');
  });

  test('a VM that does not come back within --wait stops the roll with exit 1, naming it; later batches are left alone', async () => {
    const cluster = new RollingCluster(running('web-01', 'web-02', 'web-03', 'web-04'));
    cluster.stuck.add('web-02');
    const { deps, output } = depsFor(cluster);
    expect(await restart({ ...spec, ...roll({ wait: 5 }) }, deps)).toBe(1);
    expect(cluster.deletes).toEqual([['web-01'], ['web-02']]);
    expect(output.stdout).toContain('[RESTARTED] VirtualMachine web-01');
    expect(output.stdout).toContain('[FAILED] VirtualMachine web-02 (not Ready again within 5 s (Starting))');
    expect(output.stdout).toContain(
      'hint: the roll stopped here; see "v-auto demo web status --target web-02"',
    );
    expect(output.stdout).not.toMatch(/VirtualMachine web-0[34]/);
    expect(output.stdout).toContain('1 restarted, 0 skipped, 1 failed');
    expect(output.stdout.trimEnd().split('\n').pop()).toBe('roll stopped; not restarted: web-03, web-04');
    // web-03 and web-04 still run their first VMI.
    expect(
      cluster.existing.filter((o) => o.kind === 'VirtualMachineInstance').map((o) => o.metadata.uid),
    ).toEqual(expect.arrayContaining(['web-03-uid-0', 'web-04-uid-0']));
  });

  test('a delete the cluster refuses fails that VM and stops the roll there', async () => {
    const cluster = new RollingCluster(running('web-01', 'web-02'));
    cluster.rejects['VirtualMachineInstance/web-01'] = {
      reason: 'virtualmachineinstances.kubevirt.io "web-01" is forbidden',
      cause: 'forbidden',
    };
    const { deps, output } = depsFor(cluster);
    expect(await restart({ ...spec, ...roll() }, deps)).toBe(1);
    expect(cluster.deletes).toEqual([['web-01']]);
    expect(output.stdout).toContain(
      '[FAILED] VirtualMachine web-01 (virtualmachineinstances.kubevirt.io "web-01" is forbidden)',
    );
    expect(output.stdout).toContain('roll stopped; not restarted: web-02');
  });

  test('VMs that are not running, or whose runStrategy would not start a new VMI, are SKIPPED with the reason, never deleted', async () => {
    const cluster = new RollingCluster([
      vm('web-01', { runStrategy: 'RerunOnFailure' }),
      vmi('web-01'),
      vm('web-02', { runStrategy: 'Halted' }),
      ...running('web-03'),
    ]);
    const { deps, output } = depsFor(cluster);
    expect(await restart({ ...spec, ...roll() }, deps)).toBe(0);
    expect(cluster.deletes).toEqual([['web-03']]);
    expect(output.stdout).toContain(
      '[SKIPPED] VirtualMachine web-01 (runStrategy RerunOnFailure: its VMI would not be started again; use virtctl restart web-01)',
    );
    expect(output.stdout).toContain('[SKIPPED] VirtualMachine web-02 (not running)');
  });

  test('no VM of the spec: exit 1 saying so, nothing deleted', async () => {
    const cluster = new RollingCluster([]);
    const { deps, output } = depsFor(cluster);
    expect(await restart({ ...spec, ...roll() }, deps)).toBe(1);
    expect(cluster.deletes).toEqual([]);
    expect(output.stdout).toBe('no VirtualMachine of demo/web in namespace vm-demo\n');
  });
});

describe('start and stop', () => {
  test("stop reads the spec's VMs by its labels: another spec's VM in the namespace is neither listed nor patched", async () => {
    const dbLabels = { ...LABELS, 'v-auto/spec': 'db' };
    const db: K8sObject = {
      ...vm('db-01'),
      metadata: { name: 'db-01', labels: { ...dbLabels, 'v-auto/name': 'db-01' } },
    };
    const cluster = new FakeCluster([...running('web-01'), db, vmi('db-01', undefined, dbLabels)]);
    const { deps, output } = depsFor(cluster);
    expect(await startStop('stop', spec, deps)).toBe(0);
    expect(cluster.patches.map((p) => p.ref.name)).toEqual(['web-01']);
    expect(output.stdout).not.toContain('db-01');
  });

  test('stop: one merge patch per VM (runStrategy Halted, running removed, the stopped-at annotation); an already stopped VM is SKIPPED', async () => {
    const cluster = new FakeCluster([
      ...running('web-01'),
      vm('web-02', { runStrategy: 'Halted', annotations: { 'v-auto/stopped-at': '2026-12-01T10:00:00Z' } }),
    ]);
    const { deps, output } = depsFor(cluster);
    expect(await startStop('stop', spec, deps)).toBe(0);
    expect(cluster.patches).toEqual([
      {
        ref: { kind: 'VirtualMachine', name: 'web-01' },
        patch: {
          metadata: { annotations: { 'v-auto/stopped-at': '1970-01-01T00:00:01Z' } },
          spec: { running: null, runStrategy: 'Halted' },
        },
      },
    ]);
    expect(output.stdout).toBe(
      '[STOPPED] VirtualMachine web-01 (runStrategy Halted, stays stopped across deploys until start)\n' +
        '[SKIPPED] VirtualMachine web-02 (already stopped by v-auto stop at 2026-12-01T10:00:00Z)\n' +
        '1 stopped, 1 skipped, 0 failed\n',
    );
  });

  test("start: the spec's run_strategy back and the annotation removed; a running VM is SKIPPED; a refused patch is FAILED, exit 1", async () => {
    const cluster = new FakeCluster([
      ...running('web-01'),
      vm('web-02', { runStrategy: 'Halted', annotations: { 'v-auto/stopped-at': '2026-12-01T10:00:00Z' } }),
      vm('web-03', { runStrategy: 'Halted' }),
    ]);
    cluster.rejects['VirtualMachine/web-03'] = {
      reason: 'admission webhook denied the request',
      cause: 'other',
    };
    const { deps, output } = depsFor(cluster);
    expect(await startStop('start', spec, deps)).toBe(1);
    expect(cluster.patches.map((p) => p.patch)).toEqual([
      {
        metadata: { annotations: { 'v-auto/stopped-at': null } },
        spec: { running: null, runStrategy: 'Always' },
      },
      {
        metadata: { annotations: { 'v-auto/stopped-at': null } },
        spec: { running: null, runStrategy: 'Always' },
      },
    ]);
    expect(cluster.existing.find((o) => o.metadata.name === 'web-02')!.metadata.annotations).toEqual({});
    expect(output.stdout).toBe(
      '[SKIPPED] VirtualMachine web-01 (already running)\n' +
        '[STARTED] VirtualMachine web-02 (runStrategy Always)\n' +
        '[FAILED] VirtualMachine web-03 (admission webhook denied the request)\n' +
        '1 started, 1 skipped, 1 failed\n',
    );
  });

  describe('run_strategy Manual: a VM starts only through the start subresource', () => {
    const manualSpec = { ...spec, sets: ['run_strategy=Manual'] };

    test('a stopped VM is patched (annotation off) and asked to start; one already running is SKIPPED', async () => {
      const cluster = new FakeCluster([
        ...running('web-01').map((o) =>
          o.kind === 'VirtualMachine' ? { ...o, spec: { runStrategy: 'Manual' } } : o,
        ),
        vm('web-02', { runStrategy: 'Halted', annotations: { 'v-auto/stopped-at': '2026-12-01T10:00:00Z' } }),
      ]);
      const { deps, output } = depsFor(cluster);
      expect(await startStop('start', manualSpec, deps)).toBe(0);
      expect(cluster.starts).toEqual(['web-02']);
      expect(output.stdout).toBe(
        '[SKIPPED] VirtualMachine web-01 (already running)\n' +
          '[STARTED] VirtualMachine web-02 (runStrategy Manual, started through the start subresource)\n' +
          '1 started, 1 skipped, 0 failed\n',
      );
    });

    test("a refused start request is FAILED with the server's reason and what to ask for, exit 1", async () => {
      const cluster = new FakeCluster([
        vm('web-01', { runStrategy: 'Manual' }),
        vm('web-02', { runStrategy: 'Manual' }),
      ]);
      cluster.startRejects['*'] = {
        reason:
          'virtualmachines.subresources.kubevirt.io "web-01" is forbidden: User "dev" cannot update resource "virtualmachines/start" in API group "subresources.kubevirt.io" in the namespace "vm-demo"',
        cause: 'forbidden',
        denied: { verb: 'update', resource: 'virtualmachines/start', namespace: 'vm-demo' },
      };
      const { deps, output } = depsFor(cluster);
      expect(await startStop('start', manualSpec, deps)).toBe(1);
      expect(output.stdout).toContain(
        '[FAILED] VirtualMachine web-01 (runStrategy Manual: the start subresource refused: virtualmachines.subresources.kubevirt.io "web-01" is forbidden',
      );
      expect(output.stdout).toContain('ask a cluster admin for "update" on virtualmachines/start');
      expect(output.stdout).toContain('0 skipped, 2 failed');
    });
  });
});
