// Plans every spec of the workspace from its files, for the checks that span specs and projects.
import { listSpecs, loadWorkspace } from '../config/load-workspace.js';
import { resolveSettings } from '../config/settings.js';
import { VAutoError } from '../errors.js';
import { addressConflictError, conflictsOf, findAddressConflicts, type SpecPlan } from '../plan/address-conflicts.js';
import type { WorkspaceSpec } from '../plan/address-ledger.js';
import { planInstances } from '../plan/plan-instances.js';
import { cloudInitVariables } from '../render/cloud-init.js';


/**
 * Plans each spec as its files say (no --set or --replicas: those belong to the run's own spec,
 * given in `current`, which replaces the planned one: its plan, or the error its planning met). A spec that fails its own planning is kept
 * with its error and blocks nothing else.
 */
export function planWorkspace(home: string, env: Record<string, string | undefined>, current?: WorkspaceSpec): WorkspaceSpec[] {
  const specs = listSpecs(home);
  if (current && !specs.some((s) => s.project === current.project && s.spec === current.spec)) specs.push(current);
  return specs.map(({ project, spec }): WorkspaceSpec => {
    if (current && project === current.project && spec === current.spec) return current;
    try {
      const workspace = loadWorkspace(home, project, spec);
      const settings = resolveSettings({ project, spec, config: workspace.config, specSource: workspace.specSource, env, templateVariables: cloudInitVariables });
      return { project, spec, plan: planInstances(settings) };
    } catch (err) {
      if (err instanceof VAutoError) return { project, spec, error: err };
      throw err;
    }
  });
}

/** Throws the exit-2 conflict error when `current` shares an address with any spec of the workspace. */
export function assertNoAddressConflicts(home: string, env: Record<string, string | undefined>, current: SpecPlan): void {
  const planned = planWorkspace(home, env, current).filter((s): s is SpecPlan => 'plan' in s);
  const conflicts = conflictsOf(findAddressConflicts(planned), current.project, current.spec);
  if (conflicts.length) throw addressConflictError(conflicts, current.project, current.spec);
}
