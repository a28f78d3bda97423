// The oc runner: the only module that starts processes. Arguments as an array, manifests on stdin.
import { execa, type ResultPromise } from 'execa';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { ExitCode, interruptedError, VAutoError } from '../errors.js';
import { printableLines } from '../printable.js';
import type { ApplyManifest, ClusterClient, Follow, ObjectOutcome, ObjectRef } from './cluster-client.js';
import {
  KIND_RESOURCE,
  listPath,
  qualifiedResource,
  versionedResource,
  type K8sObject,
} from './k8s-object.js';
import { accessError, errorLines, firstErrorLine, parseForbidden } from './oc-errors.js';
import { malformation } from './object-shape.js';
import { parseResultLines, parseRun, type RunOutput } from './parse-output.js';
import { JsonObjectSplitter, WatchedObjects, type WatchEvent } from './watch-stream.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The most one oc process may print on stdout. The largest reads measured, all of a namespace's
 * objects at N=1,000, are ~12 MB of JSON in all (docs/performance.md); an answer past this is
 * refused as it arrives (the process is stopped), before it is held and parsed: a 110 MB answer
 * took 2 GB of memory when read whole first.
 */
const MAX_READ_BYTES = 64 * 1024 * 1024;

/**
 * A read expected to hold at most this many objects goes as one `get` of all its kinds rather
 * than one raw read per kind. Each kubectl process costs ~60 ms of CPU to start, so on 2 cores 7
 * raw reads side by side take ~250 ms where one get of 7 kinds takes ~80 ms; but the get decodes
 * and prints every object again, ~0.6 ms each. Each spawn also costs v-auto 7–20 ms of its own
 * thread. Measured for a no-change redeploy (7 kinds, 2026-12-07, docs/cluster.md): one get is
 * faster at N=50 (350 objects expected) at 0 and 10 ms per response; at N=100 (700) the raw reads
 * are as fast at 0 ms and faster at 10 ms.
 */
const ONE_GET_MAX_OBJECTS = 400;

export interface OcRunnerOptions {
  binary: string;
  kubeconfig?: string;
  context?: string;
  /** Seconds for each API request (--request-timeout); the process gets a longer deadline. */
  requestTimeout: number;
  /** Ends running children on Ctrl-C. */
  signal?: AbortSignal;
  /** Called with each command line (never holds secrets: those go on stdin). */
  debug?: (line: string) => void;
  /** The environment oc runs with; v-auto's own V_AUTO_* variables (inputs: passwords) are left out. */
  env: Record<string, string | undefined>;
  /** The most one process may print on stdout (MAX_READ_BYTES unless a test sets it lower). */
  maxReadBytes?: number;
}

