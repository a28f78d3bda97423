// deploy --wait: one get per poll until everything is ready, a failure stops it early, time runs out.
import { prepareSettings } from '../../lib/pipeline/prepare-manifests.js';
import { waitReady } from '../../lib/commands/wait-ready.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { EXAMPLE_WEB, repoRoot } from '../helpers/e2e.js';
import { textReporter } from '../../lib/report/reporter.js';
import { capture, FakeCluster } from '../helpers/fake-cluster.js';
import { ExitCode, VAutoError } from '../../lib/errors.js';
import type { Follow } from '../../lib/cluster/cluster-client.js';

const { plan } = prepareSettings(EXAMPLE_WEB, { toolRoot: repoRoot, env: {} });
const vm = (name: string, status: object): K8sObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: { name },
  spec: { runStrategy: 'Always' },
  status,
});
const dv = (name: string, phase: string, progress = 'N/A'): K8sObject => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name: `${name}-rootdisk` },
  status: { phase, progress },
});

const event = (
  object: string,
  type: string,
  reason: string,
  message: string,
  lastTimestamp: string,
): K8sObject => {
  const [kind, name] = object.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${lastTimestamp}` },
    involvedObject: { kind, name },
    type,
    reason,
    message,
    lastTimestamp,
  } as K8sObject;
};

/** A cluster whose answer changes with each poll; `oc get events` and pods (not polls) answer `events` and `pods`. */
/** waitReady's deps where a minute passes per poll (the clock counts the cluster's calls), printing to `output`. */
const minutely = (cluster: FakeCluster, output: ReturnType<typeof capture>, graceSeconds?: number) => ({
  report: textReporter(output),
  pollMs: 1,
  now: () => cluster.calls.length * 60_000,
  ...(graceSeconds === undefined ? {} : { graceSeconds }),
});

class Polls extends FakeCluster {
  constructor(
    private readonly answers: K8sObject[][],
    private readonly events: K8sObject[] = [],
    private readonly pods: K8sObject[] = [],
  ) {
    super();
  }
  async list(_ns: string, kinds: string[]): Promise<K8sObject[]> {
    if (kinds.includes('Event')) {
      this.calls.push('events');
      return this.events;
    }
    if (kinds.includes('Pod')) {
      this.calls.push('pods');
      return this.pods;
    }
    this.calls.push('list');
    return this.answers[Math.min(this.calls.length - 1, this.answers.length - 1)];
  }
}

test('polls until both VMs are ready, printing progress when it changes', async () => {
  const importing = [
    vm('web-01', { printableStatus: 'Provisioning' }),
    dv('web-01', 'ImportInProgress', '45.00%'),
    vm('web-02', { printableStatus: 'Provisioning' }),
    dv('web-02', 'ImportScheduled'),
  ];
  const ready = [
    vm('web-01', { printableStatus: 'Running', ready: true }),
    dv('web-01', 'Succeeded', '100.0%'),
    vm('web-02', { printableStatus: 'Running', ready: true }),
    dv('web-02', 'Succeeded', '100.0%'),
  ];
  const cluster = new Polls([importing, importing, ready]);
  const output = capture();
  expect(await waitReady(cluster, plan, 60, { report: textReporter(output), pollMs: 1 })).toBe(0);
  expect(cluster.calls).toEqual(['list', 'list', 'list']);
  expect(output.stderr).toBe(
    '0/2 ready; web-01: disk ImportInProgress 45.00%, web-02: disk ImportScheduled\n2/2 ready\n',
  );
  expect(output.stdout).toBe('all 2 instance(s) ready\n');
});

test('a failed import stops the wait at once with exit 1, with the newest Warning about the instance', async () => {
  const events = [
    event(
      'DataVolume/web-01-rootdisk',
      'Warning',
      'Error',
      'Unable to connect to http data source: 404 Not Found',
      '2026-12-01T10:00:05Z',
    ),
    event(
      'DataVolume/web-01-rootdisk',
      'Normal',
      'ImportInProgress',
      'Import into web-01-rootdisk in progress',
      '2026-12-01T10:00:09Z',
    ),
    event(
      'DataVolume/web-01-rootdisk',
      'Warning',
      'Error',
      'Unable to connect to http data source: 503',
      '2026-12-01T10:00:01Z',
    ),
    event('DataVolume/web-02-rootdisk', 'Warning', 'Error', 'not about web-01', '2026-12-01T10:00:08Z'),
  ];
  const cluster = new Polls(
    [
      [
        vm('web-01', { printableStatus: 'Provisioning' }),
        dv('web-01', 'Failed'),
        vm('web-02', { printableStatus: 'Running', ready: true }),
        dv('web-02', 'Succeeded'),
      ],
    ],
    events,
  );
  const output = capture();
  expect(await waitReady(cluster, plan, 60, { report: textReporter(output), pollMs: 1 })).toBe(1);
  expect(cluster.calls).toEqual(['list', 'events', 'pods']);
  expect(output.stdout).toBe(
    'not ready: DataVolume web-01-rootdisk import failed; last event: DataVolume/web-01-rootdisk Error: Unable to connect to http data source: 404 Not Found\n',
  );
});

test('time running out names what is not ready', async () => {
  let now = 0;
  const cluster = new Polls([[vm('web-01', { printableStatus: 'Starting' }), dv('web-01', 'Succeeded')]]);
  const output = capture();
  const code = await waitReady(cluster, plan, 5, {
    report: textReporter(output),
    pollMs: 1,
    now: () => (now += 2000),
  });
  expect(code).toBe(1);
  expect(output.stdout).toBe('timed out after 5 s; not ready: web-01 (VM Starting), web-02 (not deployed)\n');
});

test('a VM halted outside v-auto is not ready, and one being deleted neither: the wait names both', async () => {
  let now = 0;
  const halted: K8sObject = {
    ...vm('web-01', { printableStatus: 'Stopped' }),
    spec: { runStrategy: 'Halted' },
  };
  const going: K8sObject = vm('web-02', { printableStatus: 'Running', ready: true });
  going.metadata.deletionTimestamp = '2026-12-01T10:00:00Z';
  const cluster = new Polls([[halted, dv('web-01', 'Succeeded'), going, dv('web-02', 'Succeeded')]]);
  const output = capture();
  const code = await waitReady(cluster, plan, 5, {
    report: textReporter(output),
    pollMs: 1,
    now: () => (now += 2000),
  });
  expect(code).toBe(1);
  expect(output.stdout).toBe(
    'timed out after 5 s; not ready: web-01 (stopped outside v-auto (runStrategy Halted); v-auto start or deploy starts it), web-02 (being deleted since 2026-12-01T10:00:00Z)\n',
  );
});

test('a VM stopped by v-auto stop is counted apart when all are ready', async () => {
  const stopped: K8sObject = {
    ...vm('web-01', { printableStatus: 'Stopped' }),
    spec: { runStrategy: 'Halted' },
  };
  stopped.metadata.annotations = { 'v-auto/stopped-at': '2026-12-01T10:00:00Z' };
  const cluster = new Polls([
    [
      stopped,
      dv('web-01', 'Succeeded'),
      vm('web-02', { printableStatus: 'Running', ready: true }),
      dv('web-02', 'Succeeded'),
    ],
  ]);
  const output = capture();
  expect(await waitReady(cluster, plan, 5, { report: textReporter(output), pollMs: 1 })).toBe(0);
  expect(output.stdout).toBe('all 2 instance(s) ready (1 running, 1 stopped by v-auto stop)\n');
});

describe('grace window: a state that can clear by itself does not fail the first poll', () => {
  const running = [vm('web-02', { printableStatus: 'Running', ready: true }), dv('web-02', 'Succeeded')];
  test.each(['DataVolumeError', 'ErrorUnschedulable'])(
    '%s that clears within the window: exit 0',
    async (state) => {
      const bad = [vm('web-01', { printableStatus: state }), dv('web-01', 'ImportInProgress'), ...running];
      const good = [
        vm('web-01', { printableStatus: 'Running', ready: true }),
        dv('web-01', 'Succeeded'),
        ...running,
      ];
      const cluster = new Polls([bad, bad, good]);
      const output = capture();
      // One minute passes per poll.
      expect(await waitReady(cluster, plan, 900, minutely(cluster, output))).toBe(0);
      expect(cluster.calls).toHaveLength(3);
    },
  );

  test.each(['DataVolumeError', 'ErrorUnschedulable'])(
    '%s lasting past its window fails, naming it',
    async (state) => {
      const cluster = new Polls([
        [vm('web-01', { printableStatus: state }), dv('web-01', 'ImportInProgress'), ...running],
      ]);
      const output = capture();
      expect(await waitReady(cluster, plan, 3600, minutely(cluster, output))).toBe(1);
      // First seen at the first poll (minute 1); failed at the first poll 300 s later (minute 6); then the events.
      expect(cluster.calls).toEqual(['list', 'list', 'list', 'list', 'list', 'list', 'events', 'pods']);
      expect(output.stdout).toBe(
        `not ready: VirtualMachine web-01 is ${state} for 300 s, past its 300 s grace\n`,
      );
      // Each poll within the window says how long, and what the grace is.
      expect(output.stderr.split('\n')[0]).toBe(`1/2 ready; web-01: ${state} for 0 s (grace 300 s)`);
    },
  );

  test("a failure names its launcher pod's event (the scheduler's FailedScheduling), read with the events", async () => {
    const pod: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'virt-launcher-web-01-x7k2p', labels: { 'vm.kubevirt.io/name': 'web-01' } },
      status: { phase: 'Pending' },
    };
    const events = [
      event(
        'Pod/virt-launcher-web-01-x7k2p',
        'Warning',
        'FailedScheduling',
        '0/2 nodes are available: 2 Insufficient memory.',
        '2026-12-01T10:00:05Z',
      ),
      event(
        'DataVolume/web-01-rootdisk',
        'Normal',
        'ImportSucceeded',
        'Successfully imported into PVC web-01-rootdisk',
        '2026-12-01T10:00:06Z',
      ),
    ];
    const cluster = new Polls(
      [[vm('web-01', { printableStatus: 'ErrorUnschedulable' }), dv('web-01', 'Succeeded'), ...running]],
      events,
      [pod],
    );
    const output = capture();
    expect(await waitReady(cluster, plan, 3600, minutely(cluster, output, 60))).toBe(1);
    expect(output.stdout).toBe(
      'not ready: VirtualMachine web-01 is ErrorUnschedulable for 60 s, past its 60 s grace; last event: Pod/virt-launcher-web-01-x7k2p FailedScheduling: 0/2 nodes are available: 2 Insufficient memory.\n',
    );
  });

  test('graceSeconds (V_AUTO_WAIT_GRACE) replaces the grace of every state', async () => {
    const cluster = new Polls([
      [vm('web-01', { printableStatus: 'ErrorUnschedulable' }), dv('web-01', 'Succeeded'), ...running],
    ]);
    const output = capture();
    expect(await waitReady(cluster, plan, 3600, minutely(cluster, output, 120))).toBe(1);
    expect(cluster.calls.filter((c) => c === 'list')).toHaveLength(3);
    expect(output.stdout).toBe(
      'not ready: VirtualMachine web-01 is ErrorUnschedulable for 120 s, past its 120 s grace\n',
    );
  });
});

describe('a poll that fails (an API server restart) is retried within the grace window', () => {
  const ready = [
    vm('web-01', { printableStatus: 'Running', ready: true }),
    dv('web-01', 'Succeeded'),
    vm('web-02', { printableStatus: 'Running', ready: true }),
    dv('web-02', 'Succeeded'),
  ];
  const down = () =>
    new VAutoError('cannot reach the cluster: dial tcp 127.0.0.1:6443: connect: connection refused', {
      exitCode: ExitCode.CLUSTER,
    });
  /** Polls that throw where the answer is an Error. */
  class Flaky extends Polls {
    constructor(private readonly polls: (K8sObject[] | Error)[]) {
      super([]);
    }
    async list(): Promise<K8sObject[]> {
      this.calls.push('list');
      const answer = this.polls[Math.min(this.calls.length - 1, this.polls.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    }
  }

  test('one failed poll, then the cluster answers: the wait goes on and ends ready, exit 0', async () => {
    const cluster = new Flaky([down(), ready]);
    const output = capture();
    expect(await waitReady(cluster, plan, 900, minutely(cluster, output))).toBe(0);
    expect(cluster.calls).toEqual(['list', 'list']);
    expect(output.stderr.split('\n')[0]).toBe(
      'poll failed for 0 s (grace 300 s): cannot reach the cluster: dial tcp 127.0.0.1:6443: connect: connection refused',
    );
    expect(output.stdout).toBe('all 2 instance(s) ready\n');
  });

  test('polls failing past the window end the wait with the cluster error (exit 3)', async () => {
    const cluster = new Flaky([down()]);
    const output = capture();
    await expect(waitReady(cluster, plan, 3600, minutely(cluster, output, 120))).rejects.toMatchObject({
      exitCode: ExitCode.CLUSTER,
      message: expect.stringContaining('connection refused'),
    });
    // First failure at minute 1, retried at minutes 2 and 3; the third is 120 s past the first.
    expect(cluster.calls).toEqual(['list', 'list', 'list']);
  });

  test('an error that is not the cluster’s (a bug, a usage error) is not retried', async () => {
    const cluster = new Flaky([new Error('boom'), ready]);
    await expect(
      waitReady(cluster, plan, 900, { report: textReporter(capture()), pollMs: 1 }),
    ).rejects.toThrow('boom');
    expect(cluster.calls).toEqual(['list']);
  });
});

describe('after the first poll, the objects are followed by watches', () => {
  const pending = [
    vm('web-01', { printableStatus: 'Starting' }),
    dv('web-01', 'Succeeded'),
    vm('web-02', { printableStatus: 'Starting' }),
    dv('web-02', 'Succeeded'),
  ];
  const ready = [
    vm('web-01', { printableStatus: 'Running', ready: true }),
    dv('web-01', 'Succeeded'),
    vm('web-02', { printableStatus: 'Running', ready: true }),
    dv('web-02', 'Succeeded'),
  ];

  /** A Follow whose objects the test moves on; `next` returns at a change or when the follow ends, as oc's does. */
  class FakeFollow implements Follow {
    ended: string | undefined;
    stopped = 0;
    private wake?: () => void;
    constructor(private current: K8sObject[]) {}
    objects() {
      return this.current;
    }
    next(): Promise<void> {
      return this.ended ? Promise.resolve() : new Promise((resolve) => (this.wake = resolve));
    }
    change(objects: K8sObject[]) {
      this.current = objects;
      this.wake?.();
    }
    end(why: string) {
      this.ended = why;
      this.wake?.();
    }
    stop() {
      this.stopped++;
    }
  }

  class Following extends Polls {
    follows: FakeFollow[] = [];
    private started?: (f: FakeFollow) => void;
    /** Resolves with the first follow once it has started. */
    readonly followed = new Promise<FakeFollow>((resolve) => (this.started = resolve));
    followError?: Error;
    constructor(
      answers: K8sObject[][],
      private readonly first: K8sObject[],
    ) {
      super(answers);
    }
    async follow(): Promise<Follow> {
      this.calls.push('follow');
      if (this.followError) throw this.followError;
      const f = new FakeFollow(this.first);
      this.follows.push(f);
      this.started!(f);
      return f;
    }
  }

  test('a change the watch reports ends the wait at once, without another poll, and the watches are stopped', async () => {
    const cluster = new Following([pending], pending);
    const output = capture();
    // A poll interval no wait reaches: only a reported change can end it.
    const waiting = waitReady(cluster, plan, 60, { report: textReporter(output), pollMs: 2 ** 30 });
    const follow = await cluster.followed;
    // Once the wait is waiting on it.
    await new Promise((r) => setImmediate(r));
    follow.change(ready);
    expect(await waiting).toBe(0);
    expect(cluster.calls).toEqual(['list', 'follow']);
    expect(cluster.follows[0].stopped).toBeGreaterThan(0);
    expect(output.stdout).toBe('all 2 instance(s) ready\n');
  });

  test('a watch that ends (410 Expired, refused, gone) leaves the polls, which carry the wait on', async () => {
    const cluster = new Following([pending, pending, ready], pending);
    const output = capture();
    const waiting = waitReady(cluster, plan, 60, { report: textReporter(output), pollMs: 1 });
    (await cluster.followed).end('the watch of virtualmachines ended: too old resource version: 5 (1000)');
    expect(await waiting).toBe(0);
    expect(cluster.calls).toEqual(['list', 'follow', 'list']);
  });

  test('a follow that cannot start (its list fails with a cluster error) leaves the polls', async () => {
    const cluster = new Following([pending, ready], pending);
    cluster.followError = new VAutoError('cannot reach the cluster', { exitCode: ExitCode.CLUSTER });
    expect(await waitReady(cluster, plan, 60, { report: textReporter(capture()), pollMs: 1 })).toBe(0);
    expect(cluster.calls).toEqual(['list', 'follow', 'list']);
  });

  test('everything ready at the first poll starts no watch', async () => {
    const cluster = new Following([ready], ready);
    expect(await waitReady(cluster, plan, 60, { report: textReporter(capture()), pollMs: 1 })).toBe(0);
    expect(cluster.calls).toEqual(['list']);
  });
});
