// The operations v-auto needs from a cluster; OcRunner implements them with oc, tests with fakes.
import type { K8sObject } from './k8s-object.js';

export interface ObjectRef {
  kind: string;
  name: string;
}

/** What became of one object sent to the cluster. */
export type ObjectResult =
  | 'created'
  | 'configured'
  | 'unchanged'
  | 'deleted'
  /** delete: already gone when the cluster got to it (a PVC removed with its DataVolume). */
  | 'gone'
  | 'failed';

/** Why an object failed, as far as v-auto acts on it. */
export type FailureCause =
  /** RBAC denied the request: `denied` says what was refused. */
  | 'forbidden'
  /** The namespace does not exist. */
  | 'namespace-missing'
  /** A field that cannot change once created (a DataVolume's spec). */
  | 'immutable'
  /** create: the object appeared after deploy read the namespace (AlreadyExists). */
  | 'exists'
  /**
   * The server could not answer for the object (500, 503, 504 Timeout, 429 past client-go's retries):
   * nothing is wrong with the object; the same run may succeed later.
   */
  | 'server'
  | 'other';

/** One object's outcome; when it failed, `reason` is the server's words and `cause` their gist. */
export interface ObjectOutcome extends ObjectRef {
  result: ObjectResult;
  reason?: string;
  cause?: FailureCause;
  denied?: { verb: string; resource: string; namespace?: string };
}

/** What `apply` takes: any manifest with a kind and a name. */
export interface ApplyManifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}

/**
 * Objects read once and then kept current by a watch per kind, started at the list's resourceVersion so no
 * change between the two is lost.
 */
export interface Follow {
  /** The objects as of the last change seen, in kind order. */
  objects(): K8sObject[];
  /**
   * Resolves at the next change, when a watch ends, or after `ms`, whichever comes first; rejects
   * with the interrupted error when `signal` aborts.
   */
  next(ms: number, signal?: AbortSignal): Promise<void>;
  /** Why the objects are no longer followed (a watch ended, was refused, or its version expired). */
  readonly ended: string | undefined;
  /** Ends the watches (their processes); safe to call more than once. */
  stop(): void;
}

export interface ClusterClient {
  /** The binary in use, for messages. */
  readonly binary: string;
  /** undefined when the user may not read Namespace objects (common for OpenShift project members). */
  namespaceExists(namespace: string): Promise<boolean | undefined>;
  /** The namespace's labels; undefined when it does not exist or the user may not read it. */
  namespaceLabels(namespace: string): Promise<Record<string, string> | undefined>;
  /**
   * Every object of these kinds in the namespace, optionally with a label selector, in kind order.
   * `instances`, about how many instances' objects the caller expects (its plan's), lets a small
   * read go as one oc process; a wrong guess costs time, never a different answer.
   */
  list(namespace: string, kinds: string[], selector?: string, instances?: number): Promise<K8sObject[]>;
  /**
   * Like `list`, but the `optional` kinds the user may not read (a monitoring account with the
   * `view` role cannot list Secrets) come back in `unreadable` instead of failing the call.
   */
  listReadable(
    namespace: string,
    kinds: string[],
    selector: string | undefined,
    optional: string[],
    instances?: number,
  ): Promise<{ items: K8sObject[]; unreadable: string[] }>;
  /**
   * `list`, then each kind's changes as they happen (`Follow`), for at most `seconds`. Throws as `list`
   * when the list fails; a watch that fails later sets `ended`. Absent where the client cannot watch.
   */
  follow?(namespace: string, kinds: string[], selector: string, seconds: number): Promise<Follow>;
  /**
   * One `get KINDS --all-namespaces` (with a label selector: one oc process for all the kinds);
   * undefined when this user may not list them everywhere.
   */
  listEverywhere(kinds: string[], selector?: string): Promise<K8sObject[] | undefined>;
  /**
   * One apply of all manifests: one outcome per manifest, in order. A failure that stops the whole
   * call before anything is sent (login, network, discovery, OpenAPI, a flag this oc lacks) throws
   * an exit-3 VAutoError instead.
   */
  apply(namespace: string, manifests: ApplyManifest[]): Promise<ObjectOutcome[]>;
  /**
   * One create of manifests the plan found absent, with the annotation `apply` writes on its own
   * create path, so later applies and the plan see them as apply-made: one request per object
   * where apply spends two. One that exists by then fails (cause `exists`); whole-call failures
   * throw as `apply`'s.
   */
  create(namespace: string, manifests: ApplyManifest[]): Promise<ObjectOutcome[]>;
  /**
   * One `create` or `apply` of these manifests with `--dry-run=server`, as the write will send them:
   * the API server's validation and admission (webhooks included) of each, nothing stored. A create
   * is one request per object where apply spends two. One outcome per object.
   */
  dryRun(namespace: string, manifests: ApplyManifest[], verb: 'create' | 'apply'): Promise<ObjectOutcome[]>;
  /** One delete of exactly these objects: one outcome per ref, in order; whole-call failures throw as `apply`'s. */
  delete(namespace: string, refs: ObjectRef[]): Promise<ObjectOutcome[]>;
  /** One object by name; undefined when there is none. */
  get(namespace: string, kind: string, name: string): Promise<K8sObject | undefined>;
  /**
   * A token for uploading into PVC `pvc` through CDI's upload proxy: an UploadTokenRequest created
   * with its manifest on stdin, the token read from the object the cluster answers with. It is
   * never on a command line or in a log.
   */
  uploadToken(namespace: string, pvc: string): Promise<string>;
  /** One JSON merge patch of one object (`oc patch --type merge`): configured, unchanged, or failed with the server's reason. */
  patch(namespace: string, ref: ObjectRef, patch: object): Promise<ObjectOutcome>;
  /** KubeVirt's start subresource of one VM (how a Manual VM starts): configured, or failed with the server's reason. */
  startVm(namespace: string, name: string): Promise<ObjectOutcome>;
}