/** Picks the CLI: --oc / V_AUTO_OC, else oc on PATH, else kubectl on PATH (with a notice). */
export function resolveBinary(
  explicit: string | undefined,
  pathEnv: string | undefined,
): { binary: string; notice?: string } {
  if (explicit) return { binary: explicit };
  const dirs = (pathEnv ?? '').split(path.delimiter).filter(Boolean);
  const find = (name: string) => dirs.map((d) => path.join(d, name)).find(isExecutable);
  const oc = find('oc');
  if (oc) return { binary: oc };
  const kubectl = find('kubectl');
  if (kubectl) return { binary: kubectl, notice: `oc not found on PATH; using ${kubectl}` };
  throw new VAutoError('neither oc nor kubectl was found on PATH', {
    exitCode: ExitCode.CLUSTER,
    hint: 'install the oc client, or give its path with --oc PATH or V_AUTO_OC',
  });
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export class OcRunner implements ClusterClient {
  readonly binary: string;
  constructor(private readonly options: OcRunnerOptions) {
    this.binary = options.binary;
  }

  async namespaceExists(namespace: string): Promise<boolean | undefined> {
    const read = await this.readNamespace(namespace);
    return read === undefined ? undefined : read !== false;
  }

  async namespaceLabels(namespace: string): Promise<Record<string, string> | undefined> {
    const read = await this.readNamespace(namespace);
    return read ? (read.metadata.labels ?? {}) : undefined;
  }

  /** The Namespace object, false when it does not exist, undefined when the user may not read it. */
  private async readNamespace(namespace: string): Promise<K8sObject | false | undefined> {
    const args = ['get', '--raw', `/api/v1/namespaces/${encodeURIComponent(namespace)}`];
    const result = await this.start(args, undefined, 0);
    if (result.exitCode === 0) {
      try {
        return JSON.parse(result.stdout) as K8sObject;
      } catch {
        throw this.genericError(`the server's answer for namespace ${namespace} is not JSON`, args);
      }
    }
    if (/\(NotFound\)/.test(result.stderr)) return false;
    // OpenShift project members may not read Namespace objects at all: the answer is unknown.
    if (/forbidden/i.test(result.stderr)) return undefined;
    throw accessError(result.stderr) ?? this.genericError(result.stderr, args);
  }

  async list(
    namespace: string,
    kinds: string[],
    selector?: string,
    instances?: number,
  ): Promise<K8sObject[]> {
    return (await this.listReadable(namespace, kinds, selector, [], instances)).items;
  }

  async listReadable(
    namespace: string,
    kinds: string[],
    selector: string | undefined,
    optional: string[],
    instances?: number,
  ): Promise<{ items: K8sObject[]; unreadable: string[] }> {
    // About one object per instance and kind.
    const small = instances !== undefined && instances * kinds.length <= ONE_GET_MAX_OBJECTS;
    const one = small ? await this.readInOne(kinds, namespace, selector, optional) : undefined;
    // A refused kind: the raw reads say which, and an optional one is left out.
    const reads = (one !== 'forbidden' && one) || (await this.readLists(kinds, namespace, selector));
    const items: K8sObject[] = [];
    const unreadable: string[] = [];
    for (const [i, read] of reads.entries()) {
      if (read.items) for (const o of read.items) items.push(o);
      else if (
        optional.includes(kinds[i]) &&
        parseForbidden(read.stderr)?.resource === KIND_RESOURCE[kinds[i]].plural
      )
        unreadable.push(kinds[i]);
      else throw this.listError(kinds[i], read.stderr);
    }
    return { items, unreadable };
  }

  /**
   * One raw list per kind, then per kind one `get --raw` of the same path as a watch from that list's
   * resourceVersion: the API server replays every change after it (its watch cache's window, or 410
   * Expired), so nothing between the list and the watch is lost. `get -w` cannot start from a given
   * version (it lists again itself and prints no end of that list); the raw watch passes the server's
   * events through as they come, one JSON object a line (seen with kubectl 1.27–1.35). No
   * `--request-timeout` for the stream: the server ends it after `timeoutSeconds`, kubectl a little later.
   */
  async follow(namespace: string, kinds: string[], selector: string, seconds: number): Promise<Follow> {
    const reads = await this.readLists(kinds, namespace, selector);
    const failed = reads.findIndex((r) => !r.items);
    if (failed >= 0) throw this.listError(kinds[failed], reads[failed].stderr);
    const watched = new WatchedObjects(
      kinds,
      reads.flatMap((r) => r.items!),
    );
    const o = this.options;
    const timeoutSeconds = Math.max(1, Math.ceil(seconds));
    const children: ResultPromise[] = [];
    let ended: string | undefined;
    let wake: (() => void) | undefined;
    // A change seen since `objects` was last read: the next `next` returns at once.
    let unread = false;
    const notify = () => {
      unread = true;
      wake?.();
      wake = undefined;
    };
    const stop = (why: string) => {
      ended ??= why;
      for (const child of children) {
        child.kill();
        // Our ends of its pipes too: an oc that is a wrapper (a script running kubectl under
        // /usr/bin/time, which does not pass SIGTERM on) leaves kubectl holding them, and Node
        // would wait for them to close before v-auto could exit. That kubectl ends at its next
        // write, a BOOKMARK at the latest (allowWatchBookmarks: about a minute), or at timeoutSeconds.
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      notify();
    };
    for (const [i, kind] of kinds.entries()) {
      const rv = reads[i].resourceVersion;
      if (!rv) {
        stop(`the list of ${KIND_RESOURCE[kind].plural} has no resourceVersion to watch from`);
        break;
      }
      const path = `${listPath(kind, namespace, selector)}${selector ? '&' : '?'}watch=true&resourceVersion=${encodeURIComponent(rv)}&allowWatchBookmarks=true&timeoutSeconds=${timeoutSeconds}`;
      const full = ['get', '--raw', path, `--request-timeout=${timeoutSeconds + o.requestTimeout}s`];
      if (o.kubeconfig) full.push('--kubeconfig', o.kubeconfig);
      if (o.context) full.push('--context', o.context);
      o.debug?.(`${this.binary} ${full.join(' ')}`);
      const child = execa(this.binary, full, {
        buffer: false,
        stdin: 'ignore',
        reject: false,
        cancelSignal: o.signal,
        forceKillAfterDelay: 2000,
        env: Object.fromEntries(Object.entries(o.env).filter(([k]) => !k.startsWith('V_AUTO_'))),
        extendEnv: false,
      });
      children.push(child);
      const splitter = new JsonObjectSplitter();
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        if (stderr.length < 4096) stderr += chunk;
      });
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        if (ended) return;
        let changed = false;
        try {
          for (const text of splitter.push(chunk)) {
            const event = JSON.parse(text) as WatchEvent;
            if (event.type === 'ERROR') {
              stop(
                `the watch of ${KIND_RESOURCE[kind].plural} ended: ${event.object?.message ?? 'an error'}`,
              );
              return;
            }
            if (event.type !== 'BOOKMARK') this.normalize(event.object, 0, kind);
            changed = watched.apply(kind, event) || changed;
          }
          if (splitter.pending > (o.maxReadBytes ?? MAX_READ_BYTES))
            throw new Error('an event larger than the most v-auto reads');
        } catch (err) {
          stop(
            `the watch of ${KIND_RESOURCE[kind].plural} sent what v-auto cannot read: ${(err as Error).message}`,
          );
          return;
        }
        if (changed) notify();
      });
      void child.then((r) => {
        o.debug?.(`  watch of ${KIND_RESOURCE[kind].plural} exit ${r.exitCode ?? r.signal ?? 'none'}`);
        stop(
          `the watch of ${KIND_RESOURCE[kind].plural} ended${firstErrorLine(printableLines(stderr)) ? `: ${firstErrorLine(printableLines(stderr))}` : ''}`,
        );
      });
    }
    return {
      objects: () => {
        unread = false;
        return watched.objects();
      },
      get ended() {
        return ended;
      },
      stop: () => stop('stopped'),
      next: (ms, signal) =>
        ended || unread
          ? Promise.resolve()
          : new Promise<void>((resolve, reject) => {
              if (signal?.aborted) return reject(interruptedError());
              const done = () => {
                clearTimeout(timer);
                signal?.removeEventListener('abort', onAbort);
                resolve();
              };
              const onAbort = () => {
                clearTimeout(timer);
                wake = undefined;
                reject(interruptedError());
              };
              const timer = setTimeout(() => {
                wake = undefined;
                done();
              }, ms);
              wake = done;
              signal?.addEventListener('abort', onAbort, { once: true });
            }),
    };
  }

  async listEverywhere(kinds: string[], selector?: string): Promise<K8sObject[] | undefined> {
    // With a selector the answer is small (v-auto's own objects): one `get -A` of all the kinds.
    const one = selector ? await this.readInOne(kinds, undefined, selector) : undefined;
    if (one === 'forbidden') return undefined;
    const reads = one ?? (await this.readLists(kinds, undefined, selector));
    const refused = reads.find((r) => !r.items && parseForbidden(r.stderr));
    if (refused) return undefined;
    const failed = reads.findIndex((r) => !r.items);
    if (failed >= 0) throw this.listError(kinds[failed], reads[failed].stderr);
    return reads.flatMap((r) => r.items!);
  }

  /**
   * One `get --raw` per kind, all at once: the server's own JSON, which kubectl passes through
   * without decoding or printing it again (a `get` of several kinds spends most of its time on
   * exactly that, about 4× the wall time of these reads at N=200; docs/performance.md). In kind
   * order; a kind that failed has its stderr instead of items.
   */
  private async readLists(
    kinds: string[],
    namespace: string | undefined,
    selector: string | undefined,
  ): Promise<{ items?: K8sObject[]; resourceVersion?: string; stderr: string }[]> {
    const settled = await Promise.allSettled(
      kinds.map((kind) => this.start(['get', '--raw', listPath(kind, namespace, selector)], undefined, 0)),
    );
    // A process that could not run at all (interrupted, timed out) throws, the first in kind order.
    const broken = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (broken) throw broken.reason;
    return settled.map((s, i) => {
      const result = (s as PromiseFulfilledResult<RunOutput>).value;
      return result.exitCode === 0
        ? { ...this.parseList(kinds[i], result.stdout), stderr: '' }
        : { stderr: result.stderr };
    });
  }

  /**
   * One `get` of all the kinds, each named with its version so that kubectl reads what the raw
   * reads would. An `optional` kind refused (RBAC) comes back with its refusal, the others with
   * their items: kubectl's get goes on past a kind it may not list and prints the lists it read
   * beside the errors (ContinueOnError; kubernetes/kubectl@5be1f71 pkg/cmd/get/get.go Run and
   * printGeneric). undefined when another kind is not served, or the output is not a list: the
   * per-kind raw reads then say which kind failed and why; 'forbidden' when RBAC refused another
   * kind. A failure that is no one kind's (login, network, a server error) throws as theirs
   * would, rather than being asked again. No namespace: every namespace (`-A`).
   */
  private async readInOne(
    kinds: string[],
    namespace: string | undefined,
    selector: string | undefined,
    optional: string[] = [],
  ): Promise<{ items?: K8sObject[]; stderr: string }[] | 'forbidden' | undefined> {
    if (kinds.length < 2) return undefined;
    const args = [
      'get',
      kinds.map(versionedResource).join(','),
      ...(namespace === undefined ? ['-A'] : ['-n', namespace]),
      ...(selector ? ['-l', selector] : []),
      '-o',
      'json',
    ];
    // Over the size limit (other objects in the namespace, printed indented): the raw reads follow,
    // each kind under the limit of its own.
    const result = await this.start(args, undefined, 0, false, true);
    if (result.tooLarge) return undefined;
    const refusals = new Map<string, string>();
    if (result.exitCode !== 0) {
      for (const line of errorLines(result.stderr)) {
        const resource = parseForbidden(line)?.resource;
        const kind = optional.find((k) => KIND_RESOURCE[k].plural === resource);
        if (!kind) {
          refusals.clear();
          break;
        }
        refusals.set(kind, line);
      }
      if (!refusals.size) {
        if (parseForbidden(result.stderr)) return 'forbidden';
        const access = accessError(result.stderr);
        if (access) throw access;
        return undefined;
      }
    }
    let items: K8sObject[];
    try {
      items = this.parseItems(undefined, result.stdout);
    } catch {
      return undefined;
    }
    return kinds.map((kind) =>
      refusals.has(kind)
        ? { stderr: refusals.get(kind)! }
        : { items: items.filter((o) => o.kind === kind), stderr: '' },
    );
  }

  /**
   * The items of a raw list, each with its kind and apiVersion (a server leaves them out of built-in
   * lists' items), without `metadata.managedFields`.
   */
  private parseItems(kind: string | undefined, stdout: string): K8sObject[] {
    return this.parseList(kind, stdout).items;
  }

  /** A raw list's items (as `parseItems`) and its resourceVersion, from which a watch goes on. */
  private parseList(
    kind: string | undefined,
    stdout: string,
  ): { items: K8sObject[]; resourceVersion?: string } {
    let list: { items?: K8sObject[]; metadata?: { resourceVersion?: unknown } } | undefined;
    try {
      list = JSON.parse(stdout || '{}');
    } catch {
      list = undefined;
    }
    const items = list?.items;
    if (!Array.isArray(items))
      throw new VAutoError(
        `${this.binary} get returned output that is not a list of ${kind ? KIND_RESOURCE[kind].plural : 'objects'}`,
        { exitCode: ExitCode.CLUSTER, hint: 'is --oc pointing at oc or kubectl?' },
      );
    for (const [i, item] of items.entries()) this.normalize(item, i, kind);
    const rv = list?.metadata?.resourceVersion;
    return { items, resourceVersion: typeof rv === 'string' && rv ? rv : undefined };
  }

  /**
   * Checks one object of an answer and gives it its kind and apiVersion (a server leaves them out
   * of built-in lists' items), without `metadata.managedFields`.
   */
  private normalize(item: K8sObject, i: number, kind: string | undefined): void {
    // Checked once here, so that no reader meets a field of another type (a null metadata, a
    // number for an address) and fails as a bug (exit 70).
    const problem = malformation(item, i, kind);
    if (problem)
      throw new VAutoError(`${this.binary} get returned a malformed answer: ${problem}`, {
        exitCode: ExitCode.CLUSTER,
        hint: 'Kubernetes does not send this; is --oc pointing at oc or kubectl, and is anything between it and the API server (a proxy) changing the answers?',
      });
    // A get of several kinds names each item's kind itself.
    if (kind) {
      item.kind = kind;
      item.apiVersion ??= KIND_RESOURCE[kind].apiVersion;
    }
    // No consumer reads it (the plan compares only rendered paths; status, delete and the ledger
    // read labels, spec and status), and on a real cluster it is often the largest part of an
    // object (an entry per field manager: kubectl, kubemacpool, virt-controller, CDI).
    delete item.metadata?.managedFields;
  }

  /** A list that failed: the access errors as everywhere, an API the cluster does not serve said so. */
  private listError(kind: string, stderr: string): VAutoError {
    const access = accessError(stderr);
    if (access) return access;
    if (/\(NotFound\)/.test(stderr)) {
      return new VAutoError(
        `the cluster does not serve ${qualifiedResource(kind)} (${KIND_RESOURCE[kind].apiVersion})`,
        {
          exitCode: ExitCode.CLUSTER,
          hint: 'is the operator that provides it installed (OpenShift Virtualization, CDI, Multus)?',
        },
      );
    }
    return this.genericError(stderr, ['get']);
  }

  apply(namespace: string, manifests: ApplyManifest[]): Promise<ObjectOutcome[]> {
    return this.runObjects(
      ['apply', '-f', '-', '-n', namespace],
      toStream(manifests),
      refsOf(manifests),
      false,
    );
  }

  dryRun(namespace: string, manifests: ApplyManifest[], verb: 'create' | 'apply'): Promise<ObjectOutcome[]> {
    if (verb === 'create') return this.create(namespace, manifests, ['--dry-run=server']);
    return this.runObjects(
      ['apply', '--dry-run=server', '-f', '-', '-n', namespace],
      toStream(manifests),
      refsOf(manifests),
      false,
    );
  }

  /**
   * `create --save-config`: one POST per object, where apply GETs each first. kubectl writes the
   * last-applied annotation with the same CreateApplyAnnotation as apply's create path, and goes on
   * past a failed object, printing each (kubernetes/kubectl@dee3483 pkg/cmd/create/create.go
   * RunCreate, pkg/cmd/apply/apply.go applyOneObject, pkg/util/apply.go; cli-runtime@69e8693
   * pkg/resource/visitor.go ContinueOnErrorVisitor). Under apply's field manager
   * (FieldManagerClientSideApply), so managedFields match too and a later apply, or a move to
   * server-side apply, finds one client-side owner (kubectl create's own is "kubectl-create").
   * Explicit nulls (a site template's `key: {{json unset}}`) are left out, as apply's create path
   * prunes them before its POST (kubernetes/kubectl@dee3483 pkg/cmd/apply/apply.go applyOneObject,
   * pruneNullsFromMap, since 81ad0ffc, 1.31) and create sends the object as read. Only here: on an
   * update a null is meant, it clears a field (changes/platform-fields.ts revisionName).
   */
  create(namespace: string, manifests: ApplyManifest[], dryRun: string[] = []): Promise<ObjectOutcome[]> {
    const args = [
      'create',
      ...dryRun,
      '--save-config',
      '--field-manager=kubectl-client-side-apply',
      '-f',
      '-',
      '-n',
      namespace,
    ];
    return this.runObjects(args, toStream(manifests, withoutNulls), refsOf(manifests), false);
  }

  delete(namespace: string, refs: ObjectRef[]): Promise<ObjectOutcome[]> {
    const stubs = refs.map((r) => ({
      apiVersion: KIND_RESOURCE[r.kind].apiVersion,
      kind: r.kind,
      metadata: { name: r.name, namespace },
    }));
    // --wait=false: kubectl would otherwise poll each deleted object until it is gone, throttled
    // by its own client to 5 requests/s (about 0.2 s per object: 48 s for 50 instances).
    return this.runObjects(
      ['delete', '-f', '-', '-n', namespace, '--ignore-not-found', '--wait=false'],
      toStream(stubs),
      refs,
      true,
    );
  }

  async get(namespace: string, kind: string, name: string): Promise<K8sObject | undefined> {
    const args = ['get', '--raw', `${listPath(kind, namespace)}/${encodeURIComponent(name)}`];
    const result = await this.start(args, undefined, 1);
    if (result.exitCode === 0) return this.parseItems(kind, `{"items":[${result.stdout}]}`)[0];
    if (/\(NotFound\)/.test(result.stderr)) return undefined;
    throw accessError(result.stderr) ?? this.genericError(result.stderr, args);
  }

  async uploadToken(namespace: string, pvc: string): Promise<string> {
    const request = {
      apiVersion: KIND_RESOURCE.UploadTokenRequest.apiVersion,
      kind: 'UploadTokenRequest',
      metadata: { name: 'v-auto-upload', namespace },
      spec: { pvcName: pvc },
    };
    const args = ['create', '-f', '-', '-n', namespace, '-o', 'json'];
    const result = await this.start(args, JSON.stringify(request), 1);
    if (result.exitCode !== 0) throw accessError(result.stderr) ?? this.genericError(result.stderr, args);
    let token: unknown;
    try {
      token = JSON.parse(result.stdout)?.status?.token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token)
      throw new VAutoError(`${this.binary} create uploadtokenrequest: the answer holds no upload token`, {
        exitCode: ExitCode.CLUSTER,
        hint: "check that CDI's upload API (upload.cdi.kubevirt.io) is served: oc api-resources | grep upload",
      });
    return token;
  }

  /**
   * KubeVirt's start subresource of one VM, a PUT on
   * `/apis/subresources.kubevirt.io/v1/namespaces/NS/virtualmachines/NAME/start` (what `virtctl
   * start` sends; kubevirt/kubevirt@d923fdb pkg/virt-api/rest/lifecycle.go StartVMRequestHandler).
   * oc has no verb for it: `replace --raw` is kubectl's one raw PUT (`create --raw` POSTs), the body
   * an empty StartOptions on stdin. RBAC's denial is this VM's failure with what was refused.
   */
  async startVm(namespace: string, name: string): Promise<ObjectOutcome> {
    const ref = { kind: 'VirtualMachine', name };
    const path = `/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/virtualmachines/${encodeURIComponent(name)}/start`;
    const result = await this.start(['replace', '--raw', path, '-f', '-'], '{}', 1);
    if (result.exitCode === 0) return { ...ref, result: 'configured' };
    const reason = firstErrorLine(result.stderr) || 'no message';
    const denied = parseForbidden(result.stderr);
    if (denied) {
      const { verb, resource, namespace: ns } = denied;
      return {
        ...ref,
        result: 'failed',
        reason,
        cause: 'forbidden',
        denied: { verb, resource, namespace: ns },
      };
    }
    const access = accessError(result.stderr);
    if (access) throw access;
    return { ...ref, result: 'failed', reason, cause: 'other' };
  }

  async patch(namespace: string, ref: ObjectRef, patch: object): Promise<ObjectOutcome> {
    const args = [
      'patch',
      qualifiedResource(ref.kind),
      ref.name,
      '-n',
      namespace,
      '--type',
      'merge',
      '-p',
      JSON.stringify(patch),
    ];
    const result = await this.start(args, undefined, 1);
    if (result.exitCode === 0)
      return { ...ref, result: /\(no change\)/.test(result.stdout) ? 'unchanged' : 'configured' };
    // One object: a denial or a server error stops the action (exit 3) like any whole-run failure.
    const access = accessError(result.stderr);
    if (access) throw access;
    return {
      ...ref,
      result: 'failed',
      reason: firstErrorLine(result.stderr) || 'no message',
      cause: 'other',
    };
  }

  /**
   * Runs oc on a list of objects (apply, create, delete) and maps its output to one outcome each. Failures
   * that stop every object (login, network, discovery, OpenAPI, an unknown flag) throw, exit 3.
   */
  private async runObjects(
    args: string[],
    input: string,
    refs: ObjectRef[],
    deleting: boolean,
  ): Promise<ObjectOutcome[]> {
    if (!refs.length) return [];
    const started = await this.start(args, input, refs.length, true);
    if (started.killedBy || started.interrupted) {
      // What kubectl printed before it died was done; whether the rest was is unknown.
      const done = parseResultLines(printableLines(started.stdout));
      const reason = started.interrupted
        ? `not confirmed: interrupted before ${this.binary} reported it`
        : `not confirmed: ${this.binary} was killed by ${started.killedBy} before reporting it`;
      return refs.map((ref) => {
        const result = done.get(`${ref.kind}/${ref.name}`);
        return result ? { ...ref, result } : { ...ref, result: 'failed', reason, cause: 'other' };
      });
    }
    // Line-based here (`type/name verb`), unlike the JSON of a get: safe to neutralise as text.
    const result = { ...started, stdout: printableLines(started.stdout) };
    // Errors that name objects are theirs (one forbidden kind among the objects sent is [FAILED]
    // lines, exit 1), even when every object sent got one: a redeploy sends only what changed.
    const parsed = parseRun(refs, result, deleting);
    if ('failedBeforeSending' in parsed) {
      const access = accessError(result.stderr);
      if (access) throw access;
      throw new VAutoError(
        `${this.binary} ${args[0]} failed before sending anything: ${parsed.failedBeforeSending}`,
        {
          exitCode: ExitCode.CLUSTER,
          hint: /unknown flag|unknown shorthand flag/.test(parsed.failedBeforeSending)
            ? `this ${path.basename(this.binary)} is too old for v-auto; use the oc of your cluster's release ("oc version")`
            : `nothing was changed; check "${path.basename(this.binary)} version" against the cluster, and that the cluster's API discovery and OpenAPI answer`,
        },
      );
    }
    return parsed.outcomes;
  }

  /**
   * Runs one oc process. A kill by a signal from outside v-auto (the OOM killer, someone's kill)
   * throws, exit 3, and v-auto's own interruption (Ctrl-C, SIGTERM: the run's abort signal) exit 130,
   * unless `partial`: then the output it left is returned with `killedBy` or `interrupted`, so that
   * what a write reported before it ended is known.
   */
  private async start(
    args: string[],
    input: string | undefined,
    objects: number,
    partial = false,
    /** An answer over the size limit comes back as `tooLarge` instead of failing the run. */
    tooLargeOk = false,
  ): Promise<RunOutput & { killedBy?: string; interrupted?: boolean; tooLarge?: boolean }> {
    const o = this.options;
    const full = [...args, `--request-timeout=${o.requestTimeout}s`];
    if (o.kubeconfig) full.push('--kubeconfig', o.kubeconfig);
    if (o.context) full.push('--context', o.context);
    // A request may take requestTimeout; kubectl makes a few per object and some for discovery.
    // Capped at what a Node timer holds (2^31 - 1 ms): beyond, it would fire after 1 ms.
    const timeout = Math.min((o.requestTimeout * 4 + objects * 2) * 1000, MAX_TIMER_MS);
    o.debug?.(`${this.binary} ${full.join(' ')}`);
    const started = Date.now();
    const maxBytes = o.maxReadBytes ?? MAX_READ_BYTES;
    try {
      const r = await execa(this.binary, full, {
        input: input ?? '',
        reject: false,
        // Counted (in characters: JSON is ASCII but for text values) as the output arrives; past
        // it execa ends the process and says isMaxBuffer.
        maxBuffer: { stdout: maxBytes },
        timeout,
        cancelSignal: o.signal,
        forceKillAfterDelay: 2000,
        // Not inherited: oc and the credential plugins it may run never see a password input.
        env: Object.fromEntries(Object.entries(o.env).filter(([k]) => !k.startsWith('V_AUTO_'))),
        extendEnv: false,
        stripFinalNewline: false,
      });
      o.debug?.(`  exit ${r.exitCode ?? 'none'} after ${Date.now() - started} ms`);
      if (r.isCanceled && partial)
        return {
          stdout: String(r.stdout),
          stderr: printableLines(String(r.stderr)),
          exitCode: 1,
          interrupted: true,
        };
      if (r.isCanceled) throw interruptedError();
      if (r.isMaxBuffer && tooLargeOk) return { stdout: '', stderr: '', exitCode: 1, tooLarge: true };
      if (r.isMaxBuffer)
        throw new VAutoError(
          `${this.binary} ${args.join(' ')}: the answer is larger than ${maxBytes / 1024 / 1024} MiB, refused`,
          {
            exitCode: ExitCode.CLUSTER,
            hint: 'no list v-auto reads should be this large; check that --oc is oc or kubectl and that the namespace holds what you expect',
          },
        );
      if (r.timedOut) {
        throw new VAutoError(`${this.binary} ${args[0]} did not finish within ${timeout / 1000} s`, {
          exitCode: ExitCode.CLUSTER,
          hint: 'the cluster is slow or unreachable; raise --request-timeout or check the connection',
        });
      }
      if (r.signal) {
        if (partial)
          return {
            stdout: String(r.stdout),
            stderr: printableLines(String(r.stderr)),
            exitCode: 1,
            killedBy: r.signal,
          };
        throw new VAutoError(`${this.binary} ${args[0]} was killed by ${r.signal}`, {
          exitCode: ExitCode.CLUSTER,
          hint: 'something outside v-auto ended it (out of memory, a kill, a session or container going away); run again once that is resolved',
        });
      }
      if (r.failed && r.exitCode === undefined) {
        const code = (r as { code?: string }).code;
        if (code === 'ENOENT') {
          throw new VAutoError(`${this.binary}: command not found`, {
            exitCode: ExitCode.CLUSTER,
            hint: 'install the oc client, or give its path with --oc PATH or V_AUTO_OC',
          });
        }
        throw new VAutoError(`cannot run ${this.binary}: ${r.shortMessage}`, { exitCode: ExitCode.CLUSTER });
      }
      // stderr carries the server's reasons, which any object's author can fill with escape sequences.
      return {
        stdout: String(r.stdout),
        stderr: printableLines(String(r.stderr)),
        exitCode: r.exitCode ?? 1,
      };
    } catch (err) {
      if (err instanceof VAutoError) throw err;
      throw new VAutoError(`cannot run ${this.binary}: ${(err as Error).message}`, {
        exitCode: ExitCode.CLUSTER,
        cause: err,
      });
    }
  }

  private genericError(stderr: string, args: string[]): VAutoError {
    return new VAutoError(`${this.binary} ${args[0]} failed: ${firstErrorLine(stderr) || 'no message'}`, {
      exitCode: ExitCode.CLUSTER,
    });
  }
}

function refsOf(manifests: ApplyManifest[]): ObjectRef[] {
  return manifests.map((m) => ({ kind: m.kind, name: m.metadata.name }));
}

/**
 * Concatenated JSON objects: kubectl decodes a stream that starts with `{` as successive JSON
 * values (no `---` separators there), and JSON is much cheaper to write than YAML.
 */
function toStream(objects: object[], replacer?: (key: string, value: unknown) => unknown): string {
  return objects.map((o) => JSON.stringify(o, replacer)).join('\n');
}

/** A JSON.stringify replacer that leaves out null members of objects; a null list item stays, as in kubectl's pruneNulls. */
function withoutNulls(this: unknown, key: string, value: unknown): unknown {
  return value === null && !Array.isArray(this) ? undefined : value;
}
