// The switchable faults a test or demo can turn on while the simulator runs.

export interface Faults {
  /** Every request gets 401 Unauthorized. */
  unauthorized: boolean;
  /** Requests matching every given field get 403 Forbidden; resource is the plural (`virtualmachines`), verb the RBAC verb. */
  forbidden: {
    resource?: string;
    namespace?: string;
    verb?: string;
    /**
     * Only requests across all namespaces (a namespaced resource asked for with no namespace): a
     * user whose RoleBindings grant a verb in some namespaces, and no ClusterRoleBinding, is refused
     * it "at the cluster scope" (Kubernetes RBAC: a Role's permissions are within its namespace).
     */
    clusterWide?: boolean;
  }[];
  /** The next N object requests get 500 InternalError. Discovery, /version and /openapi are not counted (see docs/reliability.md, Faults). */
  serverErrorOnce: number;
  /** Added before every response. */
  latencyMs: number;
  /** DataVolume names whose import fails: restarts with Warning events, then phase Failed. */
  failImports: string[];
  /**
   * 422 Invalid for one object on create, update or patch. `field` (an addition to the brief, default `spec`)
   * is the cause's field path: kubectl prints `The <Kind> "<name>" is invalid: <field>: <message>`.
   * A server-side dry run (`dryRun=All`) is refused the same way, unless `writesOnly`: a refusal that
   * only the write meets (a quota someone else took between the dry run and the write).
   */
  rejectCreate: { kind: string; name: string; message: string; field?: string; writesOnly?: boolean }[];
  /** VMI names that never get past Scheduling (a node that cannot take them): a restart that never comes back. */
  stuckVmis: string[];
  /**
   * DataVolumes whose importer fails once and is restarted `forMs` later, then imports (CDI#3762:
   * a transient DataVolumeError that CDI calls intended behaviour). `settle()` ends the wait early.
   */
  transientImportErrors: { name: string; forMs: number }[];
  /**
   * VMIs whose launcher pod the scheduler cannot place for `forMs` (no node has room; then one is
   * drained back): the pod is Pending with PodScheduled False Unschedulable and a FailedScheduling
   * event, the VMI carries that condition, and the VM shows ErrorUnschedulable, until it schedules.
   */
  unschedulableVmis: { name: string; forMs: number }[];
  /**
   * /openapi/v2 and /openapi/v3 answer 503 (an API server whose OpenAPI aggregation is down): gets and
   * deletes work, while `kubectl apply` stops in its validation before sending any object.
   */
  openapiUnavailable: boolean;
  /** The next N uploads through the upload proxy lose their connection halfway (a broken link). */
  breakUploads: number;
  /**
   * VMs whose guest takes `forMs` to shut down once the VM is deleted: until then the VM stays, with a
   * deletionTimestamp and KubeVirt's VM finalizer, printable status Terminating (test/sim/controllers.ts VM_FINALIZER).
   */
  slowShutdowns: { name: string; forMs: number }[];
  /**
   * The next `count` requests that match `verb` (the RBAC verb: get, create, patch…), `kind` and `name`
   * (each optional; a create's name is in its body, so it matches by verb and kind) fail with `code`,
   * in the API server's own shape: 500 InternalError, 503 ServiceUnavailable, 504 Timeout, and 429 as
   * its max-in-flight and priority-and-fairness filters send it, in text with a Retry-After
   * (`retryAfter`, default 1 s as there; client-go retries up to 10 times when the header is there).
   */
  failRequests: {
    verb?: string;
    kind?: string;
    name?: string;
    code: 429 | 500 | 503 | 504;
    count: number;
    retryAfter?: number;
  }[];
}

export function noFaults(): Faults {
  return {
    unauthorized: false,
    forbidden: [],
    serverErrorOnce: 0,
    latencyMs: 0,
    failImports: [],
    rejectCreate: [],
    stuckVmis: [],
    transientImportErrors: [],
    unschedulableVmis: [],
    openapiUnavailable: false,
    breakUploads: 0,
    slowShutdowns: [],
    failRequests: [],
  };
}

/** The user name that 403 messages carry, as the kubeconfig's token would authenticate. */
export const SIM_USER = 'sim-user';
