// The --target checks of the actions that read a spec's objects by label (status, delete): one message each, whichever action.
import type { Settings } from '../config/settings.js';
import { usageError } from '../errors.js';
import { isInstanceName } from '../model/names.js';
import type { Plan } from '../plan/plan-instances.js';

/**
 * Exit 2 unless `target` is a name this spec gives its instances: it may lie beyond the current
 * replicas (deployed with more), but a typo must not quietly find nothing and succeed.
 */
export function assertTargetName(settings: Settings, target: string | undefined): void {
  if (target !== undefined && !isInstanceName(settings.name_prefix, target)) {
    throw usageError(
      `--target ${target}: not an instance name of ${settings.project}/${settings.spec}`,
      `instances are named ${settings.name_prefix}-01, ${settings.name_prefix}-02, …`,
    );
  }
}

/** Exit 2 when `target` is neither planned nor `found` in the namespace: a typo or the wrong spec, not a success. */
export function assertTargetKnown(plan: Plan, target: string | undefined, found: boolean): void {
  if (target === undefined || found || plan.instances.some((i) => i.name === target)) return;
  const { settings, instances } = plan;
  const first = instances[0]?.name;
  const last = instances[instances.length - 1]?.name;
  throw usageError(
    `--target ${target}: no such instance in ${settings.project}/${settings.spec}, and none of that name labelled as its own in namespace ${settings.namespace}`,
    `the spec plans ${instances.length}: ${first}${last !== first ? ` … ${last}` : ''}`,
  );
}
