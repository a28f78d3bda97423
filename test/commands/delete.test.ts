// delete over a fake cluster: what is selected, what is refused before any call.
import { attachesNad, deleteSpec, type DeleteOptions } from '../../lib/commands/delete.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { EXAMPLE_WEB, repoRoot } from '../helpers/e2e.js';
import { textReporter } from '../../lib/report/reporter.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';
import { asyncErrorOf } from '../helpers/workspace.js';

const labels = (name: string, spec = 'web', project = 'demo') => ({
  'v-auto/managed': 'true',
  'v-auto/project': project,
  'v-auto/spec': spec,
  'v-auto/name': name,
});
const o = (kind: string, name: string, l?: Record<string, string>): K8sObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, labels: l },
});

const objects = [
  o('VirtualMachine', 'web-01', labels('web-01')),
  o('PersistentVolumeClaim', 'web-01-rootdisk', labels('web-01')),
  o('Secret', 'web-01-cloud-init', labels('web-01')),
  o('VirtualMachine', 'web-02', labels('web-02')),
  o('Secret', 'web-02-cloud-init'), // lost its labels
  // Named like instances the spec does not plan (replicas: 2): made by hand, or another team's.
  o('VirtualMachine', 'web-07'),
  o('PersistentVolumeClaim', 'web-07-rootdisk'),
  o('VirtualMachine', 'web-999'),
  o('VirtualMachine', 'web-01-backup'), // only looks alike
  o('VirtualMachine', 'web-03', labels('web-03', 'web', 'other')), // another project
  o('VirtualMachine', 'db-01', labels('db-01', 'db')), // another spec
];

function run(
  options: Partial<DeleteOptions>,
  confirm?: (q: string) => Promise<boolean>,
  existing: K8sObject[] = objects,
) {
  const cluster = new FakeCluster(existing);
  const output = capture();
  const all: DeleteOptions = {
    ...EXAMPLE_WEB,
    dryRun: false,
    yes: true,
    keepDisks: false,
    includeUnlabeled: false,
    ...options,
  };
  return {
    cluster,
    output,
    done: deleteSpec(all, {
      toolRoot: repoRoot,
      env: {},
      report: textReporter(output),
      confirm,
      cluster: () => cluster,
    }),
  };
}

test("only this spec's labelled objects go, VMs first; leftovers are listed and kept", async () => {
  const { cluster, output, done } = run({});
  expect(await done).toBe(0);
  expect(cluster.calls).toEqual(['list', 'delete']);
  expect(cluster.deleted.map((r) => `${r.kind}/${r.name}`)).toEqual([
    'VirtualMachine/web-01',
    'VirtualMachine/web-02',
    'PersistentVolumeClaim/web-01-rootdisk',
    'Secret/web-01-cloud-init',
  ]);
  expect(output.stdout).toContain(
    'Unlabeled matches, kept (add --include-unlabeled to delete them): Secret web-02-cloud-init\n',
  );
});

test('--include-unlabeled takes exact names of planned instances only; --keep-disks keeps the PVC', async () => {
  const { cluster, done } = run({ includeUnlabeled: true, keepDisks: true });
  await done;
  expect(cluster.deleted.map((r) => r.name)).toEqual([
    'web-01',
    'web-02',
    'web-01-cloud-init',
    'web-02-cloud-init',
  ]);
});

test('an instance name with some v-auto owner label is not unlabeled: --include-unlabeled leaves it, as --adopt does', async () => {
  // Whatever carries an owner label (here a project's, without v-auto/managed) is someone's: deploy
  // calls it foreign and never adopts it, and delete must not take it as a leftover either.
  const half = o('PersistentVolumeClaim', 'web-02-rootdisk', { 'v-auto/project': 'other' });
  const { cluster, done } = run({ includeUnlabeled: true }, undefined, [...objects, half]);
  expect(await done).toBe(0);
  expect(cluster.deleted.map((r) => r.name)).toContain('web-02-cloud-init');
  expect(cluster.deleted.map((r) => r.name)).not.toContain('web-02-rootdisk');
});

test.each([
  [
    'no --yes and no terminal',
    { yes: false },
    'refusing to delete without confirmation: no terminal to ask on',
  ],
  [
    'a --target that is no instance name',
    { target: 'WEB_02' },
    '--target WEB_02: not an instance name of demo/web',
  ],
])('%s: exit 2 before any cluster call', async (_label, options, message) => {
  const { cluster, done } = run(options);
  const err = await asyncErrorOf(() => done);
  expect(err.exitCode).toBe(2);
  expect(err.message).toBe(message);
  expect(cluster.calls).toEqual([]);
});

test('--dry-run lists without a terminal and deletes nothing', async () => {
  const { cluster, output, done } = run({ yes: false, dryRun: true });
  expect(await done).toBe(0);
  expect(cluster.calls).toEqual(['list']);
  expect(output.stdout).toContain('Would delete from namespace vm-demo:');
});

test('a declined confirmation deletes nothing', async () => {
  const { cluster, done } = run({ yes: false }, async () => false);
  expect(await done).toBe(0);
  expect(cluster.calls).toEqual(['list']);
});

