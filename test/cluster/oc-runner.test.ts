// OcRunner with the real kubectl against the simulator: one outcome per object, and a call that
// fails before sending anything is one exit-3 error with kubectl's reason.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { OcRunner, type OcRunnerOptions } from '../../lib/cluster/oc-runner.js';
import { allKubectls, requireKubectl } from '../helpers/kubectl-binaries.js';
import { simulatorWatchers } from '../helpers/e2e.js';
import { asyncErrorOf } from '../helpers/workspace.js';
import { startSimulator, type Simulator } from '../sim/index.js';

const KUBECTL = requireKubectl();
// 1.27 (oc 4.14) still fetches /openapi/v2 before anything else; the simulator serves it.
const KUBECTLS = [KUBECTL, ...allKubectls().filter((k) => k.endsWith('kubectl.1.27'))];

describe('OcRunner against the simulator', () => {
  let sim: Simulator;
  let noApi: string;
  beforeAll(async () => {
    sim = await startSimulator({ namespaces: ['x'] });
    // The same server under a path where nothing answers: discovery and OpenAPI get 404.
    noApi = path.join(path.dirname(sim.kubeconfigPath), 'no-api');
    writeFileSync(noApi, readFileSync(sim.kubeconfigPath, 'utf8').replace(sim.url, `${sim.url}/no-api-here`));
  });
  afterAll(() => sim.stop());
  const runner = (binary: string, kubeconfig = sim.kubeconfigPath, more: Partial<OcRunnerOptions> = {}) =>
    new OcRunner({
      binary,
      kubeconfig,
      requestTimeout: 10,
      env: { PATH: process.env.PATH, HOME: os.tmpdir() },
      ...more,
    });
  /** A runner that records each kubectl command line it runs in `commands`. */
  const recording = (commands: string[], more: Partial<OcRunnerOptions> = {}) =>
    runner(KUBECTL, sim.kubeconfigPath, {
      debug: (line) => void (line.startsWith(KUBECTL) && commands.push(line)),
      ...more,
    });
  const secret = (name: string, value: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    data: { v: Buffer.from(value).toString('base64') },
  });

  test.each(KUBECTLS)(
    "%s: apply and delete, one outcome per object, the server's reason for a refused one",
    async (binary) => {
      sim.faults.rejectCreate.push({
        kind: 'Secret',
        name: 'bad',
        message: 'Invalid value: "x"',
        field: 'data.v',
      });
      try {
        const oc = runner(binary);
        expect(await oc.apply('x', [secret('a', '1'), secret('bad', '1')])).toEqual([
          { kind: 'Secret', name: 'a', result: 'created' },
          {
            kind: 'Secret',
            name: 'bad',
            result: 'failed',
            cause: 'other',
            reason: 'The Secret "bad" is invalid: data.v: Invalid value: "x"',
          },
        ]);
        expect((await oc.apply('x', [secret('a', '1'), secret('b', '2')])).map((o) => o.result)).toEqual([
          'unchanged',
          'created',
        ]);
        expect((await oc.apply('x', [secret('a', '3')])).map((o) => o.result)).toEqual(['configured']);
        expect(
          await oc.delete('x', [
            { kind: 'Secret', name: 'a' },
            { kind: 'Secret', name: 'b' },
            { kind: 'Secret', name: 'never' },
          ]),
        ).toEqual([
          { kind: 'Secret', name: 'a', result: 'deleted' },
          { kind: 'Secret', name: 'b', result: 'deleted' },
          { kind: 'Secret', name: 'never', result: 'gone' },
        ]);
      } finally {
        sim.faults.rejectCreate = [];
      }
    },
  );

  test.each(KUBECTLS)(
    '%s: create is one POST per object and writes the annotation apply writes, so a later apply finds it unchanged and removes what the manifest drops',
    async (binary) => {
      const oc = runner(binary);
      const labels = { app: 'a', tier: 'b' };
      const nad = (name: string, l: Record<string, string>) => ({
        apiVersion: 'k8s.cni.cncf.io/v1',
        kind: 'NetworkAttachmentDefinition',
        metadata: { name, labels: l },
        spec: { config: '{"cniVersion":"0.3.1","type":"bridge"}' },
      });
      const pair = (name: string, keys: string[]) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name },
        data: Object.fromEntries(keys.map((k) => [k, Buffer.from(k).toString('base64')])),
      });
      const tag = binary.replace(/\W+/g, '-').slice(-12).toLowerCase().replace(/^-+/, '');
      sim.clearRequests();
      expect(
        (await oc.create('x', [nad(`${tag}-c1`, labels), pair(`${tag}-c2`, ['k', 'l'])])).map(
          (o) => o.result,
        ),
      ).toEqual(['created', 'created']);
      // No GET of the objects themselves: one POST each, under apply's field manager.
      const objectRequests = sim.requests.filter((r) => r.path.includes(`/namespaces/x/`));
      expect(objectRequests.map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual([
        'POST network-attachment-definitions',
        'POST secrets',
      ]);
      expect(objectRequests.every((r) => r.query.includes('fieldManager=kubectl-client-side-apply'))).toBe(
        true,
      );

      // The same annotation as apply's own create path writes for the same manifest.
      await oc.apply('x', [nad(`${tag}-twin`, labels)]);
      const annotation = (name: string) =>
        sim.get('NetworkAttachmentDefinition', 'x', name).metadata.annotations[
          'kubectl.kubernetes.io/last-applied-configuration'
        ];
      expect(annotation(`${tag}-c1`)).toBe(annotation(`${tag}-twin`).replace(`"${tag}-twin"`, `"${tag}-c1"`));

      expect(
        (await oc.apply('x', [nad(`${tag}-c1`, labels), pair(`${tag}-c2`, ['k', 'l'])])).map((o) => o.result),
      ).toEqual(['unchanged', 'unchanged']);
      expect(
        (await oc.apply('x', [nad(`${tag}-c1`, { app: 'a' }), pair(`${tag}-c2`, ['k'])])).map(
          (o) => o.result,
        ),
      ).toEqual(['configured', 'configured']);
      expect(sim.get('NetworkAttachmentDefinition', 'x', `${tag}-c1`).metadata.labels).toEqual({ app: 'a' });
      expect(Object.keys(sim.get('Secret', 'x', `${tag}-c2`).data)).toEqual(['k']);

      // One that exists by then fails alone; kubectl goes on with the rest.
      expect(
        await oc.create('x', [pair(`${tag}-c3`, ['k']), pair(`${tag}-c2`, ['k']), pair(`${tag}-c4`, ['k'])]),
      ).toEqual([
        { kind: 'Secret', name: `${tag}-c3`, result: 'created' },
        {
          kind: 'Secret',
          name: `${tag}-c2`,
          result: 'failed',
          cause: 'exists',
          reason: `secrets "${tag}-c2" already exists`,
        },
        { kind: 'Secret', name: `${tag}-c4`, result: 'created' },
      ]);
    },
  );

  test("create sends no explicit null, as apply's create path does not: both leave the same object", async () => {
    // A site template may render `key: {{json unset}}`. kubectl apply prunes explicit nulls before
    // its create (kubernetes/kubectl@dee3483 pkg/cmd/apply/apply.go applyOneObject,
    // pruneNullsFromMap, since 81ad0ffc, 1.31); kubectl create sends the object as read.
    const oc = runner(KUBECTL);
    const dv = (name: string) => ({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name, annotations: null },
      spec: {
        source: { blank: {} },
        storage: { resources: { requests: { storage: '1Gi' } }, storageClassName: null, accessModes: null },
      },
    });
    expect(await oc.create('x', [dv('null-c')])).toEqual([
      { kind: 'DataVolume', name: 'null-c', result: 'created' },
    ]);
    expect(await oc.apply('x', [dv('null-a')])).toEqual([
      { kind: 'DataVolume', name: 'null-a', result: 'created' },
    ]);
    const stored = (name: string) => {
      const { metadata, spec } = sim.get('DataVolume', 'x', name);
      return { annotations: Object.keys(metadata.annotations), spec };
    };
    expect(stored('null-c')).toEqual(stored('null-a'));
    expect(stored('null-c').spec.storage).toEqual({ resources: { requests: { storage: '1Gi' } } });
  });

  test.each(KUBECTLS)(
    "%s: discovery and OpenAPI failing is exit 3 with kubectl's reason, before anything is sent",
    async (binary) => {
      sim.clearRequests();
      const oc = runner(binary, noApi);
      const err = await asyncErrorOf(() => oc.apply('x', [secret('c', '1'), secret('d', '1')]));
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(
        /apply failed before sending anything: .*the server could not find the requested resource/,
      );
      expect((await asyncErrorOf(() => oc.create('x', [secret('c', '1')]))).message).toMatch(
        /create failed before sending anything: .*the server could not find the requested resource/,
      );
      const del = await asyncErrorOf(() => oc.delete('x', [{ kind: 'Secret', name: 'c' }]));
      expect(del.exitCode).toBe(3);
      expect(del.message).toContain(
        'delete failed before sending anything: unable to recognize "STDIN": the server could not find the requested resource',
      );
      expect(sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    },
  );

  test('list: one raw read per kind, each item with its kind, in kind order; selector, cluster scope, everywhere', async () => {
    const oc = runner(KUBECTL);
    sim.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'l1', namespace: 'x', labels: { app: 'a' } },
      data: {},
    });
    sim.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'l2', namespace: 'x', labels: { app: 'b' } },
      data: {},
    });
    sim.put({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'l3', namespace: 'x', labels: { app: 'a' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    sim.clearRequests();
    const items = await oc.list('x', ['PersistentVolumeClaim', 'Secret'], 'app=a');
    expect(items.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'v1 PersistentVolumeClaim/l3',
      'v1 Secret/l1',
    ]);
    // No discovery: one list per kind (kubectl may ask /version first), with --request-timeout.
    const lists = sim.requests.filter((r) => r.path !== '/version').map((r) => `${r.path}?${r.query}`);
    expect(lists.sort()).toEqual([
      '/api/v1/namespaces/x/persistentvolumeclaims?labelSelector=app%3Da&timeout=10s',
      '/api/v1/namespaces/x/secrets?labelSelector=app%3Da&timeout=10s',
    ]);
    expect((await oc.list('x', ['Namespace'])).map((o) => o.metadata.name)).toContain('x');
    expect((await oc.listEverywhere(['Secret']))!.map((o) => o.metadata.name)).toEqual(
      expect.arrayContaining(['l1', 'l2']),
    );
    // With a selector, one get of all the kinds across namespaces: each item keeps its namespace.
    sim.clearRequests();
    const selected = await oc.listEverywhere(['PersistentVolumeClaim', 'Secret'], 'app=a');
    expect(selected!.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'PersistentVolumeClaim x/l3',
      'Secret x/l1',
    ]);
    expect(
      sim.requests.filter((r) => r.path !== '/version' && !r.path.startsWith('/api')).map((r) => r.path),
    ).toEqual([]);
    expect(
      sim.requests.filter((r) => /^\/api\/v1\/(persistentvolumeclaims|secrets)$/.test(r.path)),
    ).toHaveLength(2);
    // A user whose Roles grant list in namespaces only is refused at the cluster scope: undefined.
    sim.faults.forbidden = [{ resource: 'secrets', verb: 'list', clusterWide: true }];
    try {
      expect(await oc.listEverywhere(['PersistentVolumeClaim', 'Secret'], 'app=a')).toBeUndefined();
      expect(await oc.list('x', ['PersistentVolumeClaim', 'Secret'], 'app=a')).toHaveLength(2);
    } finally {
      sim.faults.forbidden = [];
    }
    expect(await oc.namespaceExists('x')).toBe(true);
    expect(await oc.namespaceExists('nowhere')).toBe(false);
  });

  test('list: a one get whose answer is over the size limit (other objects in the namespace) falls back to the raw reads, each kind under the limit', async () => {
    const commands: string[] = [];
    // Each kind's raw list is ~0.6 MiB here; both in one indented get, over 1 MiB.
    const oc = recording(commands, { maxReadBytes: 1024 * 1024 });
    const pad = 'x'.repeat(2500);
    for (let i = 0; i < 250; i++) {
      sim.put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `s${i}`, namespace: 'big' },
        data: { pad },
      });
      sim.put({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: `p${i}`, namespace: 'big', annotations: { pad } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      });
    }
    const items = await oc.list('big', ['PersistentVolumeClaim', 'Secret'], undefined, 2);
    expect(items.filter((o) => o.kind === 'Secret')).toHaveLength(250);
    expect(items.filter((o) => o.kind === 'PersistentVolumeClaim')).toHaveLength(250);
    expect(commands.map((c) => c.split(' ').slice(1, 3).join(' '))).toEqual([
      'get persistentvolumeclaims,secrets',
      'get --raw',
      'get --raw',
    ]);
  });

  test('list: a read expected to be small is one get of all the kinds, with the same items as the raw reads; a get that fails falls back to them', async () => {
    const commands: string[] = [];
    const oc = recording(commands);
    sim.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1', namespace: 'x', labels: { app: 'small' } },
      data: {},
    });
    sim.put({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 's2', namespace: 'x', labels: { app: 'small' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    sim.put({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 's3', namespace: 'x', labels: { app: 'small' }, managedFields: [{ manager: 'm' }] },
      spec: { config: '{}' },
    });
    const kinds = ['NetworkAttachmentDefinition', 'PersistentVolumeClaim', 'Secret', 'VirtualMachine'];
    const raw = await oc.list('x', kinds, 'app=small');
    expect(commands).toHaveLength(kinds.length);
    commands.length = 0;
    const small = await oc.list('x', kinds, 'app=small', 2);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain(
      'get network-attachment-definitions.v1.k8s.cni.cncf.io,persistentvolumeclaims,secrets,virtualmachines.v1.kubevirt.io -n x -l app=small -o json',
    );
    expect(small.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'k8s.cni.cncf.io/v1 NetworkAttachmentDefinition/s3',
      'v1 PersistentVolumeClaim/s2',
      'v1 Secret/s1',
    ]);
    expect(small).toEqual(raw);
    // Up to 400 objects expected (100 instances of these 4 kinds, or a spec of 57 in a deploy's 7): one get still.
    commands.length = 0;
    expect(await oc.list('x', kinds, 'app=small', 100)).toEqual(raw);
    expect(commands).toHaveLength(1);
    // Larger than the bound: raw reads side by side again.
    commands.length = 0;
    expect(await oc.list('x', kinds, 'app=small', 10_000)).toEqual(raw);
    expect(commands).toHaveLength(kinds.length);

    // An optional kind refused: kubectl prints the other kinds' lists beside the refusal, so the
    // one get answers. Any other kind refused: the raw reads say which kind and how.
    sim.faults.forbidden = [{ resource: 'secrets', verb: 'list' }];
    try {
      commands.length = 0;
      expect(await oc.listReadable('x', kinds, 'app=small', ['Secret'], 2)).toEqual({
        items: raw.filter((o) => o.kind !== 'Secret'),
        unreadable: ['Secret'],
      });
      expect(commands).toHaveLength(1);
      commands.length = 0;
      expect((await asyncErrorOf(() => oc.list('x', kinds, 'app=small', 2))).message).toBe(
        'forbidden: sim-user cannot list secrets in namespace x',
      );
      expect(commands).toHaveLength(1 + kinds.length);
    } finally {
      sim.faults.forbidden = [];
    }
  });

  test('list: an item comes without metadata.managedFields, which no consumer reads, and keeps everything else', async () => {
    const managedFields = [
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:v': {} } },
      },
    ];
    sim.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'mf', namespace: 'x', labels: { app: 'mf' }, annotations: { a: 'b' }, managedFields },
      data: { v: 'eA==' },
    });
    // The simulator serves it as stored, as a real API server does.
    expect(sim.get('Secret', 'x', 'mf').metadata.managedFields).toEqual(managedFields);
    const [item] = await runner(KUBECTL).list('x', ['Secret'], 'app=mf');
    expect(item.metadata).not.toHaveProperty('managedFields');
    expect(item).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'mf', labels: { app: 'mf' }, annotations: { a: 'b' } },
      data: { v: 'eA==' },
    });
  });

  test('list: an optional kind the user may not read is unreadable, any other refusal exit 3; a kind not served is said so', async () => {
    const oc = runner(KUBECTL);
    sim.faults.forbidden = [{ resource: 'secrets', verb: 'list' }];
    try {
      const read = await oc.listReadable('x', ['PersistentVolumeClaim', 'Secret'], 'app=a', ['Secret']);
      expect(read).toEqual({
        items: [expect.objectContaining({ kind: 'PersistentVolumeClaim' })],
        unreadable: ['Secret'],
      });
      const refused = await asyncErrorOf(() => oc.list('x', ['PersistentVolumeClaim', 'Secret']));
      expect(refused.exitCode).toBe(3);
      expect(refused.message).toBe('forbidden: sim-user cannot list secrets in namespace x');
      expect(await oc.listEverywhere(['Secret'])).toBeUndefined();
    } finally {
      sim.faults.forbidden = [];
    }
    // A server that serves no such API (CDI not installed) answers 404 to the list.
    const notFound = createServer((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'the server could not find the requested resource',
        }),
      ),
    );
    await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
    try {
      const kubeconfig = path.join(path.dirname(sim.kubeconfigPath), 'not-found');
      writeFileSync(
        kubeconfig,
        readFileSync(sim.kubeconfigPath, 'utf8').replace(
          sim.url,
          `http://127.0.0.1:${(notFound.address() as AddressInfo).port}`,
        ),
      );
      const missing = await asyncErrorOf(() => runner(KUBECTL, kubeconfig).list('x', ['DataVolume']));
      expect(missing.exitCode).toBe(3);
      expect(missing.message).toBe(
        'the cluster does not serve datavolumes.cdi.kubevirt.io (cdi.kubevirt.io/v1beta1)',
      );
    } finally {
      notFound.close();
    }
  });

  describe('an answer v-auto cannot use is exit 3 naming what was wrong, never a crash', () => {
    /** A server that answers every request with `body`, and a kubeconfig pointing at it. */
    async function answering(body: (url: string) => string | Buffer) {
      const server = createServer((req, res) =>
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(body(req.url ?? '')),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const kubeconfig = path.join(path.dirname(sim.kubeconfigPath), `answering-${Math.random()}`);
      writeFileSync(
        kubeconfig,
        readFileSync(sim.kubeconfigPath, 'utf8').replace(
          sim.url,
          `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        ),
      );
      return { kubeconfig, close: () => server.close() };
    }
    const list = (items: unknown[]) => JSON.stringify({ kind: 'List', apiVersion: 'v1', items });

    test.each([
      [
        'an item whose metadata is null',
        'Secret',
        [{ metadata: { name: 'a' } }, { metadata: null }],
        'item 2 of the secrets list: metadata is null, expected a map',
      ],
      [
        'an item with no name',
        'Secret',
        [{ metadata: { labels: {} } }],
        'item 1 of the secrets list: metadata.name is missing, expected text',
      ],
      [
        'a VMI whose ipAddress is a number',
        'VirtualMachineInstance',
        [{ metadata: { name: 'web-01' }, status: { interfaces: [{ name: 'lan', ipAddress: 10 }] } }],
        'VirtualMachineInstance web-01: status.interfaces[0].ipAddress is a number, expected text',
      ],
      [
        'a label that is not text',
        'VirtualMachine',
        [{ metadata: { name: 'web-01', labels: { 'v-auto/managed': true } } }],
        'VirtualMachine web-01: metadata.labels.v-auto/managed is true or false, expected text',
      ],
      [
        'an item that is not an object',
        'DataVolume',
        ['web-01-rootdisk'],
        'item 1 of the datavolumes list: is text, expected an object',
      ],
    ])('%s', async (_what, kind, items, message) => {
      const server = await answering(() => list(items));
      try {
        const err = await asyncErrorOf(() => runner(KUBECTL, server.kubeconfig).list('x', [kind]));
        expect(err.exitCode).toBe(3);
        expect(err.message).toBe(`${KUBECTL} get returned a malformed answer: ${message}`);
      } finally {
        server.close();
      }
    });

    test('an answer larger than the limit is refused as it arrives, not read whole first', async () => {
      // 4 MiB of items against a limit of 1 MiB (the runner's own limit is 64 MiB).
      const item = { metadata: { name: 'a', labels: { pad: 'x'.repeat(1000) } } };
      const body = Buffer.from(list(Array.from({ length: 4096 }, () => item)));
      const server = await answering(() => body);
      try {
        const oc = runner(KUBECTL, server.kubeconfig, { maxReadBytes: 1024 * 1024 });
        const err = await asyncErrorOf(() => oc.list('x', ['Secret']));
        expect(err.exitCode).toBe(3);
        expect(err.message).toBe(
          `${KUBECTL} get --raw /api/v1/namespaces/x/secrets: the answer is larger than 1 MiB, refused`,
        );
        expect(err.hint).toMatch(/^no list v-auto reads should be this large/);
      } finally {
        server.close();
      }
    });
  });
});

describe('OcRunner.follow: a list, then a watch per kind from its resourceVersion', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // A short watch history, so that a watch can be made to start past it (410 Expired).
    sim = await startSimulator({ namespaces: ['f'], watchHistory: 4 });
  });
  afterAll(() => sim.stop());
  const runner = () =>
    new OcRunner({
      binary: KUBECTL,
      kubeconfig: sim.kubeconfigPath,
      requestTimeout: 10,
      env: { PATH: process.env.PATH, HOME: os.tmpdir() },
    });
  const secret = (name: string, value: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'f', labels: { app: 'w' } },
    data: { v: Buffer.from(value).toString('base64') },
  });
  const value = (objects: { metadata: { name: string }; data?: any }[], name: string) =>
    objects.find((o) => o.metadata.name === name)?.data?.v;
  /** The processes still running a watch of this simulator. */
  const watchers = (): string[] => simulatorWatchers(sim.kubeconfigPath);
  /** Runs `change` once the watches' requests have reached the simulator, before it serves them. */
  async function betweenListAndWatch(change: () => void): Promise<void> {
    while (!sim.requests.some((r) => /(^|&)watch=true/.test(r.query)))
      await new Promise((r) => setTimeout(r, 5));
    change();
  }
  async function until(check: () => boolean, follow: { next(ms: number): Promise<void> }) {
    while (!check()) await follow.next(1000);
  }

  test('a change between the list and the watch is not lost, a later one arrives as it happens, stop ends the processes', async () => {
    sim.put(secret('a', 'listed'));
    sim.put(secret('other', 'x'));
    sim.clearRequests();
    sim.faults.latencyMs = 300;
    const following = runner().follow('f', ['Secret', 'VirtualMachine'], 'app=w', 60);
    await betweenListAndWatch(() => sim.put(secret('a', 'between')));
    const follow = await following;
    sim.faults.latencyMs = 0;
    try {
      await until(() => value(follow.objects(), 'a') === Buffer.from('between').toString('base64'), follow);
      sim.put(secret('b', 'live'));
      sim.remove('Secret', 'f', 'other');
      await until(
        () =>
          follow
            .objects()
            .map((o) => o.metadata.name)
            .join() === 'a,b',
        follow,
      );
      expect(follow.ended).toBeUndefined();
      expect(watchers()).toHaveLength(2);
    } finally {
      follow.stop();
    }
    while (watchers().length) await new Promise((r) => setTimeout(r, 20));
    expect(follow.ended).toBe('stopped');
  });

  test('a watch whose version has left the history ends the follow with the 410 Expired reason', async () => {
    sim.clearRequests();
    sim.faults.latencyMs = 300;
    const following = runner().follow('f', ['Secret'], 'app=w', 60);
    // More writes than the history keeps, between the list and the watch.
    await betweenListAndWatch(() => {
      for (let i = 0; i < 10; i++) sim.put(secret('churn', String(i)));
    });
    const follow = await following;
    sim.faults.latencyMs = 0;
    try {
      await until(() => follow.ended !== undefined, follow);
      expect(follow.ended).toMatch(/^the watch of secrets ended: too old resource version: \d+ \(\d+\)$/);
    } finally {
      follow.stop();
    }
  });

  test('a user who may list but not watch: the follow ends, saying so', async () => {
    sim.faults.forbidden = [{ resource: 'secrets', verb: 'watch' }];
    try {
      const follow = await runner().follow('f', ['Secret'], 'app=w', 60);
      await until(() => follow.ended !== undefined, follow);
      expect(follow.ended).toMatch(
        /^the watch of secrets ended: .*forbidden.*cannot watch resource "secrets"/,
      );
      follow.stop();
    } finally {
      sim.faults.forbidden = [];
    }
  });
});
