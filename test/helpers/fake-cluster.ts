// Test doubles for the cluster side: a ClusterClient that remembers its calls, and a captured Output.
import type { ApplyOutput, ClusterClient, ObjectRef } from '../../lib/cluster/cluster-client.js';
import { printedType, type K8sObject } from '../../lib/cluster/k8s-object.js';
import type { Output } from '../../lib/report/output.js';

/** A cluster that remembers calls; `applyResult` decides each object's verb or error. */
export class FakeCluster implements ClusterClient {
  readonly binary = 'oc';
  calls: string[] = [];
  sent: object[] = [];
  constructor(
    private existing: K8sObject[] = [],
    /** 'unknown': the user may not read Namespace objects. */
    private namespace: boolean | 'unknown' = true,
    private applyResult: (m: { kind: string; metadata: { name: string } }) => string = () => 'created',
  ) {}
  async namespaceExists(): Promise<boolean | undefined> {
    this.calls.push('namespace');
    return this.namespace === 'unknown' ? undefined : this.namespace;
  }
  /** Kinds this fake user may not list. */
  forbiddenKinds: string[] = [];
  async listReadable(_ns: string, kinds: string[], _selector: string, optional: string[]): Promise<{ items: K8sObject[]; unreadable: string[] }> {
    this.calls.push('list');
    const unreadable = kinds.filter((k) => this.forbiddenKinds.includes(k));
    if (unreadable.some((k) => !optional.includes(k))) throw new Error(`fake: forbidden ${unreadable.join(',')}`);
    return { items: this.existing.filter((o) => kinds.includes(o.kind) && !unreadable.includes(o.kind)), unreadable };
  }
  /** Like `oc get KINDS`: only the objects of those kinds (no selector filtering). */
  async list(_ns: string, kinds: string[]): Promise<K8sObject[]> {
    this.calls.push('list');
    return this.existing.filter((o) => kinds.includes(o.kind));
  }
  /** Objects in other namespaces, seen only by listEverywhere; undefined: that listing is forbidden. */
  elsewhere: K8sObject[] | undefined = [];
  async listEverywhere(kinds: string[]): Promise<K8sObject[] | undefined> {
    this.calls.push('list-all');
    return this.elsewhere && [...this.existing, ...this.elsewhere].filter((o) => kinds.includes(o.kind));
  }
  async apply(_ns: string, manifests: object[]): Promise<ApplyOutput> {
    this.calls.push('apply');
    this.sent = manifests;
    const lines: string[] = [];
    const errors: string[] = [];
    for (const m of manifests as { kind: string; metadata: { name: string } }[]) {
      const r = this.applyResult(m);
      if (r.startsWith('error:')) errors.push(`Error from server (Invalid): error when creating "STDIN": ${m.kind} "${m.metadata.name}" is invalid: ${r.slice(6)}`);
      else lines.push(`${printedType(m.kind)}/${m.metadata.name} ${r}`);
    }
    return { stdout: lines.join('\n'), stderr: errors.join('\n'), exitCode: errors.length ? 1 : 0 };
  }
  deleted: ObjectRef[] = [];
  async delete(_ns: string, refs: ObjectRef[]): Promise<ApplyOutput> {
    this.calls.push('delete');
    this.deleted = refs;
    return { stdout: refs.map((r) => `${printedType(r.kind)} "${r.name}" deleted`).join('\n'), stderr: '', exitCode: 0 };
  }
}

export function capture(): Output & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', isTTY: false, color: false, out: (t: string) => void (o.stdout += t), err: (t: string) => void (o.stderr += t) };
  return o;
}

