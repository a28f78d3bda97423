// status over a fake cluster: planned instances that are missing, --target, exit codes for cron.
import { status, statusCode } from '../../lib/commands/status.js';
import { textReporter } from '../../lib/report/reporter.js';
import { statusDocument, statusReport } from '../../lib/report/status-report.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { EXAMPLE_WEB, repoRoot } from '../helpers/e2e.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';
import { asyncErrorOf } from '../helpers/workspace.js';

const labels = (name: string) => ({
  'v-auto/managed': 'true',
  'v-auto/project': 'demo',
  'v-auto/spec': 'web',
  'v-auto/name': name,
});
const running = (name: string): K8sObject[] => [
  {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, labels: labels(name) },
    spec: { runStrategy: 'Always' },
    status: { printableStatus: 'Running', ready: true },
  },
  {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name: `${name}-rootdisk`, labels: labels(name) },
    status: { phase: 'Succeeded', progress: '100.0%' },
  },
];

function run(
  objects: K8sObject[],
  extra: { target?: string; replicas?: number; output?: 'table' | 'json'; forbidden?: string[] } = {},
) {
  const cluster = new FakeCluster(objects);
  cluster.forbiddenKinds = extra.forbidden ?? [];
  const output = capture();
  const options = {
    ...EXAMPLE_WEB,
    target: extra.target,
    replicas: extra.replicas,
  };
  const format = extra.output ?? 'table';
  const deps = { toolRoot: repoRoot, env: {}, report: textReporter(output), cluster: () => cluster };
  // What the CLI does with the view: print it in the format asked for, exit by statusCode.
  const done = status(options, deps).then((view) => {
    output.out(format === 'table' ? statusReport(view) : statusDocument(view, format));
    return statusCode(view);
  });
  return { cluster, output, done };
}

test('every planned instance running: exit 0, two calls', async () => {
  const { cluster, output, done } = run([...running('web-01'), ...running('web-02')]);
  expect(await done).toBe(0);
  expect(cluster.calls).toEqual(['list', 'list']);
  expect(output.stdout).toContain('demo/web in namespace vm-demo: 2/2 ready');
});

test('a planned instance that is not deployed makes status exit 1 and shows it', async () => {
  const { output, done } = run(running('web-01'), { output: 'json' });
  expect(await done).toBe(1);
  const doc = JSON.parse(output.stdout);
  expect(doc.ready).toBe(false);
  expect(doc.instances.map((i: { name: string; missing: boolean }) => [i.name, i.missing])).toEqual([
    ['web-01', false],
    ['web-02', true],
  ]);
});

test('nothing deployed at all: said plainly, exit 1 (the events read beside the objects goes unused)', async () => {
  const { cluster, output, done } = run([]);
  expect(await done).toBe(1);
  expect(output.stdout).toBe('nothing deployed for demo/web in namespace vm-demo\n');
  expect(cluster.calls).toEqual(['list', 'list']);
});

test('instances beyond the current replicas are still shown, and reported as surplus', async () => {
  const { output, done } = run([
    ...running('web-01'),
    ...running('web-02'),
    ...running('web-03'),
    ...running('web-04'),
  ]);
  expect(await done).toBe(0);
  expect(output.stdout).toMatch(/^web-03\s+Running/m);
  expect(output.stdout).toContain(
    'web-03, web-04 exist but the spec plans 2 (run deploy --prune to delete them)',
  );
});

test('--target works for a surplus instance', async () => {
  const { output, done } = run([...running('web-01'), ...running('web-02'), ...running('web-05')], {
    target: 'web-05',
  });
  expect(await done).toBe(0);
  expect(output.stdout).toContain('demo/web in namespace vm-demo: 1/1 ready');
  expect(output.stdout).toContain('web-05 exists but the spec plans 2 (run deploy --prune to delete it)');
});

test.each([
  ['WEB_02', '--target WEB_02: not an instance name of demo/web'],
  [
    'web-09',
    '--target web-09: no such instance in demo/web, and none of that name labelled as its own in namespace vm-demo',
  ],
])('--target %s must name an instance of the spec', async (target, message) => {
  const err = await asyncErrorOf(() => run([], { target }).done);
  expect(err.exitCode).toBe(2);
  expect(err.message).toBe(message);
});

