// Test doubles for the cluster side: a ClusterClient that keeps objects and remembers its calls, and a captured Output.
import type {
  ApplyManifest,
  ClusterClient,
  ObjectOutcome,
  ObjectRef,
  ObjectResult,
} from '../../lib/cluster/cluster-client.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import type { Output } from '../../lib/report/output.js';

type Failure = Pick<ObjectOutcome, 'reason' | 'cause' | 'denied'>;

/**
 * A cluster holding `existing`: apply creates what is absent and configures what is present, create
 * creates what is absent, delete removes. One field per behaviour changes that: `results` and `rejects` per object (`Kind/name`,
 * or `*` for every object), `applyError`/`createError`/`deleteError` for a call that fails as a whole.
 */
export class FakeCluster implements ClusterClient {
  readonly binary = 'oc';
  calls: string[] = [];
  /** The manifests of the last apply or create. */
  sent: ApplyManifest[] = [];
  /** The refs of the last delete. */
  deleted: ObjectRef[] = [];
  /** Kinds this fake user may not list. */
  forbiddenKinds: string[] = [];
  /** A result other than created/configured, for these objects. */
  results: Record<string, ObjectResult> = {};
  /** Objects the server refuses, with the server's reason. */
  rejects: Record<string, Failure> = {};
  /** Thrown by apply (create) instead of sending anything (login, discovery, an unknown flag). */
  applyError?: Error;
  createError?: Error;
  deleteError?: Error;
  /** Every apply's and create's manifests and every delete's refs, one entry per call, in the order the calls started. */
  applyCalls: ApplyManifest[][] = [];
  createCalls: ApplyManifest[][] = [];
  deleteCalls: ObjectRef[][] = [];
  /** An error for one call as a whole (by the names it carries), as oc failing before sending anything. */
  callError?: (names: string[]) => Error | undefined;
  constructor(
    public existing: K8sObject[] = [],
    /** 'unknown': the user may not read Namespace objects. */
    private namespace: boolean | 'unknown' = true,
  ) {}
  /** The Namespace's labels, when it exists and may be read. */
  namespaceLabelsRead: Record<string, string> = {};
  async namespaceExists(): Promise<boolean | undefined> {
    this.calls.push('namespace');
    return this.namespace === 'unknown' ? undefined : this.namespace;
  }
  async namespaceLabels(): Promise<Record<string, string> | undefined> {
    this.calls.push('namespace');
    return this.namespace === true ? this.namespaceLabelsRead : undefined;
  }
  async listReadable(
    ns: string,
    kinds: string[],
    selector: string | undefined,
    optional: string[],
  ): Promise<{ items: K8sObject[]; unreadable: string[] }> {
    this.calls.push('list');
    const unreadable = kinds.filter(
      (k) => this.forbiddenKinds.includes(k) || (k === 'Namespace' && this.namespace === 'unknown'),
    );
    if (unreadable.some((k) => !optional.includes(k)))
      throw new Error(`fake: forbidden ${unreadable.join(',')}`);
    return {
      items: [
        // The Namespace read is `namespace`'s, whatever `existing` holds (what an apply left there).
        ...this.existing.filter(
          (o) =>
            kinds.includes(o.kind) &&
            o.kind !== 'Namespace' &&
            !unreadable.includes(o.kind) &&
            selected(o, selector),
        ),
        ...(kinds.includes('Namespace') && this.namespace === true ? [this.namespaceObject(ns)] : []),
      ],
      unreadable,
    };
  }
  /** The Namespace a read of the Namespace kind finds, with namespaceLabelsRead. */
  private namespaceObject(name: string): K8sObject {
    return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: this.namespaceLabelsRead } };
  }
  async get(_ns: string, kind: string, name: string): Promise<K8sObject | undefined> {
    this.calls.push(`get ${kind}/${name}`);
    return this.existing.find((o) => o.kind === kind && o.metadata.name === name);
  }
  async uploadToken(_ns: string, pvc: string): Promise<string> {
    this.calls.push(`upload-token ${pvc}`);
    return `fake-token-for-${pvc}`;
  }
  /** Like `oc get KINDS [-l SELECTOR]`: the objects of those kinds that the selector selects. */
  async list(ns: string, kinds: string[], selector?: string): Promise<K8sObject[]> {
    return (await this.listReadable(ns, kinds, selector, [])).items;
  }
  /** Objects in other namespaces, seen only by listEverywhere; undefined: that listing is forbidden. */
  elsewhere: K8sObject[] | undefined = [];
  async listEverywhere(kinds: string[], selector?: string): Promise<K8sObject[] | undefined> {
    this.calls.push('list-all');
    return (
      this.elsewhere &&
      [...this.existing, ...this.elsewhere].filter((o) => kinds.includes(o.kind) && selected(o, selector))
    );
  }
  apply(_ns: string, manifests: ApplyManifest[]): Promise<ObjectOutcome[]> {
    this.calls.push('apply');
    this.applyCalls.push(manifests);
    return this.write(manifests, this.applyError, false);
  }
  /** What the API server's admission refuses on a server-side dry run (and so on the write), by `Kind/name` (or `*`). */
  dryRunRejects: Record<string, Failure> = {};
  /** The manifests of each server-side dry run. */
  dryRunCalls: ApplyManifest[][] = [];
  /** The verb of each server-side dry run, as in dryRunCalls. */
  dryRunVerbs: ('create' | 'apply')[] = [];
  async dryRun(_ns: string, manifests: ApplyManifest[], verb: 'create' | 'apply'): Promise<ObjectOutcome[]> {
    this.calls.push('dry-run');
    this.dryRunVerbs.push(verb);
    this.dryRunCalls.push(manifests);
    return manifests.map((m) => {
      const ref = { kind: m.kind, name: m.metadata.name };
      const failure = this.lookup(this.dryRunRejects, ref);
      if (failure) return { ...ref, result: 'failed', ...failure };
      const exists = this.existing.some((o) => o.kind === ref.kind && o.metadata.name === ref.name);
      return { ...ref, result: exists ? 'configured' : 'created' };
    });
  }
  /** Like apply, but an object that exists fails as AlreadyExists (kube-apiserver's message). */
  create(_ns: string, manifests: ApplyManifest[]): Promise<ObjectOutcome[]> {
    this.calls.push('create');
    this.createCalls.push(manifests);
    return this.write(manifests, this.createError, true);
  }
  private async write(
    manifests: ApplyManifest[],
    error: Error | undefined,
    creating: boolean,
  ): Promise<ObjectOutcome[]> {
    if (error) throw error;
    await Promise.resolve(); // the calls of a fan-out overlap
    const callError = this.callError?.(manifests.map((m) => m.metadata.name));
    if (callError) throw callError;
    this.sent = manifests;
    return manifests.map((m) => {
      const ref = { kind: m.kind, name: m.metadata.name };
      const failure = this.lookup(this.rejects, ref);
      if (failure) return { ...ref, result: 'failed', ...failure };
      const index = this.existing.findIndex((o) => o.kind === ref.kind && o.metadata.name === ref.name);
      if (index >= 0 && creating)
        return {
          ...ref,
          result: 'failed',
          reason: `${ref.kind.toLowerCase()}s "${ref.name}" already exists`,
          cause: 'exists',
        };
      if (index >= 0) this.existing[index] = m as K8sObject;
      else this.existing.push(m as K8sObject);
      return { ...ref, result: this.lookup(this.results, ref) ?? (index >= 0 ? 'configured' : 'created') };
    });
  }
  async delete(_ns: string, refs: ObjectRef[]): Promise<ObjectOutcome[]> {
    this.calls.push('delete');
    this.deleteCalls.push(refs);
    if (this.deleteError) throw this.deleteError;
    await Promise.resolve();
    const callError = this.callError?.(refs.map((r) => r.name));
    if (callError) throw callError;
    this.deleted = refs;
    return refs.map((ref) => {
      const failure = this.lookup(this.rejects, ref);
      if (failure) return { ...ref, result: 'failed', ...failure };
      const before = this.existing.length;
      this.existing = this.existing.filter((o) => !(o.kind === ref.kind && o.metadata.name === ref.name));
      return {
        ...ref,
        result: this.lookup(this.results, ref) ?? (this.existing.length < before ? 'deleted' : 'gone'),
      };
    });
  }
  /** The patches sent, in order. */
  patches: { ref: ObjectRef; patch: object }[] = [];
  /** JSON merge patch (RFC 7386) of the stored object; rejects apply here too. */
  async patch(_ns: string, ref: ObjectRef, patch: object): Promise<ObjectOutcome> {
    this.calls.push('patch');
    this.patches.push({ ref, patch });
    const failure = this.lookup(this.rejects, ref);
    if (failure) return { ...ref, result: 'failed', ...failure };
    const index = this.existing.findIndex((o) => o.kind === ref.kind && o.metadata.name === ref.name);
    if (index < 0)
      return {
        ...ref,
        result: 'failed',
        reason: `${ref.kind.toLowerCase()} "${ref.name}" not found`,
        cause: 'other',
      };
    this.existing[index] = mergePatch(this.existing[index], patch) as K8sObject;
    return { ...ref, result: 'configured' };
  }
  /** The VMs asked to start through the start subresource, in order. */
  starts: string[] = [];
  /** The start subresource: a Start request in the VM's status (what virt-api records for a Manual VM). */
  async startVm(_ns: string, name: string): Promise<ObjectOutcome> {
    this.calls.push('start');
    this.starts.push(name);
    const ref = { kind: 'VirtualMachine', name };
    const failure = this.lookup(this.startRejects, ref);
    if (failure) return { ...ref, result: 'failed', ...failure };
    return { ...ref, result: 'configured' };
  }
  /** Start subresource refusals by `Kind/name` (or `*`). */
  startRejects: Record<string, Pick<ObjectOutcome, 'reason' | 'cause' | 'denied'>> = {};
  private lookup<T>(table: Record<string, T>, ref: ObjectRef): T | undefined {
    return table[`${ref.kind}/${ref.name}`] ?? table['*'];
  }
}

export function capture(): Output & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    isTTY: false,
    color: false,
    out: (t: string) => void (o.stdout += t),
    err: (t: string) => void (o.stderr += t),
  };
  return o;
}

/**
 * Whether an equality label selector (`k=v,k2=v2`, what v-auto sends) selects `o`, as the API
 * server decides it; any other selector syntax is a test's mistake.
 */
function selected(o: K8sObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^([^=!]+)==?([^=]*)$/.exec(term);
    if (!m) throw new Error(`fake: selector term "${term}" is not key=value`);
    return o.metadata.labels?.[m[1]] === m[2];
  });
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
