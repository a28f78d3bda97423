// `diff`: the field-level difference between the cluster and the spec, per object; reads only.
// Exit 0 in sync, 1 changes pending, 2+ errors (kubectl diff's convention; 2 where deploy would refuse), so cron can alert on drift.
import type { ChangePlan } from '../changes/plan-changes.js';
import { ExitCode } from '../errors.js';
import type { ResultScope } from '../report/results.js';
import type { ClusterDeps } from './cluster-deps.js';
import { planDeploy } from '../pipeline/plan-deploy.js';
import type { SpecOptions } from '../pipeline/prepare-manifests.js';

/** The change plan of a spec against the cluster, and how many instances it plans. */
export interface DiffResult {
  scope: ResultScope;
  changes: ChangePlan;
  planned: number;
  /** Something would change: exit 1. */
  pending: boolean;
}

export async function diff(options: SpecOptions, deps: ClusterDeps): Promise<DiffResult> {
  const { plan, changes } = await planDeploy(options, deps);
  const { project, spec, namespace } = plan.settings;
  return {
    scope: { project, spec, namespace },
    changes,
    planned: plan.instances.length,
    pending: changes.changes.some((c) => c.action !== 'unchanged' && c.action !== 'imported'),
  };
}

/** deploy's own code where deploy would refuse: 2 for an object that is not the spec's (nothing would be sent). */
export function diffCode(result: DiffResult): number {
  if (result.changes.changes.some((c) => c.action === 'foreign')) return ExitCode.USAGE;
  return result.pending ? ExitCode.RESOURCE_FAILED : ExitCode.OK;
}
