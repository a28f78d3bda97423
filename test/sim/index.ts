// Public entry of the local Kubernetes API simulator that the real kubectl talks to in end-to-end tests, the demo and the benchmark.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controllers, Scheduler } from './controllers.js';
import { Link } from './link.js';
import { startUploadProxy } from './upload-proxy.js';
import { noFaults, SIM_USER, type Faults } from './faults.js';
import { addVolumeToTemplate, repointVolumes, restoredClaimName } from './hotplug.js';
import { byKind } from './resources.js';
import { installInstancetypes } from './instancetypes.js';
import { deleteProtection, profileAdmissions, type SimulatorProfile } from './openshift.js';
import { installOvn } from './ovn.js';
import { createHandler, type Admission } from './server.js';
import { ObjectStore, deepClone, type Obj } from './store.js';
import { SchemaValidator } from './validation.js';

export type { Faults } from './faults.js';
export type { SimulatorProfile } from './openshift.js';

export interface SimulatorOptions {
  /** Default: env V_AUTO_SCHEMAS, else ../shared/schemas beside the repository; null disables validation. */
  schemasDir?: string | null;
  /** Controller step intervals; small by default so tests are fast. */
  timings?: { importStepMs?: number; vmStepMs?: number; cloneMs?: number };
  /** When true, a Succeeded DataVolume is deleted after import, leaving its PVC (CDI garbage collection). */
  gcDataVolumes?: boolean;
  /** Namespaces that exist at start; default ['default']. */
  namespaces?: string[];
  /**
   * Default 'openshift': kubemacpool and KubeVirt's VM mutator rewrite every VM written, and running VMs
   * take LiveUpdate's hot-plug (test/sim/openshift.ts). 'vanilla': objects are stored as sent, and any
   * template change of a running VM needs a restart.
   */
  profile?: SimulatorProfile;
  /** OpenShift profile: how many MACs kubemacpool's range holds (default 2^32 - 1); small to show release and reuse. */
  macPoolSize?: number;
  /** Default 0: a free loopback port. */
  port?: number;
  /** Default true: serve KubeVirt's common cluster instance types and preferences, and check VMs' references to them. */
  instancetypes?: boolean;
  /**
   * `--link-mbps`: imports from one source share this many Mbit/s, each progressing as its bytes
   * arrive, and so do uploads through the upload proxy. Default: no link modelled (fixed steps).
   */
  linkMbps?: number;
  /** `--image-mb`: the size of every image on the modelled link (default 1,024 MB). */
  imageMb?: number;
  /** Milliseconds between a watch's periodic BOOKMARK events (default a minute, as the API server's). */
  watchBookmarkMs?: number;
  /** How many writes the watch history keeps (default 10,000): small to show a watch's 410 Expired. */
  watchHistory?: number;
}

export interface Simulator {
  url: string;
  /** The CDI upload proxy (HTTPS, self-signed), also named by route cdi-uploadproxy in openshift-cnv. */
  uploadProxyUrl: string;
  kubeconfigPath: string;
  faults: Faults;
  /** Every request in order; contentType only when the request had a body type. */
  requests: { method: string; path: string; query: string; contentType?: string }[];
  clearRequests(): void;
  put(obj: any): any;
  get(kind: string, namespace: string | undefined, name: string): any | undefined;
  list(kind: string, namespace?: string): any[];
  remove(kind: string, namespace: string | undefined, name: string): void;
  /** `virtctl addvolume VM --volume-name=CLAIM --persist`: CLAIM (a DataVolume, else a PVC) joins the VM (test/sim/hotplug.ts). */
  hotplugVolume(namespace: string, vm: string, claim: string): void;
  /**
   * A completed VirtualMachineRestore of the VM: each DataVolume or PVC volume on a restored PVC
   * (labels copied from the one snapshotted), named by the policy. Returns the new claims' names.
   */
  restore(
    namespace: string,
    vm: string,
    options?: { policy?: 'RandomizeNames' | 'PrefixTargetName'; uid?: string },
  ): string[];
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the upstream schemas are looked for: $V_AUTO_SCHEMAS, else ../shared/schemas beside the repository. */
export function defaultSchemasDir(): string {
  return process.env.V_AUTO_SCHEMAS || path.resolve(repoRoot, '../shared/schemas');
}

function kubeconfig(url: string): string {
  // JSON is valid YAML, and spares a YAML dependency here.
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'sim', cluster: { server: url } }],
      users: [{ name: 'sim', user: { token: `${SIM_USER}-token` } }],
      contexts: [{ name: 'sim', context: { cluster: 'sim', user: 'sim', namespace: 'default' } }],
      'current-context': 'sim',
      preferences: {},
    },
    null,
    2,
  );
}