test('a user who may not list Secrets (the view role) still gets a status', async () => {
  const { output, done } = run([...running('web-01'), ...running('web-02')], { forbidden: ['Secret'] });
  expect(await done).toBe(0);
  expect(output.stdout).toContain('Secrets: not shown: this user may not list them');
});

test('a VM that would block a node drain is flagged under "Node drains", and stays ready (exit 0)', async () => {
  const [vm, dv] = running('web-01');
  const vmi: K8sObject = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name: 'web-01', labels: labels('web-01') },
    spec: { evictionStrategy: 'LiveMigrate' },
    status: {
      phase: 'Running',
      conditions: [
        {
          type: 'LiveMigratable',
          status: 'False',
          reason: 'DisksNotLiveMigratable',
          message: 'cannot migrate VMI: PVC web-01-rootdisk is not shared',
        },
      ],
    },
  };
  const { output, done } = run([vm, dv, vmi, ...running('web-02')]);
  expect(await done).toBe(0);
  const lines = output.stdout.split('\n');
  const at = lines.indexOf('Node drains:');
  expect(at).toBeGreaterThan(0);
  expect(lines[at + 1]).toBe(
    '  web-01: LiveMigratable is False (DisksNotLiveMigratable: cannot migrate VMI: PVC web-01-rootdisk is not shared), so it cannot live-migrate: under eviction strategy LiveMigrate it might prevent nodes from draining or block an infrastructure upgrade; set eviction_strategy: LiveMigrateIfPossible (or None), or use ReadWriteMany storage',
  );
  expect(lines[at + 2]).not.toMatch(/web-02/);
});

test('the events are read beside the objects, not after them (one round trip less)', async () => {
  const order: string[] = [];
  class Timed extends FakeCluster {
    override async listReadable(...args: Parameters<FakeCluster['listReadable']>) {
      order.push('objects started');
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('objects read');
      return super.listReadable(...args);
    }
    override async list(ns: string, kinds: string[]) {
      order.push(`${kinds.join(',')} started`);
      return super.list(ns, kinds);
    }
  }
  const cluster = new Timed([...running('web-01'), ...running('web-02')]);
  const options = {
    ...EXAMPLE_WEB,
  };
  const view = await status(options, {
    toolRoot: repoRoot,
    env: {},
    report: textReporter(capture()),
    cluster: () => cluster,
  });
  expect(statusCode(view)).toBe(0);
  expect(order).toContain('Event started');
  expect(order.indexOf('Event started')).toBeLessThan(order.indexOf('objects read'));
});

describe('a stopped VM is counted as what it is, from the spec run_strategy, not the live one', () => {
  const [vm, disk] = running('web-02');
  const halted = (annotations?: Record<string, string>): K8sObject[] => [
    {
      ...vm,
      metadata: { ...vm.metadata, ...(annotations ? { annotations } : {}) },
      spec: { runStrategy: 'Halted' },
      status: { printableStatus: 'Stopped', ready: false },
    },
    disk,
  ];

  test('halted from the console or virtctl stop (no v-auto/stopped-at): not ready, exit 1', async () => {
    const { output, done } = run([...running('web-01'), ...halted()]);
    expect(await done).toBe(1);
    expect(output.stdout).toContain(
      'demo/web in namespace vm-demo: 1/2 ready (1 running, 1 stopped outside v-auto)',
    );
  });

  test('stopped by v-auto stop: counted apart, exit 0', async () => {
    const { output, done } = run([
      ...running('web-01'),
      ...halted({ 'v-auto/stopped-at': '2026-12-01T10:00:00Z' }),
    ]);
    expect(await done).toBe(0);
    expect(output.stdout).toContain(
      'demo/web in namespace vm-demo: 2/2 ready (1 running, 1 stopped by v-auto stop)',
    );
  });

  test('-o json says how each instance stands', async () => {
    const { output, done } = run([...running('web-01'), ...halted()], { output: 'json' });
    expect(await done).toBe(1);
    const doc = JSON.parse(output.stdout);
    expect(doc.ready).toBe(false);
    expect(doc.instances.map((i: { run: string; ready: boolean }) => [i.run, i.ready])).toEqual([
      ['running', true],
      ['stopped-outside', false],
    ]);
  });
});
