// --parallel over a fake cluster: instances split into concurrent calls, each in its order; results as one call; failures isolated.
import type { ClusterDeps } from '../../lib/commands/cluster-deps.js';
import { deleteSpec } from '../../lib/commands/delete.js';
import { deploy, type DeployOptions } from '../../lib/commands/deploy.js';
import { planFanOut, sendFanOut } from '../../lib/pipeline/fan-out.js';
import { ExitCode, VAutoError } from '../../lib/errors.js';
import { EXAMPLE_WEB, repoRoot } from '../helpers/e2e.js';
import { textReporter } from '../../lib/report/reporter.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';
import { asyncErrorOf } from '../helpers/workspace.js';

const spec = { ...EXAMPLE_WEB, replicas: 20 };
function runDeploy(cluster: FakeCluster, extra: Partial<DeployOptions> = {}) {
  const output = capture();
  const deps: ClusterDeps = {
    toolRoot: repoRoot,
    env: { V_AUTO_PASSWORD: 'pw' },
    report: textReporter(output),
    cluster: () => cluster,
  };
  return deploy({ ...spec, dryRun: false, yes: true, ...extra }, deps).then((code) => ({ code, ...output }));
}
function runDelete(cluster: FakeCluster, parallel: number) {
  const output = capture();
  const deps: ClusterDeps = {
    toolRoot: repoRoot,
    env: {},
    report: textReporter(output),
    cluster: () => cluster,
  };
  return deleteSpec(
    { ...spec, dryRun: false, yes: true, keepDisks: false, includeUnlabeled: false, parallel },
    deps,
  ).then((code) => ({ code, ...output }));
}
const instanceOf = (name: string) => /^web-\d+/.exec(name)?.[0];
const instancesIn = (names: string[]) => [...new Set(names.map(instanceOf))];
const refused = new VAutoError(
  'oc create failed before sending anything: the server could not find the requested resource',
  { exitCode: ExitCode.CLUSTER },
);

describe('planFanOut', () => {
  // Kind after kind, as deploy's stream is: every instance's a, then every instance's b.
  const items = (n: number) => ['a', 'b'].flatMap((k) => Array.from({ length: n }, (_, i) => `i${i}-${k}`));
  const of = (s: string) => (s.startsWith('shared') ? undefined : s.split('-')[0]);
  test.each([
    [20, 4, [5, 5, 5, 5]],
    [22, 4, [6, 5, 6, 5]],
    [12, 4, [6, 6]],
    [4, 4, [4]],
    [200, 16, Array(8).fill([13, 12]).flat()],
    [20, 1, [20]],
  ])('%i instances, --parallel %i: calls of %j instances', (n, parallel, sizes) => {
    const plan = planFanOut(['shared-nad', ...items(n)], of, parallel);
    const instanceCount = (call: string[]) => new Set(call.map(of)).size;
    if (sizes.length === 1) {
      // One call: all of it, in the order given.
      expect(plan).toEqual({ alone: [], calls: [['shared-nad', ...items(n)]] });
      return;
    }
    expect(plan.alone).toEqual(['shared-nad']);
    expect(plan.calls.map(instanceCount)).toEqual(sizes);
    // Contiguous runs of whole instances, each call in the order given.
    let from = 0;
    for (const call of plan.calls) {
      const mine = new Set(call.map(of));
      expect([...mine]).toEqual(Array.from({ length: mine.size }, (_, i) => `i${from + i}`));
      expect(call).toEqual(items(n).filter((x) => mine.has(of(x))));
      from += mine.size;
    }
  });
});

describe('deploy --parallel', () => {
  test("a first deploy's create is split by instance; each call keeps every instance whole and in order; the output is the one call's", async () => {
    const one = new FakeCluster([], false);
    const serial = await runDeploy(one, { parallel: 1 });
    const four = new FakeCluster([], false);
    const parallel = await runDeploy(four, { parallel: 4 });
    expect(parallel.code).toBe(0);
    expect(parallel.stdout).toBe(serial.stdout);
    // One call: the Namespace at the head of the one create.
    expect(one.createCalls).toHaveLength(1);
    expect(one.createCalls[0][0].kind).toBe('Namespace');
    // Several: the Namespace alone first, created, then four creates of five instances.
    expect(four.applyCalls).toEqual([]);
    expect(four.createCalls.map((c) => c.length)).toEqual([1, 20, 20, 20, 20]);
    expect(four.createCalls[0].map((m) => m.kind)).toEqual(['Namespace']);
    const calls = four.createCalls.slice(1).map((c) => c.map((m) => `${m.kind}/${m.metadata.name}`));
    expect(calls.map((c) => instancesIn(c.map((k) => k.split('/')[1])))).toEqual(
      [0, 1, 2, 3].map((k) =>
        Array.from({ length: 5 }, (_, i) => `web-${String(k * 5 + i + 1).padStart(2, '0')}`),
      ),
    );
    // Each instance's objects in the one call's order.
    const inOneCall = one.createCalls[0].map((m) => `${m.kind}/${m.metadata.name}`);
    for (const call of calls) expect(call).toEqual(inOneCall.filter((k) => call.includes(k)));
    expect(calls.flat().sort()).toEqual(inOneCall.filter((k) => !k.startsWith('Namespace/')).sort());
  });

  test("a call that fails as a whole: its objects FAILED with its reason, the others' results all reported, its exit code", async () => {
    const cluster = new FakeCluster([], true);
    cluster.callError = (names) => (names.includes('web-08') ? refused : undefined);
    const r = await runDeploy(cluster, { parallel: 4 });
    expect(r.code).toBe(ExitCode.CLUSTER);
    expect(cluster.createCalls).toHaveLength(4);
    for (const n of ['06', '07', '08', '09', '10'])
      expect(r.stdout).toContain(
        `[FAILED] VirtualMachine web-${n} (not sent: oc create failed before sending anything: the server could not find the requested resource)`,
      );
    for (const n of ['01', '05', '11', '20'])
      expect(r.stdout).toContain(`[SUCCESS] VirtualMachine web-${n} (created)`);
    expect(r.stdout).toContain('60 succeeded, 0 skipped, 20 failed');
  });

  test('every call failing as a whole: nothing was sent, the one error as with one call', async () => {
    const cluster = new FakeCluster([], true);
    cluster.callError = () => refused;
    const err = await asyncErrorOf(() => runDeploy(cluster, { parallel: 4 }));
    expect(err).toBe(refused);
  });
});