/** Starts a simulator on a loopback port and writes a kubeconfig pointing at it. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const store = new ObjectStore(options.watchHistory);
  const faults = noFaults();
  const requests: Simulator['requests'] = [];
  const schemasDir = options.schemasDir === null ? null : (options.schemasDir ?? defaultSchemasDir());
  const validator = new SchemaValidator(schemasDir);
  const scheduler = new Scheduler();
  const profile = options.profile ?? 'openshift';
  const ovn = installOvn(store, scheduler, options.timings?.vmStepMs ?? 20);
  const link = options.linkMbps ? Link.mbps(options.linkMbps) : undefined;
  const controllers = new Controllers(store, scheduler, {
    ovn,
    importStepMs: options.timings?.importStepMs ?? 20,
    vmStepMs: options.timings?.vmStepMs ?? 20,
    gcDataVolumes: options.gcDataVolumes ?? false,
    failImports: () => faults.failImports,
    stuckVmis: () => faults.stuckVmis,
    transientImportErrors: () => faults.transientImportErrors,
    unschedulableVmis: () => faults.unschedulableVmis,
    slowShutdowns: () => faults.slowShutdowns,
    liveUpdate: profile === 'openshift',
    cloneMs: options.timings?.cloneMs ?? 20,
    link,
    imageBytes: (options.imageMb ?? 1024) * 1_000_000,
  });

  const admissions: Admission[] = [...profileAdmissions(profile, store, options.macPoolSize), ovn.admission];
  if (options.instancetypes !== false)
    admissions.push(installInstancetypes(store, scheduler, options.timings?.vmStepMs ?? 20));

  const ensureNamespace = (ns: string): void => {
    if (!store.get('Namespace', undefined, ns)) {
      store.create({
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
  };
  for (const ns of options.namespaces ?? ['default']) ensureNamespace(ns);

  /** Upload tokens issued by UploadTokenRequest, with the PVC each is good for. */
  const uploadTokens = new Map<string, { namespace: string; pvc: string }>();
  let host = '';
  const server = createServer(
    createHandler({
      store,
      faults,
      validator,
      requests,
      host: () => host,
      admissions,
      deleteAdmissions: deleteProtection(profile),
      watchBookmarkMs: options.watchBookmarkMs,
      uploadToken: (request) => {
        const token = randomBytes(24).toString('base64url');
        uploadTokens.set(token, { namespace: request.metadata.namespace, pvc: request.spec?.pvcName ?? '' });
        return token;
      },
    }),
  );
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const uploads = await startUploadProxy({
    store,
    tokens: uploadTokens,
    link,
    breakUploads: () => faults.breakUploads,
    onBroken: () => void faults.breakUploads--,
    started: (ns, pvc) => controllers.uploadStarted(ns, pvc),
    received: (ns, pvc) => controllers.uploadReceived(ns, pvc),
  });
  // OpenShift exposes the upload proxy as route cdi-uploadproxy in openshift-cnv (reencrypt TLS).
  ensureNamespace('openshift-cnv');
  store.create({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name: 'cdi-uploadproxy', namespace: 'openshift-cnv' },
    spec: {
      host: new URL(uploads.url).host,
      to: { kind: 'Service', name: 'cdi-uploadproxy' },
      tls: { termination: 'reencrypt' },
    },
  });
  host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-sim-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(url), { mode: 0o600 });

  return {
    url,
    uploadProxyUrl: uploads.url,
    kubeconfigPath,
    faults,
    requests,
    clearRequests: () => void requests.splice(0, requests.length),
    put(obj: any) {
      const rt = byKind(obj.kind);
      const ns = rt.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
      if (ns) ensureNamespace(ns);
      const o = deepClone(obj);
      o.metadata = { ...(o.metadata ?? {}), namespace: ns };
      if (rt.kind === 'Secret' && o.stringData) {
        o.data = {
          ...(o.data ?? {}),
          ...Object.fromEntries(
            Object.entries(o.stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]),
          ),
        };
        delete o.stringData;
      }
      const cur = store.get(rt.kind, ns, o.metadata.name);
      return deepClone(cur ? store.update(o) : store.create(o));
    },
    get: (kind, namespace, name) => deepClone(store.get(byKind(kind).kind, namespace, name)),
    list: (kind, namespace) => deepClone(store.list(byKind(kind).kind, namespace)),
    remove: (kind, namespace, name) => void store.deleteWithDependents(byKind(kind).kind, namespace, name),
    hotplugVolume(namespace, vm, claim) {
      const cur = store.get('VirtualMachine', namespace, vm);
      if (!cur) throw new Error(`no VirtualMachine ${namespace}/${vm}`);
      const next = deepClone(cur);
      const kind = store.get('DataVolume', namespace, claim) ? 'DataVolume' : 'PVC';
      addVolumeToTemplate(((next.spec.template ??= {}).spec ??= {}), claim, kind);
      store.update(next);
    },
    restore(namespace, vm, options = {}) {
      const cur = store.get('VirtualMachine', namespace, vm);
      if (!cur) throw new Error(`no VirtualMachine ${namespace}/${vm}`);
      const uid = options.uid ?? crypto.randomUUID();
      const made: string[] = [];
      const next = deepClone(cur);
      repointVolumes(next.spec.template.spec, (volume) => {
        const old = (cur.spec.template.spec.volumes ?? []).find((v: Obj) => v.name === volume);
        const source = store.get(
          'PersistentVolumeClaim',
          namespace,
          old?.dataVolume?.name ?? old?.persistentVolumeClaim?.claimName,
        );
        const name = restoredClaimName(vm, volume, uid, options.policy ?? 'RandomizeNames');
        store.create({
          kind: 'PersistentVolumeClaim',
          metadata: { name, namespace, labels: { ...(source?.metadata?.labels ?? {}) } },
          spec: { ...deepClone(source?.spec ?? {}), volumeName: `pvc-${name}` },
          status: {
            phase: 'Bound',
            ...(source?.status?.capacity ? { capacity: source.status.capacity } : {}),
          },
        });
        made.push(name);
        return name;
      });
      store.update(next);
      return made;
    },
    settle: async () => scheduler.settle(),
    stop: async () => {
      scheduler.stop();
      uploads.server.closeAllConnections();
      await new Promise<void>((resolve) => uploads.server.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type { Obj };
