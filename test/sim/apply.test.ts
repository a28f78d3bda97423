// End-to-end: the real kubectl applies a multi-document stack and reports created, unchanged and configured for the right reasons.
import { readFileSync } from 'node:fs';
import { allKubectls } from '../helpers/kubectl-binaries.js';
import { startSimulator, type Simulator } from './index.js';
import { fixture, kubectl } from './kubectl.js';
import { readFields } from './protobuf.js';

/** The kubectls here that still need /openapi/v2 to apply (those of oc 4.14 and 4.15). */
const OPENAPI_V2_KUBECTLS = allKubectls().filter((k) => /kubectl\.1\.2[78]$/.test(k));

const LINES = [
  'secret/web-1-cloudinit',
  'networkattachmentdefinition.k8s.cni.cncf.io/web-1-net',
  'datavolume.cdi.kubevirt.io/web-1-rootdisk',
  'virtualmachine.kubevirt.io/web-1',
];

const expectLines = (stdout: string, verbs: string[]): void => {
  expect(stdout.trim().split('\n')).toEqual(LINES.map((l, i) => `${l} ${verbs[i]}`));
};

describe('kubectl apply against the simulator', () => {
  let sim: Simulator;
  beforeEach(async () => {
    // Vanilla: these check kubectl's own created/unchanged/configured logic, which kubemacpool's MACs would mask.
    sim = await startSimulator({ profile: 'vanilla' });
  });
  afterEach(async () => {
    await sim.stop();
  });

  test('base64 data: created, then unchanged for every object, then configured for the changed one', async () => {
    const first = await kubectl(sim, ['apply', '-f', fixture('stack-data.yaml')]);
    expect(first.stderr).toBe('');
    expectLines(first.stdout, ['created', 'created', 'created', 'created']);
    await sim.settle();
    const vmBefore = sim.get('VirtualMachine', 'default', 'web-1');

    sim.clearRequests();
    const second = await kubectl(sim, ['apply', '-f', fixture('stack-data.yaml')]);
    expectLines(second.stdout, ['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    // kubectl computes an empty patch and sends nothing: no write reaches the server.
    expect(sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(sim.get('VirtualMachine', 'default', 'web-1').metadata.resourceVersion).toBe(
      vmBefore.metadata.resourceVersion,
    );

    const changed = readFileSync(fixture('stack-data.yaml'), 'utf8').replace('cores: 2', 'cores: 4');
    const third = await kubectl(sim, ['apply', '-f', '-'], changed);
    expectLines(third.stdout, ['unchanged', 'unchanged', 'unchanged', 'configured']);
    const vm = sim.get('VirtualMachine', 'default', 'web-1');
    expect(vm.spec.template.spec.domain.cpu.cores).toBe(4);
    expect(vm.metadata.generation).toBe(2);
    expect(
      JSON.parse(vm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).spec.template
        .spec.domain.cpu.cores,
    ).toBe(4);
  });

  test('stringData: folded into data on write, so a re-apply reports the Secret configured (kubernetes#87736)', async () => {
    expectLines((await kubectl(sim, ['apply', '-f', fixture('stack.yaml')])).stdout, [
      'created',
      'created',
      'created',
      'created',
    ]);
    const secret = sim.get('Secret', 'default', 'web-1-cloudinit');
    expect(secret.stringData).toBeUndefined();
    expect(Buffer.from(secret.data.userdata, 'base64').toString()).toBe('#cloud-config\nhostname: web-1\n');
    expectLines((await kubectl(sim, ['apply', '-f', fixture('stack.yaml')])).stdout, [
      'configured',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  test('a Secret without a type is stored as Opaque, as kube-apiserver defaults it; a re-apply is unchanged', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\ndata:\n  key: dmFsdWU=\n';
    expect((await kubectl(sim, ['apply', '-f', '-'], secret)).stdout.trim()).toBe('secret/plain created');
    expect(sim.get('Secret', 'default', 'plain').type).toBe('Opaque');
    expect((await kubectl(sim, ['apply', '-f', '-'], secret)).stdout.trim()).toBe('secret/plain unchanged');
  });

  test('kubectl asks for openapi v3 and aggregated discovery, and sends fieldValidation=Strict', async () => {
    await kubectl(sim, ['apply', '-f', fixture('stack-data.yaml')]);
    const paths = sim.requests.map((r) => r.path);
    expect(paths).toContain('/openapi/v3');
    expect(paths).toContain('/apis');
    expect(paths).not.toContain('/openapi/v2');
    const posts = sim.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(4);
    for (const p of posts) expect(p.query).toContain('fieldValidation=Strict');
  });

  (OPENAPI_V2_KUBECTLS.length
    ? test.each(OPENAPI_V2_KUBECTLS)
    : test.skip.each(['(no kubectl 1.27 or 1.28 here)']))(
    '%s fetches /openapi/v2 as protobuf, then applies: created, unchanged, configured',
    async (binary) => {
      const first = await kubectl(sim, ['apply', '-f', fixture('stack-data.yaml')], undefined, binary);
      expect(first.stderr).toBe('');
      expectLines(first.stdout, ['created', 'created', 'created', 'created']);
      expect(sim.requests.map((r) => r.path)).toContain('/openapi/v2');
      expectLines(
        (await kubectl(sim, ['apply', '-f', fixture('stack-data.yaml')], undefined, binary)).stdout,
        ['unchanged', 'unchanged', 'unchanged', 'unchanged'],
      );
      const changed = readFileSync(fixture('stack-data.yaml'), 'utf8').replace('cores: 2', 'cores: 4');
      expectLines((await kubectl(sim, ['apply', '-f', '-'], changed, binary)).stdout, [
        'unchanged',
        'unchanged',
        'unchanged',
        'configured',
      ]);
      expect(sim.get('VirtualMachine', 'default', 'web-1').spec.template.spec.domain.cpu.cores).toBe(4);
    },
  );

  test('/openapi/v2: gnostic protobuf for the protobuf Accept (dotted Content-Type), JSON for JSON, 406 otherwise', async () => {
    const get = (accept: string) => fetch(`${sim.url}/openapi/v2`, { headers: { Accept: accept } });
    const pb = await get('application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    expect(pb.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const fields = readFields(Buffer.from(await pb.arrayBuffer()));
    const text = (no: number) =>
      fields.filter((f) => f.no === no).map((f) => ('bytes' in f ? f.bytes : Buffer.alloc(0)));
    expect(text(1).map(String)).toEqual(['2.0']);
    expect(readFields(text(2)[0]).map((f) => ('bytes' in f ? `${f.no}=${f.bytes}` : ''))).toEqual([
      '1=Kubernetes',
      '2=v1.32.0',
    ]);
    expect(await (await get('application/json')).json()).toEqual({
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
    });
    expect((await get('text/html')).status).toBe(406);
  });

  test('a namespace created by apply gets its kubernetes.io/metadata.name label', async () => {
    const r = await kubectl(
      sim,
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n',
    );
    expect(r.stdout.trim()).toBe('namespace/team-a created');
    expect(sim.get('Namespace', undefined, 'team-a').metadata.labels).toEqual({
      'kubernetes.io/metadata.name': 'team-a',
    });
    const into = await kubectl(sim, ['apply', '-n', 'team-a', '-f', fixture('stack-data.yaml')]);
    expect(into.code).toBe(0);
    expect(sim.list('VirtualMachine', 'team-a')).toHaveLength(1);
  });
});
