// Protobuf request bodies: kubectl's typed commands and Helm's release Secrets are decoded; other kinds get a 415.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pinnedBinary } from '../helpers/kubectl-binaries.js';
import { startSimulator, type Simulator } from './index.js';
import { PROTOBUF_CONTENT_TYPE } from './kube-protobuf.js';
import { kubectl } from './kubectl.js';
import { lengthDelimited } from './protobuf.js';

const HELM = pinnedBinary('helm');

function helm(sim: Simulator, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = path.dirname(sim.kubeconfigPath);
  return new Promise((resolve) => {
    execFile(
      HELM!,
      ['--kubeconfig', sim.kubeconfigPath, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: home } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as any).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}: the envelope of apimachinery's protobuf serializer. */
function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([lengthDelimited(1, apiVersion), lengthDelimited(2, kind)]);
  return Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    lengthDelimited(1, typeMeta),
    lengthDelimited(2, raw),
  ]);
}

describe('protobuf request bodies', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ profile: 'vanilla' });
  });
  afterEach(() => sim.stop());

  test('kubectl create namespace and create secret send protobuf; the objects are stored as sent', async () => {
    const ns = await kubectl(sim, ['create', 'namespace', 'team-a']);
    expect(ns.stderr).toBe('');
    expect(ns.stdout.trim()).toBe('namespace/team-a created');
    expect(sim.requests.find((r) => r.method === 'POST')?.contentType).toBe(PROTOBUF_CONTENT_TYPE);
    expect(sim.get('Namespace', undefined, 'team-a').metadata).toMatchObject({
      name: 'team-a',
      labels: { 'kubernetes.io/metadata.name': 'team-a' },
    });
    expect(sim.get('Namespace', undefined, 'team-a').metadata.generateName).toBeUndefined();

    const secret = await kubectl(sim, [
      'create',
      'secret',
      'generic',
      's1',
      '-n',
      'team-a',
      '--from-literal=user=admin',
      '--from-literal=empty=',
    ]);
    expect(secret.stdout.trim()).toBe('secret/s1 created');
    const stored = sim.get('Secret', 'team-a', 's1');
    expect(stored.data).toEqual({ user: Buffer.from('admin').toString('base64'), empty: '' });
    expect((await kubectl(sim, ['delete', 'secret', 's1', '-n', 'team-a'])).stdout.trim()).toBe(
      'secret "s1" deleted',
    );
    expect(sim.get('Secret', 'team-a', 's1')).toBeUndefined();
  });

  (HELM ? test : test.skip)(
    'Helm 4 install, upgrade and uninstall: its release Secrets are written, relabelled and deleted',
    async () => {
      const chart = path.join(path.dirname(sim.kubeconfigPath), 'chart');
      mkdirSync(path.join(chart, 'templates'), { recursive: true });
      writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
      writeFileSync(
        path.join(chart, 'templates', 'secret.yaml'),
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-data\ndata:\n  v: MQ==\n',
      );
      const install = await helm(sim, ['install', 'r1', chart, '-n', 'default']);
      expect(install.stderr).toBe('');
      expect(install.code).toBe(0);
      const release = sim.get('Secret', 'default', 'sh.helm.release.v1.r1.v1');
      expect(release.type).toBe('helm.sh/release.v1');
      expect(release.metadata.labels).toMatchObject({
        owner: 'helm',
        name: 'r1',
        status: 'deployed',
        version: '1',
      });
      expect(release.data.release.length).toBeGreaterThan(100);
      expect(sim.requests.some((r) => r.method === 'POST' && r.contentType === PROTOBUF_CONTENT_TYPE)).toBe(
        true,
      );

      expect((await helm(sim, ['upgrade', 'r1', chart, '-n', 'default'])).code).toBe(0);
      expect(sim.get('Secret', 'default', 'sh.helm.release.v1.r1.v1').metadata.labels.status).toBe(
        'superseded',
      );
      expect(sim.get('Secret', 'default', 'sh.helm.release.v1.r1.v2').metadata.labels.status).toBe(
        'deployed',
      );
      expect((await helm(sim, ['list', '-n', 'default', '-q'])).stdout.trim()).toBe('r1');

      expect((await helm(sim, ['uninstall', 'r1', '-n', 'default'])).code).toBe(0);
      expect(sim.list('Secret', 'default').map((s) => s.metadata.name)).toEqual([]);
      // Helm updates its release Secrets with PUT and deletes them with a protobuf DeleteOptions body.
      const protobufWrites = sim.requests
        .filter((r) => r.contentType === PROTOBUF_CONTENT_TYPE)
        .map((r) => r.method);
      expect(new Set(protobufWrites)).toEqual(new Set(['POST', 'PUT', 'DELETE']));
    },
  );

  test('a protobuf body of a kind not decoded is 415 UnsupportedMediaType; a Secret body that is not protobuf is 400', async () => {
    const post = (resource: string, body: Buffer) =>
      fetch(`${sim.url}/api/v1/namespaces/default/${resource}`, {
        method: 'POST',
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE },
        body: new Uint8Array(body),
      });
    const pvc = await post(
      'persistentvolumeclaims',
      envelope('v1', 'PersistentVolumeClaim', lengthDelimited(1, lengthDelimited(1, 'c1'))),
    );
    expect(pvc.status).toBe(415);
    expect(await pvc.json()).toMatchObject({
      reason: 'UnsupportedMediaType',
      message: expect.stringContaining('accepted media types include: application/json'),
    });
    const garbage = await post('secrets', Buffer.from('{"kind":"Secret"}'));
    expect(garbage.status).toBe(400);
    expect((await garbage.json()).message).toContain(
      'error decoding request body: provided data does not appear to be a protobuf message',
    );
    expect(sim.list('PersistentVolumeClaim', 'default')).toEqual([]);
    expect(sim.list('Secret', 'default')).toEqual([]);
  });
});
