// `delete`: one read of what goes, a confirmation, then oc delete of exactly those objects.
import type { K8sObject } from '../cluster/k8s-object.js';
import { ExitCode, usageError } from '../errors.js';
import type { DeleteReason, DeletionView, SharedInUse } from '../report/reporter.js';
import type { ResultLine, ResultScope } from '../report/results.js';
import type { ClusterDeps } from './cluster-deps.js';
import { byDeleteOrder, isDiskKind, MANAGED_KINDS } from '../model/kinds.js';
import { instanceOfResource } from '../model/names.js';
import { deleteGuard } from '../model/delete-guard.js';
import { instanceLabel, isSpecs, matches, ownerLabels, sharedSelector } from '../model/ownership.js';
import { prepareSettings, type SpecOptions } from '../pipeline/prepare-manifests.js';
import { sendFanOut, type FanOutResult } from '../pipeline/fan-out.js';
import { countedSend } from './counted-send.js';
import { assertTargetKnown, assertTargetName } from '../pipeline/target.js';
import type { CommandOptions } from './definitions.js';

/** The spec and delete's own flags, as FLAGS in ./definitions.ts declares them. */
export type DeleteOptions = SpecOptions & CommandOptions<'delete'>;

export interface Doomed {
  object: K8sObject;
  why: DeleteReason;
}

export async function deleteSpec(options: DeleteOptions, deps: ClusterDeps): Promise<number> {
  const { settings, plan } = prepareSettings({ ...options, target: undefined }, deps);
  // Checked before asking the cluster anything: a run that cannot go ahead sends nothing.
  if (!options.yes && !options.dryRun && !deps.confirm) {
    throw usageError(
      'refusing to delete without confirmation: no terminal to ask on',
      'add --yes to delete from scripts and cron, or --dry-run to list',
    );
  }
  assertTargetName(settings, options.target);
  const cluster = deps.cluster();
  const ns = settings.namespace;
  // Everything in the namespace, once: the labeled objects, unlabeled leftovers with our names,
  // and every VM that may still use a shared network.
  deps.report.activity(`reading namespace ${ns}`);
  const all = await cluster.list(ns, MANAGED_KINDS, undefined, plan.instances.length);
  const doomed: Doomed[] = all
    .filter((o) => isSpecs(o.metadata.labels, settings, options.target))
    .map((object) => ({ object, why: 'labeled' }));

  const nadNames = plan.networks.map((n) => n.settings.nad_name).filter(Boolean) as string[];
  const ownInstance = (name: string) => instanceOfResource(settings.name_prefix, name, nadNames);
  // Only the instances the spec plans: with replicas 2, a hand-made web-07 or another team's
  // web-999 and its disk are named alike but are no leftovers of this spec.
  const planned = new Set(plan.instances.map((i) => i.name));
  const unlabeled = all.filter((o) => {
    if (ownerLabels(o.metadata.labels) !== undefined) return false;
    const instance = ownInstance(o.metadata.name);
    return (
      instance !== undefined &&
      planned.has(instance) &&
      (options.target === undefined || instance === options.target)
    );
  });
  assertTargetKnown(plan, options.target, doomed.length + unlabeled.length > 0);
  if (options.includeUnlabeled)
    doomed.push(...unlabeled.map((object) => ({ object, why: 'unlabeled' as const })));

  const going = new Set(doomed.map((d) => `${d.object.kind}/${d.object.metadata.name}`));
  const remainingVms = all.filter(
    (o) => o.kind === 'VirtualMachine' && !going.has(`VirtualMachine/${o.metadata.name}`),
  );
  const sharedKept: SharedInUse[] = [];
  for (const shared of plan.sharedNads) {
    const sharedLabels = sharedSelector(settings);
    const nad = all.find(
      (o) =>
        o.kind === 'NetworkAttachmentDefinition' &&
        o.metadata.name === shared.settings.nad_name &&
        matches(o.metadata.labels, sharedLabels),
    );
    if (!nad) continue;
    const user = remainingVms.find((vm) => attachesNad(vm, ns, nad.metadata.name));
    if (user)
      sharedKept.push({
        code: 'attached',
        nad: nad.metadata.name,
        by: { kind: 'VirtualMachine', name: user.metadata.name },
      });
    else doomed.push({ object: nad, why: 'shared' });
  }
  return deleteListed(
    doomed,
    {
      scope: { project: settings.project, spec: settings.spec, namespace: ns },
      dryRun: options.dryRun,
      yes: options.yes,
      keepDisks: options.keepDisks,
      parallel: options.parallel,
      command: { name: 'delete', target: options.target },
      sharedInUse: sharedKept,
      unlabeledKept: options.includeUnlabeled ? [] : unlabeled,
      everything: all,
      skipProtected: options.skipProtected,
    },
    deps,
  );
}

