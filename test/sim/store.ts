// In-memory object store: one map per kind, a global resourceVersion counter and the metadata a real API server fills in.
import { randomUUID } from 'node:crypto';
import { RESOURCES, apiVersionOf, byKind } from './resources.js';

export type Obj = Record<string, any>;

export function deepClone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Key-order-insensitive equality, so a patch that changes nothing is recognised as a no-op. */
export function deepEqual(a: any, b: any): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

type Listener = (kind: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj) => void;

/**
 * One write as the watch cache keeps it: the object after it (for a delete, the last state carrying the
 * delete's resourceVersion) and, for a modification or delete, the object before it, so a watch with a
 * selector sees an object that stops matching as DELETED and one that starts matching as ADDED.
 */
export interface StoreEvent {
  rv: number;
  kind: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: Obj;
  prev?: Obj;
}

/** The store's resourceVersion history no longer reaches back to the version a watch asked for (410 Gone). */
export class HistoryExpired extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    // The watch cache's wording (kubernetes/apiserver v0.35.7, pkg/storage/cacher/watch_cache.go).
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export class ObjectStore {
  private readonly maps = new Map<string, Map<string, Obj>>();
  private rv = 1000;
  private readonly listeners: Listener[] = [];
  /**
   * Owner uid → the objects naming it in ownerReferences, as [kind, namespace, name], kept up to date on every
   * write: the garbage collector's dependency graph, so a delete looks at its own dependents only instead of
   * rescanning every object of every kind.
   */
  private readonly dependents = new Map<string, Map<string, [string, string | undefined, string]>>();
  /**
   * The last `historySize` writes in resourceVersion order, from which a watch started at a list's
   * resourceVersion replays what it missed: the API server's watch cache keeps a bounded window of
   * events per resource (100 up to 100×1024, kubernetes/apiserver v0.35.7,
   * pkg/storage/cacher/watch_cache.go defaultLowerBoundCapacity and watch_cache_history.go). One window
   * for all kinds here, as the store has one resourceVersion counter as etcd has one revision.
   */
  private readonly history: StoreEvent[] = [];
  /** The resourceVersion from which every later write is still in the history. */
  private historyFrom: number;

  constructor(private readonly historySize = 10_000) {
    for (const r of RESOURCES) this.maps.set(r.kind, new Map());
    this.historyFrom = this.rv;
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  onChange(l: Listener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private key(ns: string | undefined, name: string): string {
    return `${ns ?? ''}/${name}`;
  }

  /** Moves `o` in the owner index from the owners `before` names to the ones `after` names (either may be undefined). */
  private reindex(kind: string, before: Obj | undefined, after: Obj | undefined): void {
    const o = (after ?? before)!;
    const ref = `${kind}/${this.key(o.metadata.namespace, o.metadata.name)}`;
    const owners = (x: Obj | undefined): string[] =>
      (x?.metadata?.ownerReferences ?? []).map((r: { uid?: string }) => r.uid).filter(Boolean);
    for (const uid of owners(before)) {
      const set = this.dependents.get(uid);
      set?.delete(ref);
      if (set && !set.size) this.dependents.delete(uid);
    }
    for (const uid of owners(after)) {
      if (!this.dependents.has(uid)) this.dependents.set(uid, new Map());
      this.dependents.get(uid)!.set(ref, [kind, o.metadata.namespace, o.metadata.name]);
    }
  }

  get(kind: string, ns: string | undefined, name: string): Obj | undefined {
    return this.maps.get(kind)?.get(this.key(byKind(kind).namespaced ? ns : undefined, name));
  }

  list(kind: string, ns?: string): Obj[] {
    const all = [...(this.maps.get(kind)?.values() ?? [])];
    const items = ns ? all.filter((o) => o.metadata.namespace === ns) : all;
    // Real servers list in key order (namespace, then name).
    return items.sort((a, b) =>
      this.key(a.metadata.namespace, a.metadata.name).localeCompare(
        this.key(b.metadata.namespace, b.metadata.name),
      ),
    );
  }

  /** The objects whose ownerReferences name `uid`, from the owner index (no scan). */
  dependentsOf(uid: string): Obj[] {
    return [...(this.dependents.get(uid)?.values() ?? [])]
      .map(([kind, ns, name]) => this.get(kind, ns, name))
      .filter((o): o is Obj => o !== undefined);
  }

  /** Inserts a new object, filling uid, resourceVersion, creationTimestamp and generation. */
  create(obj: Obj): Obj {
    const rt = byKind(obj.kind);
    const o = deepClone(obj);
    o.apiVersion = apiVersionOf(rt);
    o.metadata = o.metadata ?? {};
    if (!rt.namespaced) delete o.metadata.namespace;
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = nowIso();
    o.metadata.resourceVersion = String(++this.rv);
    if (rt.group) o.metadata.generation = 1;
    this.maps.get(rt.kind)!.set(this.key(o.metadata.namespace, o.metadata.name), o);
    this.reindex(rt.kind, undefined, o);
    this.emit(rt.kind, 'ADDED', o, undefined);
    return o;
  }

  /**
   * Replaces an existing object. resourceVersion moves only when something really changed,
   * and generation only when spec changed, as on a real server.
   */
  update(next: Obj): Obj {
    const rt = byKind(next.kind);
    const cur = this.get(rt.kind, next.metadata.namespace, next.metadata.name);
    if (!cur) throw new Error(`simulator: update of missing ${rt.kind} ${next.metadata.name}`);
    const o = deepClone(next);
    o.apiVersion = apiVersionOf(rt);
    // A deletionTimestamp, once set, cannot be unset or moved by a client.
    for (const k of [
      'uid',
      'creationTimestamp',
      'resourceVersion',
      'generation',
      'namespace',
      'name',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
    ])
      if (cur.metadata[k] !== undefined) o.metadata[k] = cur.metadata[k];
    if (deepEqual(o, cur)) return cur;
    // The last finalizer of an object being deleted is gone: the object goes now.
    if (o.metadata.deletionTimestamp && !o.metadata.finalizers?.length) {
      this.deleteWithDependents(rt.kind, o.metadata.namespace, o.metadata.name, false, true);
      return o;
    }
    if (rt.group && !deepEqual(o.spec, cur.spec)) o.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    o.metadata.resourceVersion = String(++this.rv);
    this.maps.get(rt.kind)!.set(this.key(o.metadata.namespace, o.metadata.name), o);
    this.reindex(rt.kind, cur, o);
    this.emit(rt.kind, 'MODIFIED', o, cur);
    return o;
  }

  delete(kind: string, ns: string | undefined, name: string): Obj | undefined {
    const rt = byKind(kind);
    const k = this.key(rt.namespaced ? ns : undefined, name);
    const cur = this.maps.get(kind)!.get(k);
    if (!cur) return undefined;
    this.maps.get(kind)!.delete(k);
    this.reindex(kind, cur, undefined);
    // A delete event carries the object's last state at the delete's own resourceVersion, as the watch
    // cache sends it (kubernetes/apiserver v0.35.7, pkg/storage/cacher/cache_watcher.go convertToWatchEvent).
    const last = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(++this.rv) } };
    this.emit(kind, 'DELETED', last, last);
    return cur;
  }

  /**
   * Deletes an object and, unless orphaning, everything that names it in ownerReferences, recursively:
   * the garbage collector's background propagation, done at once. An object with finalizers is only
   * marked (metadata.deletionTimestamp, as the API server's graceful deletion does) and stays until
   * the controllers that own its finalizers remove them (`update` then deletes it); `force` is that
   * last step.
   */
  deleteWithDependents(
    kind: string,
    ns: string | undefined,
    name: string,
    orphan = false,
    force = false,
  ): Obj | undefined {
    // Read from the map, not through get: get counts the garbage collector's look-ups of dependents.
    const cur = this.maps.get(kind)?.get(this.key(byKind(kind).namespaced ? ns : undefined, name));
    if (cur?.metadata.finalizers?.length && !force) {
      if (cur.metadata.deletionTimestamp) return cur;
      const marked = deepClone(cur);
      marked.metadata.deletionTimestamp = nowIso();
      marked.metadata.deletionGracePeriodSeconds = 0;
      marked.metadata.resourceVersion = String(++this.rv);
      this.maps.get(kind)!.set(this.key(marked.metadata.namespace, marked.metadata.name), marked);
      this.emit(kind, 'MODIFIED', marked, cur);
      return marked;
    }
    const gone = this.delete(kind, ns, name);
    if (!gone || orphan) return gone;
    for (const dep of this.dependentsOf(gone.metadata.uid))
      this.deleteWithDependents(dep.kind, dep.metadata.namespace, dep.metadata.name);
    return gone;
  }

  /**
   * The writes after resourceVersion `rv`, in order; HistoryExpired when some of them have left the window
   * (the watch cache's GetIntervalLocked: kubernetes/apiserver v0.35.7, pkg/storage/cacher/watch_cache.go
   * getAllEventsSinceLocked).
   */
  eventsSince(rv: number): StoreEvent[] {
    if (rv < this.historyFrom) throw new HistoryExpired(rv, this.historyFrom);
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv > rv) hi = mid;
      else lo = mid + 1;
    }
    return this.history.slice(lo);
  }

  private emit(kind: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj, prev: Obj | undefined): void {
    // Recorded before any listener runs: a listener's own writes come later in the history, as in etcd.
    this.history.push({ rv: this.rv, kind, type, obj, prev });
    if (this.history.length >= 2 * this.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      this.historyFrom = dropped[dropped.length - 1].rv;
    }
    for (const l of this.listeners) l(kind, type, obj);
  }
}