describe('delete --parallel', () => {
  test('split by instance, VM first within each; the same lines as one call; one call failing hides no other result', async () => {
    const first = new FakeCluster([], true);
    await runDeploy(first, { parallel: 4 });
    const deployed = [...first.existing];
    const one = new FakeCluster([...deployed], true);
    const serial = await runDelete(one, 1);
    const four = new FakeCluster([...deployed], true);
    const parallel = await runDelete(four, 4);
    expect(parallel.code).toBe(0);
    expect(parallel.stdout).toBe(serial.stdout);
    expect(one.deleteCalls).toHaveLength(1);
    expect(four.deleteCalls).toHaveLength(4);
    for (const call of four.deleteCalls) {
      expect(instancesIn(call.map((r) => r.name))).toHaveLength(5);
      expect(call.map((r) => `${r.kind}/${r.name}`)).toEqual(
        one.deleteCalls[0]
          .map((r) => `${r.kind}/${r.name}`)
          .filter((k) => call.some((r) => `${r.kind}/${r.name}` === k)),
      );
      expect(call[0].kind).toBe('VirtualMachine');
    }

    const failing = new FakeCluster([...deployed], true);
    failing.callError = (names) =>
      names.includes('web-20')
        ? new VAutoError('cannot reach the cluster: i/o timeout', { exitCode: ExitCode.CLUSTER })
        : undefined;
    const r = await runDelete(failing, 4);
    expect(r.code).toBe(ExitCode.CLUSTER);
    expect(r.stdout).toContain(
      '[FAILED] VirtualMachine web-20 (not sent: cannot reach the cluster: i/o timeout)',
    );
    expect(r.stdout).toContain('[DELETED] VirtualMachine web-01');
    expect(r.stdout.match(/\[DELETED\]/g)).toHaveLength(60);
  });
});

describe('sendFanOut', () => {
  const items = Array.from({ length: 20 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
  const options = {
    instanceOf: (s: string) => s,
    refOf: (s: string) => ({ kind: 'VirtualMachine', name: s }),
    parallel: 4,
    alone: 'first' as const,
  };
  const sent = (call: string[]) =>
    Promise.resolve(call.map((name) => ({ kind: 'VirtualMachine', name, result: 'created' as const })));

  test('a call that throws what is not a VAutoError (a bug) is thrown as it is, not reported as a cluster failure', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'kind')");
    const run = sendFanOut(items, options, async (call) =>
      call.includes('web-06') ? Promise.reject(bug) : sent(call),
    );
    await expect(run).rejects.toBe(bug);
  });

  test('a call that fails with a VAutoError: its objects FAILED, the others reported', async () => {
    const result = await sendFanOut(items, options, async (call) =>
      call.includes('web-06') ? Promise.reject(refused) : sent(call),
    );
    expect(result.callError).toBe(refused);
    expect(result.outcomes.filter((o) => o.result === 'failed').map((o) => o.name)).toEqual([
      'web-06',
      'web-07',
      'web-08',
      'web-09',
      'web-10',
    ]);
  });

  test('interrupted while the objects of no instance went first: no instance call is started, each says not sent', async () => {
    const abort = new AbortController();
    const calls: string[][] = [];
    const withShared = ['office', ...items];
    const result = await sendFanOut(
      withShared,
      { ...options, instanceOf: (s: string) => (s === 'office' ? undefined : s), signal: abort.signal },
      async (call) => {
        calls.push(call);
        abort.abort(); // SIGTERM arrives while the shared NAD is applied
        return sent(call);
      },
    );
    expect(calls).toEqual([['office']]);
    expect(result.outcomes[0]).toMatchObject({ name: 'office', result: 'created' });
    expect(
      result.outcomes.slice(1).every((o) => o.result === 'failed' && o.reason === 'not sent: interrupted'),
    ).toBe(true);
  });
});