export interface DeleteListedOptions {
  /** The spec whose objects these are (the namespace they are deleted from). */
  scope: ResultScope;
  // Absent: false, as when the flag is not given.
  dryRun?: boolean;
  yes?: boolean;
  keepDisks?: boolean;
  /** Concurrent oc calls for a large delete; default 1. */
  parallel?: number;
  command: DeletionView['command'];
  /** Shared NADs kept because a VM still attaches them. */
  sharedInUse?: SharedInUse[];
  /** Objects with this spec's names and no v-auto labels, kept without --include-unlabeled. */
  unlabeledKept?: K8sObject[];
  /** Every object of the managed kinds in the namespace, as read: the VMs that stay and what they use. */
  everything: K8sObject[];
  /** --skip-protected: leave VMs under delete protection (and what they use) instead of refusing. */
  skipProtected?: boolean;
}

/**
 * What a delete of `going` must leave standing (delete-guard.ts), or a usage error (exit 2) when
 * it would delete a VM under delete protection without --skip-protected. Read before anything is
 * sent: a delete that failed on a protected VM after removing its disks, Secrets and networks
 * would leave the group half-deleted.
 */
export function guardedDelete(going: K8sObject[], everything: K8sObject[], skipProtected: boolean) {
  const guard = deleteGuard(going, everything, skipProtected);
  if (guard.protectedVms.length && !skipProtected) {
    const one = guard.protectedVms.length === 1;
    throw usageError(
      `${one ? 'VirtualMachine' : 'VirtualMachines'} ${guard.protectedVms.join(', ')} ${one ? 'has' : 'have'} delete protection (label kubevirt.io/vm-delete-protection); nothing was deleted`,
      `v-auto never removes that label: remove it yourself to delete ${one ? 'it' : 'them'} ("oc label vm ${guard.protectedVms.join(' ')} kubevirt.io/vm-delete-protection-"), or add --skip-protected to delete the rest and leave ${one ? 'it' : 'them'} with ${one ? 'its' : 'their'} disks`,
    );
  }
  return guard;
}

/**
 * Delete's rules for objects already chosen (delete, deploy --prune): the list with disks marked,
 * --keep-disks, a confirmation on a terminal, one delete call in order, one line per object.
 */
export async function deleteListed(
  doomed: Doomed[],
  options: DeleteListedOptions,
  deps: ClusterDeps,
): Promise<number> {
  const { report } = deps;
  const guard = guardedDelete(
    doomed.map((d) => d.object),
    options.everything,
    options.skipProtected ?? false,
  );
  doomed = doomed.filter((d) => !guard.keep.has(`${d.object.kind}/${d.object.metadata.name}`));
  const kept = options.keepDisks ? doomed.filter((d) => isDisk(d.object)) : [];
  const targets = doomed.filter((d) => !kept.includes(d)).sort((a, b) => byDeleteOrder(a.object, b.object));

  report.deletion({
    scope: options.scope,
    command: options.command,
    dryRun: options.dryRun ?? false,
    targets,
    keptDisks: kept.map((d) => d.object),
    sharedInUse: options.sharedInUse ?? [],
    unlabeledKept: options.unlabeledKept ?? [],
    standing: guard.standing,
  });
  if (options.dryRun || !targets.length) return ExitCode.OK;
  if (!options.yes && deps.confirm) {
    const disks = targets.filter((d) => isDisk(d.object)).length;
    if (
      !(await deps.confirm(
        `Delete these ${targets.length} objects${disks ? `, including ${disks} disk object(s) with their data` : ''}?`,
      ))
    ) {
      report.aside('nothing deleted');
      return ExitCode.OK;
    }
  }
  const sent = await deleteTargets(targets, options.scope, options.parallel ?? 1, deps);
  if (!sent) return ExitCode.OK;
  const { outcomes, callError } = sent;
  const lines = outcomes.map((o): ResultLine => {
    // A PVC owned by its DataVolume is removed with it before kubectl reaches it.
    if (o.result === 'gone')
      return { flag: 'DELETED', kind: o.kind, name: o.name, detail: 'removed with its owner' };
    return o.result === 'failed'
      ? { flag: 'FAILED', kind: o.kind, name: o.name, detail: o.reason }
      : { flag: 'DELETED', kind: o.kind, name: o.name };
  });
  report.results(options.scope, 'delete', lines);
  // Interrupted (Ctrl-C, SIGTERM): what was deleted is said above, the rest as not confirmed or not sent.
  if (deps.signal?.aborted) return ExitCode.INTERRUPTED;
  // oc delete returns once the API server accepted the deletions; VMs shut down and disks are
  // released by the cluster afterwards.
  if (lines.some((l) => l.flag === 'DELETED' && l.kind === 'VirtualMachine')) {
    report.aside('the cluster finishes stopping the VMs in the background; "status" shows what remains');
  }
  const code = lines.some((l) => l.flag === 'FAILED') ? ExitCode.RESOURCE_FAILED : ExitCode.OK;
  // A call that sent nothing while the others went through: its objects are [FAILED], its exit code stands.
  return callError ? Math.max(code, callError.exitCode) : code;
}

