// Plans specs from their files: the spec an action works on, or every spec of the workspace for the checks that span specs and projects.
import { listSpecs, loadWorkspace, type ParsedFiles } from '../config/load-workspace.js';
import { resolveSettings, type Settings } from '../config/settings.js';
import { VAutoError } from '../errors.js';
import {
  addressConflictError,
  type AddressHolder,
  conflictsOf,
  findAddressConflicts,
  type SpecPlan,
} from '../plan/address-conflicts.js';
import type { WorkspaceSpec } from '../plan/address-ledger.js';
import { findMacConflicts, macConflictError } from '../plan/mac-addresses.js';
import { nadNameClashError } from '../plan/nad-name-clashes.js';
import { planInstances, type Plan } from '../plan/plan-instances.js';
import { cloudInitVariables } from '../render/cloud-init.js';

/** One spec loaded, merged, validated and planned (every instance). */
export interface PlannedSpec {
  settings: Settings;
  plan: Plan;
  siteTemplates: Record<string, string>;
}

export interface PlanDeps {
  env: Record<string, string | undefined>;
  /**
   * The run's plans of specs from their files alone (no --set or --replicas), by `project/spec`:
   * a whole-project run then plans each spec once, though every spec's address check plans the
   * whole workspace. Without it each call plans again.
   */
  specPlans?: Map<string, PlannedSpec>;
  /** The run's parsed files, each read once (load-workspace.ts). Without it each plan reads its files. */
  parsedFiles?: ParsedFiles;
}

/** Loads, merges, validates and plans one spec, with the run's --set and --replicas when given. */
export function planSpec(
  options: { home: string; project: string; spec: string; sets?: string[]; replicas?: number },
  deps: PlanDeps,
): PlannedSpec {
  const { home, project, spec } = options;
  const fromFiles = !options.sets?.length && options.replicas === undefined;
  const key = `${project}/${spec}`;
  const kept = fromFiles ? deps.specPlans?.get(key) : undefined;
  if (kept) return kept;
  const workspace = loadWorkspace(home, project, spec, deps.parsedFiles);
  const settings = resolveSettings({
    project,
    spec,
    config: workspace.config,
    specSource: workspace.specSource,
    sets: options.sets,
    replicas: options.replicas,
    env: deps.env,
    templateVariables: cloudInitVariables,
  });
  const planned = { settings, plan: planInstances(settings), siteTemplates: workspace.siteTemplates };
  if (fromFiles) deps.specPlans?.set(key, planned);
  return planned;
}

/**
 * Plans each spec as its files say (no --set or --replicas: those belong to the run's own spec,
 * given in `current`, which replaces the planned one: its plan, or the error its planning met). A spec that fails its own planning is kept
 * with its error and blocks nothing else.
 */
export function planWorkspace(home: string, deps: PlanDeps, current?: WorkspaceSpec): WorkspaceSpec[] {
  const specs = listSpecs(home);
  if (current && !specs.some((s) => s.project === current.project && s.spec === current.spec))
    specs.push(current);
  return specs.map(({ project, spec }): WorkspaceSpec => {
    if (current && project === current.project && spec === current.spec) return current;
    try {
      return { project, spec, plan: planSpec({ home, project, spec }, deps).plan };
    } catch (err) {
      if (err instanceof VAutoError) return { project, spec, error: err };
      throw err;
    }
  });
}

/**
 * The workspace-wide checks of `current`: an address, a MAC or a NAD name it shares with any spec
 * of the workspace is `refuse`, the exit-2 error, told with what is deployed when the caller read
 * the cluster (the hint then moves the spec not deployed yet). `leftOut`: a warning for each spec
 * the check had to leave out because it cannot be planned (an unset `env:` setting, a typo in its
 * files), with the reason, when `current` plans static addresses: the check cannot see what that
 * spec plans.
 */
export function checkWorkspace(
  home: string,
  deps: PlanDeps,
  current: SpecPlan,
): {
  refuse?: (deployed?: (holder: AddressHolder) => boolean) => VAutoError;
  /** Whether `refuse` is told better with what is deployed (an address conflict). */
  asksCluster?: boolean;
  leftOut: string[];
} {
  const workspace = planWorkspace(home, deps, current);
  const planned = workspace.filter((s): s is SpecPlan => 'plan' in s);
  const clash = nadNameClashError(planned, current);
  if (clash) return { refuse: () => clash, leftOut: [] };
  const conflicts = conflictsOf(findAddressConflicts(planned), current.project, current.spec);
  if (conflicts.length)
    return {
      refuse: (deployed) => addressConflictError(conflicts, current.project, current.spec, deployed),
      asksCluster: true,
      leftOut: [],
    };
  const macs = findMacConflicts(planned).filter((c) =>
    c.holders.some((h) => h.project === current.project && h.spec === current.spec),
  );
  if (macs.length)
    return { refuse: () => macConflictError(macs, current.project, current.spec), leftOut: [] };
  if (!current.plan.instances.some((i) => i.nics.some((n) => n.address))) return { leftOut: [] };
  const leftOut = workspace.flatMap((s) =>
    'error' in s
      ? [
          `address check: ${s.project}/${s.spec} was left out, it cannot be planned (${s.error.message.split('\n')[0]}); what it plans is not compared, what it has deployed is still checked at deploy`,
        ]
      : [],
  );
  return { leftOut };
}
