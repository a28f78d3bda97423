// The operations v-auto needs from a cluster; OcRunner implements them with oc, tests with fakes.
import type { K8sObject } from './k8s-object.js';

export interface ApplyOutput {
  /** kubectl's stdout: one `type/name verb` line per object it applied. */
  stdout: string;
  /** kubectl's stderr: errors for the objects it could not apply, and warnings. */
  stderr: string;
  exitCode: number;
}

export interface ObjectRef {
  kind: string;
  name: string;
}

export interface ClusterClient {
  /** The binary in use, for messages. */
  readonly binary: string;
  /** undefined when the user may not read Namespace objects (common for OpenShift project members). */
  namespaceExists(namespace: string): Promise<boolean | undefined>;
  /** One `get` of several kinds, optionally with a label selector. */
  list(namespace: string, kinds: string[], selector?: string): Promise<K8sObject[]>;
  /**
   * Like `list`, but the `optional` kinds the user may not read (a monitoring account with the
   * `view` role cannot list Secrets) come back in `unreadable` instead of failing the call.
   */
  listReadable(namespace: string, kinds: string[], selector: string, optional: string[]): Promise<{ items: K8sObject[]; unreadable: string[] }>;
  /** One `get KINDS --all-namespaces`; undefined when this user may not list them everywhere. */
  listEverywhere(kinds: string[]): Promise<K8sObject[] | undefined>;
  /** One `apply -f -` of all manifests; per-object failures come back in the output, not as a throw. */
  apply(namespace: string, manifests: object[]): Promise<ApplyOutput>;
  /** One `delete -f -` of exactly these objects. */
  delete(namespace: string, refs: ObjectRef[]): Promise<ApplyOutput>;
}
