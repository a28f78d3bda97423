// `addresses`: the ledger of a project's (or one spec's) planned static addresses, with what the cluster reports.
import { assertProject, listSpecs, loadWorkspace } from '../config/load-workspace.js';
import { ExitCode, interruptedError, usageError, VAutoError } from '../errors.js';
import { findAddressConflicts, type SpecPlan } from '../plan/address-conflicts.js';
import { addressLedger, type LiveByNamespace, type WorkspaceSpec } from '../plan/address-ledger.js';
import { selectTarget } from '../plan/plan-instances.js';
import { describeMacConflict, findMacConflicts } from '../plan/mac-addresses.js';
import type { LiveObject } from '../plan/live-address-conflicts.js';
import { ADDRESS_KINDS } from '../model/kinds.js';
import { managedSelector, selectorString } from '../model/ownership.js';
import type { LedgerView } from '../report/address-ledger-report.js';
import type { ClusterDeps } from './cluster-deps.js';
import { prepareSettings } from '../pipeline/prepare-manifests.js';
import { planWorkspace } from '../pipeline/workspace-plans.js';

export interface AddressesOptions {
  home: string;
  project: string;
  /** Absent: every spec of the project. */
  spec?: string;
  replicas?: number;
  target?: string;
  sets: string[];
}

/** The ledger, what keeps deploy from going ahead with it, and why the cluster was not read (if so). */
export interface AddressesResult {
  view: LedgerView;
  /** `1 spec cannot be planned`, `2 address conflicts in the workspace`…: exit 2. */
  problems: string[];
  /** The cluster could not be read: the ledger shows the plan only (exit 3). */
  clusterError?: VAutoError;
}

/**
 * Exit 2 when a listed spec cannot be planned or its addresses conflict (in the workspace, or with
 * what the namespace holds): deploy would refuse it. Else exit 3 when the cluster could not be read
 * (the plan is printed in full all the same), else 0.
 */
export async function addresses(options: AddressesOptions, deps: ClusterDeps): Promise<AddressesResult> {
  const { home, project, spec } = options;
  // --set, --replicas and --target without a spec are refused with the command line (FlagSpec.scope).
  if (spec === undefined) assertProject(home, project);
  // The run's own spec, with --set and --replicas; a spec that cannot be found is an error, one that
  // cannot be planned is listed with its error.
  let current: WorkspaceSpec | undefined;
  if (spec !== undefined) {
    // A spec that does not exist is the usual "not found" error (loadWorkspace says it).
    if (!listSpecs(home).some((s) => s.project === project && s.spec === spec))
      loadWorkspace(home, project, spec);
    try {
      current = {
        project,
        spec,
        plan: prepareSettings({ home, project, spec, sets: options.sets, replicas: options.replicas }, deps)
          .plan,
      };
    } catch (err) {
      if (!(err instanceof VAutoError)) throw err;
      current = { project, spec, error: err };
    }
    // An unknown --target is exit 2, as for every action.
    if (options.target !== undefined && 'plan' in current) selectTarget(current.plan, options.target);
  }
  const workspace = planWorkspace(home, deps, current);
  const planned = workspace.filter((s): s is SpecPlan => 'plan' in s);
  // No spec's env: values reach oc, whichever spec names them.
  deps.hideEnv?.(planned.flatMap((s) => s.plan.settings.envNames));
  const conflicts = findAddressConflicts(planned);
  const listed = workspace.filter((s) => s.project === project && (spec === undefined || s.spec === spec));
  if (!listed.length)
    throw usageError(`project ${project} has no specs`, `add one: projects/${project}/specs/web.yaml`);

  const addressed = listed.filter(
    (s): s is SpecPlan => 'plan' in s && s.plan.instances.some((i) => i.nics.some((n) => n.address)),
  );
  const namespaces = [...new Set(addressed.map((s) => s.plan.settings.namespace))];
  // About how many instances' objects each namespace's read finds: a small one goes as one get.
  const instances = addressed.reduce((n, s) => n + s.plan.instances.length, 0);
  const { live, everywhere, error } = await readCluster(namespaces, instances, deps);
  const ledger = addressLedger(listed, conflicts, live, options.target, everywhere);
  // A MAC two NICs of the workspace would share: deploy refuses it as it refuses an address conflict.
  for (const c of findMacConflicts(planned))
    if (c.holders.some((h) => h.project === project && (spec === undefined || h.spec === spec)))
      ledger.conflicts.push(`MAC ${describeMacConflict(c)}`);
  const view = {
    project,
    ...(spec !== undefined ? { spec } : {}),
    ...ledger,
    ...(error ? { clusterError: error.message } : {}),
    ...(!error && namespaces.length && !everywhere ? { warnings: [EVERYWHERE_UNREAD_LEDGER] } : {}),
  };

  const held = ledger.entries.filter((e) => e.cluster?.state === 'held').length;
  const problems = [
    ledger.unplanned.length &&
      `${ledger.unplanned.length} spec${ledger.unplanned.length === 1 ? '' : 's'} cannot be planned`,
    ledger.conflicts.length &&
      `${ledger.conflicts.length} address conflict${ledger.conflicts.length === 1 ? '' : 's'} in the workspace`,
    held && `${held} planned address${held === 1 ? '' : 'es'} held by something else in the cluster`,
  ].filter((p): p is string => Boolean(p));
  return { view, problems, ...(error ? { clusterError: error } : {}) };
}

