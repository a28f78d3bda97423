// `start`, `stop` and rolling `restart` of a spec's VMs (or one with --target), with what plain oc can do.
import { byNumberedName } from '../text-order.js';
import type { ClusterClient, ObjectOutcome } from '../cluster/cluster-client.js';
import type { K8sObject } from '../cluster/k8s-object.js';
import { isReady, liveRunStrategy, restartRequired, stoppedAt as stoppedAtOf } from '../model/vm-facts.js';
import { ExitCode } from '../errors.js';
import { selectorString, specSelector, STOPPED_AT_ANNOTATION } from '../model/ownership.js';
import type { ResultAction, ResultLine, ResultScope } from '../report/results.js';
import { sleep } from '../sleep.js';
import type { ClusterDeps } from './cluster-deps.js';
import { prepareSettings, type SpecOptions } from '../pipeline/prepare-manifests.js';
import { DEFAULT_RESTART_WAIT_SECONDS, type CommandOptions } from './definitions.js';

export interface RestartOptions {
  /** VMs restarted at once (default 1). */
  batch: number;
  /** Only VMs with RestartRequired=True. */
  pending: boolean;
  /** Seconds each batch may take to be Ready again. */
  wait: number;
}

/** How `restart` and `deploy --restart` roll: the same flags, the same defaults. */
export function rollOptions(flags: CommandOptions<'restart'>): RestartOptions {
  return {
    batch: flags.batch ?? 1,
    pending: flags.pending ?? false,
    wait: flags.wait ?? DEFAULT_RESTART_WAIT_SECONDS,
  };
}

const VM_KINDS = ['VirtualMachine', 'VirtualMachineInstance'];

type VmState = { vm: K8sObject; vmi?: K8sObject };

/** Where a roll acts: the spec (for the commands its hints name), its namespace and VM selector. */
export interface RollTarget extends ResultScope {
  selector: string;
  /** How many VMs the selector is expected to find: how large each poll's read is. */
  instances: number;
}

/** The spec's VMs and their VMIs, in instance order (web-01, web-02, … web-10). */
async function readVms(
  cluster: ClusterClient,
  namespace: string,
  selector: string,
  instances: number,
): Promise<VmState[]> {
  const objects = await cluster.list(namespace, VM_KINDS, selector, instances);
  const vmis = new Map(
    objects.filter((o) => o.kind === 'VirtualMachineInstance').map((o) => [o.metadata.name, o]),
  );
  return objects
    .filter((o) => o.kind === 'VirtualMachine')
    .sort((a, b) => byNumberedName(a.metadata.name, b.metadata.name))
    .map((vm) => ({ vm, vmi: vmis.get(vm.metadata.name) }));
}

function failedLine(o: ObjectOutcome, hint?: string): ResultLine {
  const denied = o.denied
    ? `your user may not ${o.denied.verb} ${o.denied.resource}: ask a cluster admin for "${o.denied.verb}" on ${o.denied.resource}`
    : undefined;
  return { flag: 'FAILED', kind: 'VirtualMachine', name: o.name, detail: o.reason, hint: denied ?? hint };
}

/** Said, with exit 1, when the selector finds no VM: a typo must not succeed quietly. */
function noVms(scope: ResultScope, target: string | undefined, deps: ClusterDeps): number {
  deps.report.noVms(scope, target);
  return ExitCode.RESOURCE_FAILED;
}

function finish(
  scope: ResultScope,
  action: ResultAction,
  lines: ResultLine[],
  deps: ClusterDeps,
  extra: number = ExitCode.OK,
): number {
  deps.report.results(scope, action, lines);
  return lines.some((l) => l.flag === 'FAILED') ? ExitCode.RESOURCE_FAILED : extra;
}

/**
 * `stop`: runStrategy Halted and the annotation `v-auto/stopped-at` (when), in one merge patch per VM.
 * The annotation is what keeps it stopped: deploy keeps the live runStrategy of an annotated VM.
 * `start`: the spec's run_strategy back, and the annotation removed.
 */
