// deploy's upload of a `file:` golden image: checked before anything is sent, sent once the golden DataVolume waits for it.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ChangePlan } from '../changes/plan-changes.js';
import type { K8sObject } from '../cluster/k8s-object.js';
// ../cluster/image-upload.js is imported where a file is hashed or sent: it loads node:https (tls,
// http: ~6 ms of CPU), which a deploy without a `file:` image never uses (issue #30).
import { ExitCode, usageError, VAutoError } from '../errors.js';
import { goldenDiskName } from '../model/names.js';
import type { Plan } from '../plan/plan-instances.js';
import type { ResultLine } from '../report/results.js';
import type { ClusterDeps } from './cluster-deps.js';

/** A file the golden DataVolume still needs: where it is and how large. */
export interface PendingUpload {
  /** The DataVolume (and its PVC) the file goes into. */
  disk: string;
  file: string;
  /** As the catalog gives it, for messages. */
  label: string;
  bytes: number;
}

/** Where the route of CDI's upload proxy is on OpenShift Virtualization. */
const PROXY_ROUTE = { namespace: 'openshift-cnv', name: 'cdi-uploadproxy' };
/** Tries of one upload: the first and two restarts after a broken link. */
const ATTEMPTS = 3;

/**
 * The upload deploy must make, if any: the spec's golden image is a `file:` and its DataVolume has
 * not received it (a DataVolume that Succeeded, or whose PVC is there without it, has). The file
 * must be a readable regular file and match the catalog's sha256 when one is given: exit 2 before
 * anything is sent, since a wrong image would be cloned into every instance.
 */
export async function pendingUpload(
  plan: Plan,
  changes: ChangePlan,
  home: string,
): Promise<PendingUpload | undefined> {
  const golden = plan.golden;
  if (!golden || !('file' in golden.source)) return undefined;
  const disk = goldenDiskName(golden);
  const change = changes.changes.find((c) => c.kind === 'DataVolume' && c.name === disk);
  if (!change || change.action === 'imported' || change.live?.status?.phase === 'Succeeded') return undefined;
  const label = golden.source.file;
  const file = path.resolve(home, 'projects', plan.settings.project, label);
  let bytes: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw usageError(`images.${golden.name}.file: ${label} is not a regular file`);
    bytes = stats.size;
  } catch (err) {
    if (err instanceof VAutoError) throw err;
    throw usageError(
      `images.${golden.name}.file: cannot read ${label} (${(err as NodeJS.ErrnoException).code})`,
      `the path is relative to the project folder: ${path.dirname(file)}`,
    );
  }
  if (golden.sha256) {
    const { fileSha256 } = await import('../cluster/image-upload.js');
    const actual = await fileSha256(file);
    if (actual !== golden.sha256)
      throw usageError(
        `images.${golden.name}.file: ${label} has SHA-256 ${actual}, not the catalog's ${golden.sha256}; nothing was sent`,
        'check the file (a partial copy?) or correct images.' + golden.name + '.sha256',
      );
  }
  return { disk, file, label, bytes };
}

/**
 * Sends the file into the golden DataVolume: waits until CDI's upload server is ready (the
 * DataVolume UploadReady, as virtctl waits: pkg/virtctl/imageupload/wait.go), asks for a token
 * (an UploadTokenRequest), and streams the file to the upload proxy, showing its progress: a bar
 * on a terminal, a line per tenth otherwise.
 */
export async function uploadGolden(
  upload: PendingUpload,
  namespace: string,
  options: { proxy?: string; insecure: boolean; timeoutSeconds: number },
  deps: ClusterDeps,
): Promise<ResultLine> {
  const cluster = deps.cluster();
  const now = deps.now ?? Date.now;
  const pollMs = deps.pollMs ?? 1000;
  const deadline = now() + options.timeoutSeconds * 1000;
  let dv: K8sObject | undefined;
  for (;;) {
    dv = await cluster.get(namespace, 'DataVolume', upload.disk);
    const phase = dv?.status?.phase;
    if (phase === 'Succeeded')
      return { flag: 'SKIPPED', kind: 'DataVolume', name: upload.disk, detail: 'image already uploaded' };
    if (phase === 'UploadReady' || phase === 'UploadInProgress') break;
    if (now() > deadline)
      throw new VAutoError(
        `DataVolume ${upload.disk} is not ready for the upload after ${options.timeoutSeconds} s (phase ${phase ?? 'none'})`,
        {
          exitCode: ExitCode.CLUSTER,
          hint: `see its events: oc describe dv ${upload.disk} -n ${namespace}; deploy again to upload`,
        },
      );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const proxyUrl = options.proxy ?? (await routeUrl(deps));
  const token = await cluster.uploadToken(namespace, upload.disk);
  const started = now();
  const progress = uploadProgress(upload, deps);
  const { uploadImage } = await import('../cluster/image-upload.js');
  try {
    await uploadImage({
      proxyUrl,
      token,
      file: upload.file,
      bytes: upload.bytes,
      insecure: options.insecure,
      attempts: ATTEMPTS,
      signal: deps.signal,
      onProgress: progress.sent,
      onRetry: (attempt, reason) =>
        deps.report.aside(
          `upload of ${upload.label}: the link broke (${reason}); starting again (${attempt + 1}/${ATTEMPTS})`,
        ),
    });
  } finally {
    progress.stop();
  }
  const seconds = ((now() - started) / 1000).toFixed(1);
  return {
    flag: 'SUCCESS',
    kind: 'DataVolume',
    name: upload.disk,
    detail: `uploaded ${upload.label} (${mib(upload.bytes)} MiB in ${seconds} s)`,
  };
}

async function routeUrl(deps: ClusterDeps): Promise<string> {
  const route = await deps.cluster().get(PROXY_ROUTE.namespace, 'Route', PROXY_ROUTE.name);
  const host = route?.spec?.host;
  if (typeof host !== 'string' || !host)
    throw new VAutoError(
      `no route ${PROXY_ROUTE.name} in ${PROXY_ROUTE.namespace}: the upload proxy's address is unknown`,
      {
        exitCode: ExitCode.CLUSTER,
        hint: "set upload_proxy: https://HOST in config.yaml (the address of CDI's cdi-uploadproxy)",
      },
    );
  return `https://${host}`;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** A bar redrawn in place on a terminal; without one, a line at each tenth. */
function uploadProgress(upload: PendingUpload, deps: ClusterDeps) {
  const view = deps.live?.();
  let tenth = -1;
  return {
    sent: (bytes: number) => {
      const share = upload.bytes ? bytes / upload.bytes : 1;
      if (view) {
        const width = 30;
        const full = Math.round(share * width);
        view.update([
          `uploading ${upload.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(share * 100).toFixed(0)}% ${mib(bytes)}/${mib(upload.bytes)} MiB`,
        ]);
      } else if (Math.floor(share * 10) > tenth) {
        tenth = Math.floor(share * 10);
        deps.report.progress(
          `uploading ${upload.label}: ${tenth * 10}% (${mib(bytes)} of ${mib(upload.bytes)} MiB)`,
        );
      }
    },
    stop: () => view?.stop(),
  };
}
