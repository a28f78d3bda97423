// `diff`: the field-level difference between the cluster and the spec, per object; reads only.
// Exit 0 in sync, 1 changes pending, 2+ errors (kubectl diff's convention), so cron can alert on drift.
import { ExitCode } from '../errors.js';
import { diffText, planDocument, planSummary, surplusNotices } from '../report/plan-report.js';
import type { ClusterDeps } from './cluster-deps.js';
import { planDeploy } from './plan-deploy.js';
import type { SpecOptions } from './prepare-manifests.js';

export interface DiffOptions extends SpecOptions {
  output: 'table' | 'yaml' | 'json';
}

export async function diff(options: DiffOptions, deps: ClusterDeps): Promise<number> {
  const { plan, changes } = await planDeploy(options, deps);
  const { settings } = plan;
  const pending = changes.changes.some((c) => c.action !== 'unchanged' && c.action !== 'imported');
  if (options.output === 'json') {
    deps.output.out(
      planDocument(changes, {
        project: settings.project,
        spec: settings.spec,
        namespace: settings.namespace,
      }),
    );
  } else {
    deps.output.out(diffText(changes));
    for (const notice of surplusNotices(changes, plan.instances.length)) deps.output.out(`${notice}\n`);
    deps.output.out(
      `${settings.project}/${settings.spec} in namespace ${settings.namespace}: ${pending ? planSummary(changes) : 'in sync'}\n`,
    );
  }
  return pending ? ExitCode.RESOURCE_FAILED : ExitCode.OK;
}