export async function startStop(
  which: 'start' | 'stop',
  options: SpecOptions,
  deps: ClusterDeps,
): Promise<number> {
  const { settings, plan } = prepareSettings(options, deps);
  const cluster = deps.cluster();
  const ns = settings.namespace;
  const vms = await readVms(
    cluster,
    ns,
    selectorString(specSelector(settings, options.target)),
    plan.instances.length,
  );
  const now = new Date((deps.now ?? Date.now)()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // A spec whose own run_strategy is Halted is started as Always: `start` means running.
  const startStrategy = settings.run_strategy === 'Halted' ? 'Always' : settings.run_strategy;
  const lines: ResultLine[] = [];
  for (const { vm, vmi } of vms) {
    const name = vm.metadata.name;
    const stoppedAt = stoppedAtOf(vm);
    if (which === 'stop' && stoppedAt && liveRunStrategy(vm) === 'Halted' && !vmi) {
      lines.push({
        flag: 'SKIPPED',
        kind: 'VirtualMachine',
        name,
        detail: `already stopped by v-auto stop at ${stoppedAt}`,
      });
      continue;
    }
    if (which === 'start' && !stoppedAt && liveRunStrategy(vm) !== 'Halted' && vmi) {
      lines.push({ flag: 'SKIPPED', kind: 'VirtualMachine', name, detail: 'already running' });
      continue;
    }
    // `running: null`: KubeVirt refuses a VM with both running and runStrategy set.
    const patch =
      which === 'stop'
        ? {
            metadata: { annotations: { [STOPPED_AT_ANNOTATION]: now } },
            spec: { running: null, runStrategy: 'Halted' },
          }
        : {
            metadata: { annotations: { [STOPPED_AT_ANNOTATION]: null } },
            spec: { running: null, runStrategy: startStrategy },
          };
    const outcome = await cluster.patch(ns, { kind: 'VirtualMachine', name }, patch);
    if (outcome.result === 'failed') {
      lines.push(failedLine(outcome));
      continue;
    }
    // Under Manual, KubeVirt's VM controller starts a VMI only on a Start request of the start
    // subresource (syncRunStrategy, kubevirt/kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go):
    // the patch alone leaves the VM stopped, so it is asked, and a refusal is this VM's failure.
    const manual = which === 'start' && startStrategy === 'Manual' && !vmi;
    const started = manual ? await cluster.startVm(ns, name) : undefined;
    if (started?.result === 'failed')
      lines.push(
        failedLine(
          { ...started, reason: `runStrategy Manual: the start subresource refused: ${started.reason}` },
          'under run_strategy Manual a VM starts only through the start subresource (virtctl start needs the same grant)',
        ),
      );
    else
      lines.push({
        flag: which === 'stop' ? 'STOPPED' : 'STARTED',
        kind: 'VirtualMachine',
        name,
        detail:
          which === 'stop'
            ? `runStrategy Halted, stays stopped across deploys until start`
            : `runStrategy ${startStrategy}${manual ? ', started through the start subresource' : ''}`,
      });
  }
  if (!vms.length) return noVms(settings, options.target, deps);
  return finish(settings, which, lines, deps);
}

/**
 * Rolling `restart`: by deleting each VM's VMI, which KubeVirt's VM controller starts again for
 * runStrategy Always (kubevirt/kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go, syncRunStrategy).
 * Under RerunOnFailure and Manual a deleted VMI stays deleted, so those VMs are skipped, not stopped.
 */
export async function restart(options: SpecOptions & RestartOptions, deps: ClusterDeps): Promise<number> {
  const { settings, plan } = prepareSettings(options, deps);
  const cluster = deps.cluster();
  const selector = selectorString(specSelector(settings, options.target));
  const vms = await readVms(cluster, settings.namespace, selector, plan.instances.length);
  if (!vms.length) return noVms(settings, options.target, deps);
  const lines: ResultLine[] = [];
  const names: string[] = [];
  for (const { vm, vmi } of vms) {
    const name = vm.metadata.name;
    if (options.pending && !restartRequired(vm))
      lines.push({ flag: 'SKIPPED', kind: 'VirtualMachine', name, detail: 'no restart pending' });
    else if (!vmi) lines.push({ flag: 'SKIPPED', kind: 'VirtualMachine', name, detail: 'not running' });
    else if (liveRunStrategy(vm) !== 'Always') {
      lines.push({
        flag: 'SKIPPED',
        kind: 'VirtualMachine',
        name,
        detail: `runStrategy ${liveRunStrategy(vm)}: its VMI would not be started again; use virtctl restart ${name}`,
      });
    } else names.push(name);
  }
  const target = {
    project: settings.project,
    spec: settings.spec,
    namespace: settings.namespace,
    selector,
    instances: plan.instances.length,
  };
  return rollRestart(cluster, target, names, options, deps, { lines, states: vms });
}

/**
 * Restarts `names` in batches of `options.batch`: one delete of the batch's VMIs, then one get per
 * poll until each VM has a new VMI and is Ready. A VM that is not back within `options.wait`
 * seconds stops the roll (exit 1, naming it); later batches are left alone. Prints the result
 * lines (after `before.lines`, what was skipped), the summary and what was left; resolves to the
 * exit code. `before.states`: a fresh read of the VMs, saving the first poll.
 */
export async function rollRestart(
  cluster: ClusterClient,
  target: RollTarget,
  names: string[],
  options: RestartOptions,
  deps: ClusterDeps,
  before: { lines?: ResultLine[]; states?: VmState[] } = {},
): Promise<number> {
  const rolled = await roll(cluster, target, names, options, deps, before.states);
  const code = finish(target, 'restart', [...(before.lines ?? []), ...rolled.lines], deps, rolled.code);
  if (rolled.left.length) deps.report.rollStopped(target, rolled.left);
  return code;
}

async function roll(
  cluster: ClusterClient,
  { project, spec, namespace, selector, instances }: RollTarget,
  names: string[],
  options: RestartOptions,
  deps: ClusterDeps,
  initial: VmState[] | undefined,
): Promise<{ lines: ResultLine[]; code: number; left: string[] }> {
  const now = deps.now ?? Date.now;
  const lines: ResultLine[] = [];
  const view = deps.live?.();
  view?.update([`restarting ${names.length} VM(s), ${options.batch} at a time`]);
  try {
    // The last poll of one batch is the starting point of the next: no extra read per batch.
    let states = initial ?? (await readVms(cluster, namespace, selector, instances));
    for (let i = 0; i < names.length; i += options.batch) {
      const batch = names.slice(i, i + options.batch);
      const oldUid = new Map(
        states.map(({ vm, vmi }) => [vm.metadata.name, vmi?.metadata.uid as string | undefined]),
      );
      const outcomes = await cluster.delete(
        namespace,
        batch.map((name) => ({ kind: 'VirtualMachineInstance', name })),
      );
      const failed = outcomes.filter((o) => o.result === 'failed');
      for (const o of failed) lines.push(failedLine(o));
      const waiting = batch.filter((n) => !failed.some((o) => o.name === n));
      const deadline = now() + options.wait * 1000;
      let pending = waiting;
      for (;;) {
        states = await readVms(cluster, namespace, selector, instances);
        const back = (n: string) => {
          const s = states.find((x) => x.vm.metadata.name === n);
          return Boolean(s?.vmi && s.vmi.metadata.uid !== oldUid.get(n) && isReady(s.vm));
        };
        pending = waiting.filter((n) => !back(n));
        const text = `restarted ${lines.filter((l) => l.flag === 'RESTARTED').length + waiting.length - pending.length}/${names.length}; waiting for ${pending.join(', ') || '-'}`;
        view?.update([text]);
        if (!pending.length || now() >= deadline) break;
        await sleep(Math.min(deps.pollMs ?? 2000, Math.max(0, deadline - now())), deps.signal);
      }
      for (const n of waiting.filter((n) => !pending.includes(n)))
        lines.push({ flag: 'RESTARTED', kind: 'VirtualMachine', name: n });
      for (const n of pending) {
        const vm = states.find((x) => x.vm.metadata.name === n)?.vm;
        lines.push({
          flag: 'FAILED',
          kind: 'VirtualMachine',
          name: n,
          detail: `not Ready again within ${options.wait} s (${vm?.status?.printableStatus ?? 'not found'})`,
          hint: `the roll stopped here; see "v-auto ${project} ${spec} status --target ${n}"`,
        });
      }
      if (failed.length || pending.length)
        return { lines, code: ExitCode.RESOURCE_FAILED, left: names.slice(i + options.batch) };
    }
    return { lines, code: ExitCode.OK, left: [] };
  } finally {
    view?.stop();
  }
}