describe('only names the planner produces are instance names', () => {
  const lookAlikes = ['web-00', 'web-010', 'web-0001', 'web-99999', 'web-1', 'web-001', 'web-1001'];
  test.each(lookAlikes)('--target %s is exit 2 before any cluster call', async (target) => {
    const { cluster, done } = run({ target });
    const err = await asyncErrorOf(() => done);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`--target ${target}: not an instance name of demo/web`);
    expect(cluster.calls).toEqual([]);
  });

  test.each(['web-01', 'web-02'])('--target %s is accepted', async (target) => {
    const { cluster, done } = run({ target });
    expect(await done).toBe(0);
    expect(cluster.calls[0]).toBe('list');
  });

  // As status and deploy: not planned and not found is a typo or the wrong spec, not a success.
  test.each(['web-99', 'web-100', 'web-1000'])(
    '--target %s, a valid name neither planned nor found, is exit 2 after the one read',
    async (target) => {
      const { cluster, done } = run({ target });
      const err = await asyncErrorOf(() => done);
      expect(err.exitCode).toBe(2);
      expect(err.message).toBe(
        `--target ${target}: no such instance in demo/web, and none of that name labelled as its own in namespace vm-demo`,
      );
      expect(err.hint).toBe('the spec plans 2: web-01 … web-02');
      expect(cluster.calls).toEqual(['list']);
    },
  );

  test('--target of a planned instance that is not deployed: nothing to delete, exit 0', async () => {
    const { cluster, done } = run({ target: 'web-02' }, undefined, []);
    expect(await done).toBe(0);
    expect(cluster.calls).toEqual(['list']);
  });

  test('--include-unlabeled never takes a look-alike number or its disk', async () => {
    const extra = lookAlikes.flatMap((n) => [
      o('VirtualMachine', n),
      o('PersistentVolumeClaim', `${n}-rootdisk`),
      o('Secret', `${n}-cloud-init`),
    ]);
    const { cluster, done } = run({ includeUnlabeled: true }, undefined, [
      ...objects,
      ...extra,
      o('PersistentVolumeClaim', 'web-100-rootdisk'),
    ]);
    expect(await done).toBe(0);
    const gone = cluster.deleted.map((r) => r.name);
    for (const n of lookAlikes)
      expect(gone.filter((g) => g.startsWith(`${n}`) && (g === n || g.startsWith(`${n}-`)))).toEqual([]);
    // Valid instance names, but not planned (replicas: 2): not this spec's leftovers.
    expect(gone).not.toEqual(expect.arrayContaining(['web-07']));
    expect(gone).not.toEqual(expect.arrayContaining(['web-100-rootdisk']));
    expect(gone).toEqual(expect.arrayContaining(['web-02-cloud-init']));
  });
});

test('only unlabeled matches: no empty table, the leftovers listed, nothing deleted', async () => {
  const { cluster, output, done } = run({}, undefined, [
    o('VirtualMachine', 'web-02'),
    o('PersistentVolumeClaim', 'web-02-rootdisk'),
    o('VirtualMachine', 'web-07'), // not planned: not even listed
  ]);
  expect(await done).toBe(0);
  expect(output.stdout).toBe(
    'nothing to delete for demo/web in namespace vm-demo\nUnlabeled matches, kept (add --include-unlabeled to delete them): VirtualMachine web-02, PersistentVolumeClaim web-02-rootdisk\n',
  );
  expect(cluster.calls).toEqual(['list']);
});

test.each([
  ['a VM on the NAD by name', { kind: 'VirtualMachine', ns: 'vm-demo', networks: ['office'] }, true],
  [
    'a VM in another namespace by ns/name',
    { kind: 'VirtualMachine', ns: 'other', networks: ['vm-demo/office'] },
    true,
  ],
  [
    'a VM in another namespace on its own office',
    { kind: 'VirtualMachine', ns: 'other', networks: ['office'] },
    false,
  ],
  ['a Pod, comma list with interface', { kind: 'Pod', ns: 'vm-demo', annotation: 'lan, office@net1' }, true],
  [
    'a Pod, JSON list with namespace',
    { kind: 'Pod', ns: 'other', annotation: '[{"name":"office","namespace":"vm-demo"}]' },
    true,
  ],
  ['a Pod, JSON list elsewhere', { kind: 'Pod', ns: 'other', annotation: '[{"name":"office"}]' }, false],
  ['a Pod, unreadable JSON', { kind: 'Pod', ns: 'other', annotation: '[{oops' }, true],
  ['a Pod with no networks', { kind: 'Pod', ns: 'vm-demo' }, false],
])(
  'attachesNad: %s → %s',
  (_label, c: { kind: string; ns: string; networks?: string[]; annotation?: string }, expected) => {
    const obj: K8sObject = {
      apiVersion: 'v1',
      kind: c.kind,
      metadata: {
        name: 'x',
        namespace: c.ns,
        annotations: c.annotation ? { 'k8s.v1.cni.cncf.io/networks': c.annotation } : undefined,
      },
      spec: {
        template: {
          spec: { networks: (c.networks ?? []).map((n) => ({ name: 'n', multus: { networkName: n } })) },
        },
      },
    };
    expect(attachesNad(obj, 'vm-demo', 'office')).toBe(expected);
  },
);