export function addressesCode(result: AddressesResult): number {
  if (result.problems.length) return ExitCode.USAGE;
  return result.clusterError ? ExitCode.CLUSTER : ExitCode.OK;
}

/** Said when v-auto's objects could not be listed in every namespace (RBAC). */
const EVERYWHERE_UNREAD_LEDGER =
  "this user may not list v-auto's VMs, VMIs and NADs in every namespace: the ledger shows the listed namespaces only (instances left in other namespaces, and what holds a planned address there, are not shown)";

/**
 * One `get` per namespace and one of v-auto's objects in every namespace, side by side. A cluster
 * that cannot be read (no oc, not logged in, forbidden, unreachable: exit-3 errors) is reported
 * once, with the namespaces that were read; `everywhere` is undefined when this user may not list
 * everywhere (the namespaces' reads stand).
 */
async function readCluster(
  namespaces: string[],
  instances: number,
  deps: ClusterDeps,
): Promise<{ live: LiveByNamespace; everywhere?: LiveObject[]; error?: VAutoError }> {
  const live = new Map<string, LiveObject[]>();
  if (!namespaces.length) return { live, everywhere: [] };
  const cannotRead = (err: unknown): VAutoError => {
    if (deps.signal?.aborted) throw interruptedError();
    if (err instanceof VAutoError && err.exitCode === ExitCode.CLUSTER) return err;
    throw err;
  };
  let cluster;
  try {
    cluster = deps.cluster();
  } catch (err) {
    return { live, error: cannotRead(err) };
  }
  const [all, ...reads] = await Promise.allSettled([
    cluster.listEverywhere(ADDRESS_KINDS, selectorString(managedSelector())),
    ...namespaces.map((ns) => cluster.list(ns, ADDRESS_KINDS, undefined, instances)),
  ]);
  const everywhere = all.status === 'fulfilled' ? all.value : undefined;
  let error: VAutoError | undefined = all.status === 'rejected' ? cannotRead(all.reason) : undefined;
  reads.forEach((r, i) => {
    if (r.status === 'fulfilled') live.set(namespaces[i], r.value as LiveObject[]);
    else error ??= cannotRead(r.reason);
  });
  if (error && live.size) {
    const unread = namespaces.filter((ns) => !live.has(ns));
    error = new VAutoError(
      `namespace${unread.length === 1 ? '' : 's'} ${unread.join(', ')}: ${error.message}`,
      { exitCode: ExitCode.CLUSTER, hint: error.hint },
    );
  }
  return { live, ...(everywhere ? { everywhere } : {}), error };
}