/**
 * Deletes the targets, by instance in up to `parallel` calls side by side, then what belongs to no
 * instance (shared NADs, unlabeled leftovers) in a call of its own. A shared NAD among them is judged again right before, under the
 * project's shared-network lock (a deploy of another spec holds it while it applies VMs that attach
 * one): a VM or Pod in any namespace that attaches it, other than the VMs going now and their
 * launcher pods, keeps it. Resolves to undefined when nothing is left to delete.
 */
async function deleteTargets(
  targets: Doomed[],
  scope: ResultScope,
  parallel: number,
  deps: ClusterDeps,
): Promise<FanOutResult | undefined> {
  const ns = scope.namespace;
  const cluster = deps.cluster();
  const shared = targets.filter((d) => d.why === 'shared');
  const release = shared.length && deps.lockSharedNetworks ? await deps.lockSharedNetworks() : undefined;
  try {
    let going = targets;
    if (shared.length) {
      const users = await cluster.listEverywhere(['VirtualMachine', 'Pod']);
      const goingVms = new Set(
        targets.filter((d) => d.object.kind === 'VirtualMachine').map((d) => d.object.metadata.name),
      );
      const leaving = (o: K8sObject) =>
        (o.metadata.namespace ?? ns) === ns &&
        (o.kind === 'VirtualMachine'
          ? goingVms.has(o.metadata.name)
          : goingVms.has(o.metadata.labels?.['vm.kubevirt.io/name'] ?? ''));
      const kept = new Map<Doomed, SharedInUse>();
      for (const d of shared) {
        const nad = d.object.metadata.name;
        const user = users?.find((o) => !leaving(o) && attachesNad(o, ns, nad));
        if (users === undefined) kept.set(d, { code: 'unverified', nad });
        else if (user)
          kept.set(d, {
            code: 'attached',
            nad,
            by: { kind: user.kind, namespace: user.metadata.namespace ?? ns, name: user.metadata.name },
          });
      }
      if (kept.size) {
        deps.report.sharedInUse(scope, [...kept.values()]);
        going = targets.filter((d) => !kept.has(d));
      }
    }
    if (!going.length) return undefined;
    const refOf = (d: Doomed) => ({ kind: d.object.kind, name: d.object.metadata.name });
    const fanOut = {
      instanceOf: (d: Doomed) => (d.why === 'shared' ? undefined : instanceLabel(d.object.metadata.labels)),
      refOf,
      parallel,
      alone: 'last' as const,
      signal: deps.signal,
    };
    const send = (part: Doomed[]) => cluster.delete(ns, part.map(refOf));
    return await sendFanOut(going, fanOut, countedSend(deps.report, 'deleting', going.length, send));
  } finally {
    deps.report.activity();
    release?.();
  }
}

/**
 * Whether a VM (`multus.networkName`) or a Pod (the `k8s.v1.cni.cncf.io/networks` annotation: a
 * JSON list or `name`, `ns/name`, `name@iface` separated by commas) attaches NAD `nsOfNad/nad`.
 * A reference without a namespace means the object's own namespace.
 */
export function attachesNad(o: K8sObject, nsOfNad: string, nad: string): boolean {
  const own = o.metadata.namespace ?? nsOfNad;
  const refersTo = (name: string | undefined, namespace?: string) => {
    if (!name) return false;
    const [n, explicitNs] = name.includes('/') ? [name.split('/')[1], name.split('/')[0]] : [name, namespace];
    return n.split('@')[0] === nad && (explicitNs || own) === nsOfNad;
  };
  if (o.kind === 'VirtualMachine') {
    const networks: { multus?: { networkName?: string } }[] = o.spec?.template?.spec?.networks ?? [];
    return networks.some((n) => refersTo(n.multus?.networkName));
  }
  const annotation = o.metadata.annotations?.['k8s.v1.cni.cncf.io/networks']?.trim();
  if (!annotation) return false;
  if (annotation.startsWith('[')) {
    try {
      const list = JSON.parse(annotation) as { name?: string; namespace?: string }[];
      return Array.isArray(list) && list.some((e) => refersTo(e?.name, e?.namespace));
    } catch {
      return true; // unreadable: assume it may attach the NAD, and keep it
    }
  }
  return annotation.split(',').some((ref) => refersTo(ref.trim()));
}

function isDisk(o: K8sObject): boolean {
  return isDiskKind(o.kind);
}
