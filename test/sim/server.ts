// The HTTP side: routes kubectl's requests to discovery, OpenAPI and object handlers, and applies the configured faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  internalError,
  invalid,
  methodNotAllowed,
  namespaceNotFound,
  notFound,
  pathNotFound,
  serviceUnavailable,
  timeout,
  strictDecoding,
  unauthorized,
  unsupportedMediaType,
  webhookDenied,
} from './api-errors.js';
import {
  AGGREGATED_CONTENT_TYPE,
  VERSION_INFO,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.js';
import { SIM_USER, type Faults } from './faults.js';
import { PROTOBUF_CONTENT_TYPE, PROTOBUF_KINDS, ProtobufBodyError, decodeProtobuf } from './kube-protobuf.js';
import { groupVersionDocument, openapiIndex, openapiV2 } from './openapi.js';
import { PatchError, jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { RESOURCES, apiVersionOf, byPath, type ResourceType } from './resources.js';
import {
  SelectorError,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.js';
import { quantityValue } from './quantity.js';
import { HistoryExpired, deepClone, deepEqual, type Obj, type ObjectStore } from './store.js';
import { startForbidden, startTarget, startVm } from './subresources.js';
import { toTable } from './tables.js';
import type { FieldValidation, SchemaValidator, StatusCause } from './validation.js';

export interface ServerContext {
  store: ObjectStore;
  faults: Faults;
  validator: SchemaValidator;
  requests: { method: string; path: string; query: string; contentType?: string }[];
  host: () => string;
  /** Issues the token an UploadTokenRequest returns (the upload proxy accepts it for that PVC). */
  uploadToken: (request: Obj) => string;
  /** Admission webhooks of platform modules, run after schema validation: throw an ApiError to deny. */
  admissions?: Admission[];
  /** Admission of a DELETE (validating admission policies): the stored object; throw an ApiError to deny. */
  deleteAdmissions?: DeleteAdmission[];
  /** Milliseconds between the BOOKMARK events of a watch that allows them (default a minute, as upstream). */
  watchBookmarkMs?: number;
}

/** One admission step: the object as it will be stored, and the stored one on an update. */
export type Admission = (rt: ResourceType, obj: Obj, old: Obj | undefined) => void;
/** One admission step of a DELETE: the object as stored. */
export type DeleteAdmission = (rt: ResourceType, old: Obj) => void;

interface Target {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  warnings: string[] = [],
): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8');
}

/**
 * A request body holding one `kind` (an object, or DeleteOptions): JSON, or Kubernetes protobuf for the kinds
 * test/sim/kube-protobuf.ts decodes; protobuf of any other kind is 415, as from a server without that codec.
 */
async function readObject(req: IncomingMessage, kind: string): Promise<Obj | undefined> {
  const raw = await readRaw(req);
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (ct !== PROTOBUF_CONTENT_TYPE)
    return raw.toString('utf8').trim() ? parseJson(raw.toString('utf8')) : undefined;
  const decodes = PROTOBUF_KINDS.includes(kind) || kind === 'DeleteOptions';
  try {
    const obj = decodes ? decodeProtobuf(raw, [kind]) : undefined;
    if (obj) return obj;
  } catch (err) {
    if (err instanceof ProtobufBodyError) throw badRequest(`error decoding request body: ${err.message}`);
    throw err;
  }
  throw unsupportedMediaType(
    ct,
    ['application/json'],
    ` (the simulator decodes protobuf bodies of ${PROTOBUF_KINDS.join(', ')} and DeleteOptions only)`,
  );
}

function parseJson(text: string, yamlToo = false): any {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (yamlToo) return parseYaml(text);
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

/** Splits `/api/v1/...` or `/apis/<group>/<version>/...` into a resource target. */
function parseTarget(pathname: string): Target | 'notfound' | undefined {
  const segs = pathname.split('/').filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    [group, version, rest] = ['', segs[1], segs.slice(2)];
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
  } else return undefined;
  let namespace: string | undefined;
  // `namespaces/<ns>/<resource>/...` addresses a namespaced resource; `namespaces[/<name>[/status]]` the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const rt = byPath(group, version, rest[0]);
  if (!rt || rest.length > 3) return 'notfound';
  if (!rt.namespaced && namespace) return 'notfound';
  return { rt, namespace, name: rest[1], subresource: rest[2] };
}

function rbacVerb(method: string, t: Target, watch: boolean): string {
  switch (method) {
    case 'GET':
      return t.name ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return t.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  // A real server without the parameter warns; kubectl's default --validate=strict sends Strict.
  return v === 'Strict' || v === 'Ignore' ? v : 'Warn';
}

/** deepEqual, with the values of `requests` and `limits` maps compared as quantities. */
function sameSpec(a: any, b: any, key = ''): boolean {
  if (typeof a === 'string' && typeof b === 'string' && /^(requests|limits)$/.test(key))
    return a === b || (!Number.isNaN(quantityValue(a)) && quantityValue(a) === quantityValue(b));
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return deepEqual(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) =>
    /^(requests|limits)$/.test(key)
      ? sameSpec(a[k], b[k], key)
      : sameSpec(a[k], b[k], Array.isArray(a) ? key : k),
  );
}

export function createHandler(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { store, faults } = ctx;

  /**
   * NamespaceLifecycle admission: a namespaced object whose namespace does not exist is refused with
   * NotFound `namespaces "<ns>" not found`; on a create the plugin first waits for its informer and
   * then asks storage itself, so an object right after its Namespace in one stream is admitted
   * (kubernetes/kubernetes@04791b4906602ffda5ccf9bc4c84d3329f1d7080
   * staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go, Lifecycle.Admit).
   * This store is read at once, which that live lookup amounts to.
   */
  function checkNamespace(rt: ResourceType, ns: string | undefined): void {
    if (rt.namespaced && ns && !store.get('Namespace', undefined, ns)) throw namespaceNotFound(ns);
  }

  /**
   * What admission and validation do between the request body and storage: status is owned by controllers,
   * a Secret's type defaults to Opaque and its stringData folds into data, CRD schemas prune or reject, CDI's webhook guards DataVolume spec.
   */
  function admit(
    rt: ResourceType,
    obj: Obj,
    old: Obj | undefined,
    fv: FieldValidation,
    warnings: string[],
    dryRun = false,
  ): Obj {
    const name = obj.metadata?.name ?? '';
    const reject = faults.rejectCreate.find((r) => r.kind === rt.kind && r.name === name);
    // A server-side dry run goes through the same admission as the write, unless the fault says otherwise.
    if (reject && !(dryRun && reject.writesOnly))
      throw invalid(rt, name, [
        { reason: 'FieldValueInvalid', message: reject.message, field: reject.field ?? 'spec' },
      ]);
    if (!name)
      throw invalid(rt, '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
          field: 'metadata.name',
        },
      ]);
    if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
      throw invalid(rt, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
          field: 'metadata.name',
        },
      ]);
    }
    const o = deepClone(obj);
    if (rt.hasStatus) {
      if (old?.status !== undefined) o.status = deepClone(old.status);
      else delete o.status;
    }
    // kube-apiserver defaults a Secret's type when it decodes the request: kubernetes/kubernetes
    // pkg/apis/core/v1/defaults.go, SetDefaults_Secret (commit 023f88a32c95647b94e47df54948a0af9517dd0c):
    // `if obj.Type == "" { obj.Type = v1.SecretTypeOpaque }`.
    if (rt.kind === 'Secret' && !o.type) o.type = 'Opaque';
    if (rt.kind === 'Secret' && o.stringData) {
      o.data = { ...(o.data ?? {}) };
      for (const [k, v] of Object.entries(o.stringData))
        o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete o.stringData;
    }
    if (rt.kind === 'Namespace') {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
      o.spec = { finalizers: ['kubernetes'], ...(o.spec ?? {}) };
      o.status = old?.status ?? { phase: 'Active' };
    }
    if (rt.schemaFile) {
      const status = o.status;
      delete o.status;
      ctx.validator.pruneNulls(rt, o);
      const outcome = ctx.validator.validate(rt, o);
      if (status !== undefined) o.status = status;
      if (outcome.unknownFields.length && fv === 'Strict') throw strictDecoding(rt, outcome.unknownFields);
      if (outcome.unknownFields.length && fv === 'Warn')
        warnings.push(...outcome.unknownFields.map((f) => `unknown field "${f}"`));
      if (outcome.causes.length) throw invalid(rt, name, outcome.causes);
    }
    // CDI compares with apimachinery's Semantic.DeepEqual, which compares quantities by value
    // (`10Gi` and `10240Mi` are one size): kubevirt/containerized-data-importer@c07cdb6fbd18976c44f65f1e4c0deae03e33e718
    // pkg/apiserver/webhooks/datavolume-validate.go Admit.
    if (rt.kind === 'DataVolume' && old && !sameSpec(old.spec, o.spec)) {
      const causes: StatusCause[] = [
        { reason: 'FieldValueDuplicate', message: 'Cannot update DataVolume Spec', field: 'DataVolume.Spec' },
      ];
      throw webhookDenied(
        'datavolume-validate.cdi.kubevirt.io',
        ' Cannot update DataVolume Spec',
        422,
        causes,
      );
    }
    for (const step of ctx.admissions ?? []) step(rt, o, old);
    return o;
  }

  function create(t: Target, body: Obj, q: URLSearchParams, warnings: string[]): Obj {
    const { rt } = t;
    if (body.kind && body.kind !== rt.kind)
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(rt)})`,
      );
    body.kind = rt.kind;
    body.metadata = body.metadata ?? {};
    if (rt.namespaced) {
      if (body.metadata.namespace && body.metadata.namespace !== t.namespace)
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      body.metadata.namespace = t.namespace;
    }
    if (!body.metadata.name && body.metadata.generateName)
      body.metadata.name = body.metadata.generateName + Math.random().toString(36).slice(2, 7);
    checkNamespace(rt, t.namespace);
    const o = admit(rt, body, undefined, fieldValidationOf(q), warnings, q.get('dryRun') === 'All');
    // CDI's upload API answers with a token for the PVC and keeps nothing.
    if (rt.kind === 'UploadTokenRequest') return { ...o, status: { token: ctx.uploadToken(o) } };
    if (store.get(rt.kind, t.namespace, o.metadata.name)) throw alreadyExists(rt, o.metadata.name);
    if (q.get('dryRun') === 'All') return o;
    return store.create(o);
  }

  function replace(t: Target, cur: Obj, next: Obj, q: URLSearchParams, warnings: string[]): Obj {
    const { rt } = t;
    next.kind = rt.kind;
    next.metadata = { ...(next.metadata ?? {}) };
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== cur.metadata.resourceVersion)
      throw conflict(rt, t.name!);
    if (next.metadata.name && next.metadata.name !== t.name)
      throw badRequest(
        `the name of the object (${next.metadata.name}) does not match the name on the URL (${t.name})`,
      );
    next.metadata.name = t.name;
    if (rt.namespaced) next.metadata.namespace = t.namespace;
    let o: Obj;
    if (t.subresource === 'status') {
      o = { ...deepClone(cur), status: deepClone(next.status) };
    } else {
      o = admit(rt, next, cur, fieldValidationOf(q), warnings, q.get('dryRun') === 'All');
    }
    if (q.get('dryRun') === 'All') return o;
    return store.update(o);
  }

  function applyPatch(t: Target, cur: Obj, contentType: string, text: string): Obj {
    const ct = contentType.split(';')[0].trim();
    try {
      switch (ct) {
        case 'application/merge-patch+json':
          return mergePatch(cur, parseJson(text));
        case 'application/strategic-merge-patch+json':
          if (t.rt.group) throw unsupportedMediaType(ct);
          return strategicMergePatch(cur, parseJson(text));
        case 'application/json-patch+json':
          return jsonPatch(cur, parseJson(text));
        case 'application/apply-patch+yaml':
          // Server-side apply, approximated: the applied configuration merges over the live object.
          return mergePatch(cur, parseJson(text, true));
        default:
          throw unsupportedMediaType(ct);
      }
    } catch (err) {
      if (err instanceof PatchError)
        throw new ApiError(422, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: err.message,
          reason: 'Invalid',
          code: 422,
        });
      throw err;
    }
  }

  function selectItems(t: Target, q: URLSearchParams): Obj[] {
    let labelReqs;
    let fieldReqs;
    try {
      labelReqs = parseLabelSelector(q.get('labelSelector') ?? '');
      fieldReqs = parseFieldSelector(q.get('fieldSelector') ?? '');
    } catch (err) {
      if (err instanceof SelectorError) throw badRequest(err.message);
      throw err;
    }
    return store
      .list(t.rt.kind, t.namespace)
      .filter((o) => matchesLabels(labelReqs, o.metadata.labels) && matchesFields(fieldReqs, o));
  }

  function listBody(t: Target, items: Obj[], q: URLSearchParams): Obj {
    const limit = Number(q.get('limit') ?? 0);
    const start = q.get('continue') ? Number(Buffer.from(q.get('continue')!, 'base64').toString('utf8')) : 0;
    const page = limit > 0 ? items.slice(start, start + limit) : items;
    const metadata: Obj = { resourceVersion: store.resourceVersion };
    if (limit > 0 && start + limit < items.length) {
      metadata.continue = Buffer.from(String(start + limit)).toString('base64');
      metadata.remainingItemCount = items.length - start - limit;
    }
    return { kind: `${t.rt.kind}List`, apiVersion: apiVersionOf(t.rt), metadata, items: page };
  }

  /**
   * A watch as the API server's watch cache serves it (kubernetes/apiserver v0.35.7,
   * pkg/storage/cacher/cacher.go Watch and watch_cache.go getAllEventsSinceLocked):
   * - `sendInitialEvents=true` (client-go's WatchListClient, on by default in kubectl 1.35's `kubectl wait`):
   *   the current state as ADDED, then, with `allowWatchBookmarks=true`, a BOOKMARK at the current
   *   resourceVersion annotated `k8s.io/initial-events-end` (cacher.go setInitialEventsEndBookmarkIfRequested);
   * - no resourceVersion, or "0" without sendInitialEvents: the current state as ADDED;
   *   "0" with `sendInitialEvents=false`: from now;
   * - resourceVersion N (what kubectl 1.27–1.35 `get -w` and 1.27–1.34 `wait` send, from their list):
   *   every change after N, then the live ones; N older than the history kept: one ERROR event with a
   *   410 Expired Status, and the stream ends (cacher.go newErrWatcher);
   * then each change in resourceVersion order, an object that stops matching the selector as DELETED and one
   * that starts as ADDED (cache_watcher.go convertToWatchEvent), and with `allowWatchBookmarks=true` a
   * BOOKMARK every `watchBookmarkMs` (upstream defaultBookmarkFrequency, a minute).
   */
  function watch(t: Target, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const labelReqs = parseLabelSelector(q.get('labelSelector') ?? '');
    const fieldReqs = parseFieldSelector(q.get('fieldSelector') ?? '');
    const matches = (o: Obj | undefined): boolean =>
      o !== undefined &&
      (!t.namespace || o.metadata.namespace === t.namespace) &&
      matchesLabels(labelReqs, o.metadata.labels) &&
      matchesFields(fieldReqs, o);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // Node holds headers back until the first body write; a watch with nothing to report yet must still answer.
    res.flushHeaders();
    const emit = (type: string, o: Obj): void => {
      res.write(JSON.stringify({ type, object: o }) + '\n');
    };
    const bookmark = (annotations?: Record<string, string>): void =>
      emit('BOOKMARK', {
        kind: t.rt.kind,
        apiVersion: apiVersionOf(t.rt),
        metadata: { resourceVersion: store.resourceVersion, ...(annotations ? { annotations } : {}) },
      });
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const initial = q.get('sendInitialEvents');
    const rv = q.get('resourceVersion') ?? '';
    let last = Number(store.resourceVersion);
    if (initial === 'true' || ((!rv || rv === '0') && initial === null)) {
      for (const o of store.list(t.rt.kind, t.namespace)) if (matches(o)) emit('ADDED', o);
      if (initial === 'true' && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else if (rv && rv !== '0') {
      last = Number(rv);
      try {
        store.eventsSince(last);
      } catch (err) {
        if (!(err instanceof HistoryExpired)) throw err;
        emit('ERROR', expired(err.message).status);
        return void res.end();
      }
    }
    // Every change after `last`, in order: a write a listener makes while another is delivered comes after it.
    const drain = (): void => {
      for (const e of store.eventsSince(last)) {
        last = e.rv;
        if (e.kind !== t.rt.kind) continue;
        const now = e.type !== 'DELETED' && matches(e.obj);
        const before = matches(e.prev);
        if (now) emit(before ? 'MODIFIED' : 'ADDED', e.obj);
        else if (before)
          emit('DELETED', { ...e.prev, metadata: { ...e.prev!.metadata, resourceVersion: String(e.rv) } });
      }
    };
    drain();
    const off = store.onChange(drain);
    const timeout = Number(q.get('timeoutSeconds') ?? 1800);
    const timer = setTimeout(() => res.end(), timeout * 1000);
    timer.unref();
    const beat = bookmarks ? setInterval(() => bookmark(), ctx.watchBookmarkMs ?? 60_000) : undefined;
    beat?.unref();
    const done = (): void => {
      off();
      clearTimeout(timer);
      clearInterval(beat);
    };
    req.on('close', done);
    res.on('finish', done);
  }

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    t: Target,
    q: URLSearchParams,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const { rt } = t;
    const warnings: string[] = [];
    const wantsTable = /as=Table/.test(req.headers.accept ?? '');
    if (method === 'GET' && !t.name) {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return watch(t, q, req, res);
      const items = selectItems(t, q);
      const body = listBody(t, items, q);
      return send(
        res,
        200,
        wantsTable
          ? {
              ...toTable(rt.kind, body.items, store.resourceVersion, q.get('includeObject') ?? 'Metadata'),
              metadata: body.metadata,
            }
          : body,
      );
    }
    if (method === 'POST' && !t.name) {
      const created = create(t, (await readObject(req, rt.kind)) ?? parseJson(''), q, warnings);
      return send(res, 201, created, 'application/json', warnings);
    }
    if (method === 'DELETE' && !t.name) {
      const items = selectItems(t, q);
      for (const o of items) for (const step of ctx.deleteAdmissions ?? []) step(rt, o);
      for (const o of items) store.deleteWithDependents(rt.kind, o.metadata.namespace, o.metadata.name);
      return send(res, 200, listBody(t, items, new URLSearchParams()));
    }
    if (!t.name) throw methodNotAllowed();
    const cur = store.get(rt.kind, t.namespace, t.name);
    if (method === 'GET') {
      if (!cur) throw notFound(rt, t.name);
      return send(
        res,
        200,
        wantsTable
          ? toTable(rt.kind, [cur], store.resourceVersion, q.get('includeObject') ?? 'Metadata')
          : cur,
      );
    }
    if (method === 'PUT') {
      const body = (await readObject(req, rt.kind)) ?? parseJson('');
      if (!cur) {
        // Core kinds create on PUT only for a few types; CRDs never do. None served here does.
        checkNamespace(rt, t.namespace);
        throw notFound(rt, t.name);
      }
      return send(res, 200, replace(t, cur, body, q, warnings), 'application/json', warnings);
    }
    if (method === 'PATCH') {
      const text = await readBody(req);
      const ct = req.headers['content-type'] ?? '';
      if (!cur) {
        if (ct.startsWith('application/apply-patch+yaml')) {
          const body = parseJson(text, true);
          body.metadata = { ...(body.metadata ?? {}), name: t.name };
          return send(res, 201, create(t, body, q, warnings), 'application/json', warnings);
        }
        checkNamespace(rt, t.namespace);
        throw notFound(rt, t.name);
      }
      const patched = applyPatch(t, cur, ct, text);
      // A patch must not move the object; the resourceVersion it carries, if any, is a precondition.
      if (
        patched.metadata?.resourceVersion &&
        patched.metadata.resourceVersion !== cur.metadata.resourceVersion
      )
        throw conflict(rt, t.name);
      patched.metadata = { ...patched.metadata, resourceVersion: undefined };
      return send(res, 200, replace(t, cur, patched, q, warnings), 'application/json', warnings);
    }
    if (method === 'DELETE') {
      if (!cur) throw notFound(rt, t.name);
      const opts = (await readObject(req, 'DeleteOptions')) ?? {};
      const policy = opts.propagationPolicy ?? q.get('propagationPolicy') ?? 'Background';
      if (opts.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) throw conflict(rt, t.name);
      for (const step of ctx.deleteAdmissions ?? []) step(rt, cur);
      if (q.get('dryRun') !== 'All' && !(opts.dryRun ?? []).includes('All')) {
        if (rt.kind === 'Namespace') {
          for (const r of RESOURCES)
            if (r.namespaced)
              for (const o of store.list(r.kind, t.name)) store.delete(r.kind, t.name, o.metadata.name);
        }
        // An object a finalizer holds answers with its deletionTimestamp set, as a real server's does.
        const marked = store.deleteWithDependents(rt.kind, t.namespace, t.name, policy === 'Orphan');
        if (marked?.metadata.deletionTimestamp) return send(res, 200, marked);
      }
      return send(res, 200, cur);
    }
    throw methodNotAllowed();
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (faults.unauthorized) throw unauthorized();
    if (method === 'GET') {
      if (p === '/version') return send(res, 200, VERSION_INFO);
      if (p === '/healthz' || p === '/readyz' || p === '/livez') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return void res.end('ok');
      }
      if (p === '/api' || p === '/apis') {
        if (wantsAggregated(req.headers.accept))
          return send(res, 200, aggregatedDiscovery(p === '/api'), AGGREGATED_CONTENT_TYPE);
        return send(res, 200, p === '/api' ? apiVersions(ctx.host()) : apiGroupList());
      }
      const gv = p.match(/^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/);
      if (gv) {
        const list = apiResourceList(gv[2] ?? '', gv[1] ?? gv[3]);
        if (list) return send(res, 200, list);
        throw pathNotFound();
      }
      if (faults.openapiUnavailable && (p === '/openapi' || p.startsWith('/openapi/')))
        throw serviceUnavailable();
      if (p === '/openapi/v3') return send(res, 200, openapiIndex());
      if (p === '/openapi/v2') {
        const doc = openapiV2(req.headers.accept);
        // kube-openapi answers an Accept it cannot serve with a bare 406.
        if (!doc) return void res.writeHead(406, { 'Content-Length': '0' }).end();
        res.writeHead(200, {
          'Content-Type': doc.contentType,
          'Content-Length': String(doc.body.length),
          'Cache-Control': 'no-cache, private',
          Vary: 'Accept',
        });
        return void res.end(doc.body);
      }
      const oa = p.match(/^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/);
      if (oa) {
        const doc = groupVersionDocument(oa[2] ?? '', oa[1] ?? oa[3]);
        if (doc) return send(res, 200, doc);
        throw pathNotFound();
      }
    }
    const start = method === 'PUT' ? startTarget(p) : undefined;
    if (start) {
      const denied = faults.forbidden.some(
        (f) =>
          (!f.resource || f.resource === 'virtualmachines/start') &&
          (!f.namespace || f.namespace === start.namespace) &&
          (!f.verb || f.verb === 'update'),
      );
      if (denied) throw startForbidden(start.namespace, start.name, SIM_USER);
      startVm(store, start.namespace, start.name);
      res.writeHead(202, { 'Content-Length': '0' });
      return void res.end();
    }
    const t = parseTarget(p);
    if (!t || t === 'notfound') throw pathNotFound();
    const verb = rbacVerb(method, t, q.get('watch') === 'true');
    const ns = t.rt.namespaced ? t.namespace : undefined;
    const denied = faults.forbidden.some(
      (f) =>
        (!f.resource ||
          f.resource === t.rt.resource ||
          f.resource === `${t.rt.resource}.${t.rt.group}` ||
          f.resource === t.rt.kind) &&
        (!f.namespace || f.namespace === ns) &&
        (!f.clusterWide || (t.rt.namespaced && ns === undefined)) &&
        (!f.verb || f.verb === verb),
    );
    if (denied) throw forbidden(t.rt, verb, t.name, ns, SIM_USER);
    const failing = faults.failRequests.find(
      (f) =>
        f.count > 0 &&
        (!f.verb || f.verb === verb) &&
        (!f.kind || f.kind === t.rt.kind) &&
        (!f.name || f.name === t.name),
    );
    if (failing) {
      failing.count--;
      if (failing.code !== 429) {
        throw failing.code === 500
          ? internalError('simulated server error (v-auto simulator fault failRequests)')
          : failing.code === 503
            ? serviceUnavailable()
            : timeout();
      }
      // The max-in-flight and APF filters answer with http.Error, not a Status
      // (kubernetes/kubernetes@04791b4906602ffda5ccf9bc4c84d3329f1d7080
      // staging/src/k8s.io/apiserver/pkg/server/filters/maxinflight.go, tooManyRequests).
      const text = 'Too many requests, please try again later.\n';
      res.writeHead(429, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'Retry-After': String(failing.retryAfter ?? 1),
        'Content-Length': String(Buffer.byteLength(text)),
      });
      return void res.end(text);
    }
    if (faults.serverErrorOnce > 0) {
      faults.serverErrorOnce--;
      throw internalError('simulated server error (v-auto simulator fault serverErrorOnce)');
    }
    return handleResource(req, res, t, q);
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: ServerContext['requests'][number] = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
    };
    if (req.headers['content-type']) record.contentType = req.headers['content-type'];
    ctx.requests.push(record);
    const go = async (): Promise<void> => {
      if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
      try {
        await route(req, res, url);
      } catch (err) {
        if (err instanceof ApiError) send(res, err.code, err.status);
        else {
          process.stderr.write(`v-auto simulator: ${(err as Error).stack}\n`);
          send(res, 500, internalError((err as Error).message).status);
        }
      }
    };
    void go();
  };
}
