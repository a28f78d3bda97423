// Deploy's wait for objects of the plan that are being deleted: bounded, said on stderr, then planned again.
import { ExitCode } from '../errors.js';
import { sleep } from '../sleep.js';
import type { ClusterDeps } from './cluster-deps.js';
import { planDeploy, type PlannedDeploy } from '../pipeline/plan-deploy.js';
import type { SpecOptions } from '../pipeline/prepare-manifests.js';

/**
 * How long deploy waits (seconds) for an object that is being deleted to go. A VM's finalizer is
 * held until its VMI is gone, through the guest's shutdown: up to the VMI's
 * terminationGracePeriodSeconds, 30 s unless set (kubevirt/kubevirt@d923fdb
 * staging/src/kubevirt.io/api/core/v1/types.go DefaultGracePeriodSeconds), so 120 s leaves room
 * for a slow guest and the controllers' steps. `--wait`, when longer, is the bound instead.
 */
export const DELETION_WAIT_SECONDS = 120;

/**
 * An object a finalizer holds cannot be updated into the spec's, and counts as neither unchanged nor
 * ready: deploy re-reads until the plan has none left, then goes on with that plan. Past the bound,
 * nothing is sent: each such object is `[FAILED]` with when its deletion began, exit 1, and the hint
 * says to run deploy again (a cron run's next one does).
 */
export async function awaitDeletions(
  planned: PlannedDeploy,
  options: SpecOptions & { adopt?: boolean; wait?: number },
  deps: ClusterDeps & { deletionWaitSeconds?: number },
): Promise<PlannedDeploy | number> {
  const now = deps.now ?? Date.now;
  const seconds = Math.max(deps.deletionWaitSeconds ?? DELETION_WAIT_SECONDS, options.wait ?? 0);
  const deadline = now() + seconds * 1000;
  let said = '';
  for (let current = planned; ; current = await planDeploy(options, deps)) {
    const going = current.changes.changes.filter((c) => c.action === 'terminating');
    if (!going.length) return current;
    const text = `waiting up to ${seconds} s for ${going.map((c) => `${c.kind} ${c.name}`).join(', ')} to finish being deleted`;
    if (text !== said) deps.report.aside(text);
    said = text;
    if (now() >= deadline) {
      const { project, spec, namespace } = current.plan.settings;
      deps.report.results(
        { project, spec, namespace },
        'deploy',
        going.map((c) => ({
          flag: 'FAILED',
          kind: c.kind,
          name: c.name,
          detail: `being deleted since ${c.deleting}, still there after ${seconds} s`,
          hint: `nothing was sent; run deploy again once it is gone (v-auto ${project} ${spec} status shows it)`,
        })),
      );
      return ExitCode.RESOURCE_FAILED;
    }
    await sleep(Math.min(deps.pollMs ?? 2000, Math.max(0, deadline - now())), deps.signal);
  }
}
