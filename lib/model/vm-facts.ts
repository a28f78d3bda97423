// One VM's facts, read once from its objects: what its spec wants, whether it runs, who stopped it, whether it is going, its addresses.
import type { K8sObject } from '../cluster/k8s-object.js';
import { STOPPED_AT_ANNOTATION } from './ownership.js';

/**
 * Where a VM stands against what its spec asks for, in the words status and `--wait` print:
 * - `running`: a VMI runs and the VM is Ready;
 * - `starting`: the spec wants it running and it is not yet (or it runs and is not Ready);
 * - `stopped-by-v-auto`: `v-auto … stop` halted it (`v-auto/stopped-at`), as its user asked;
 * - `stopped-by-spec`: not running, and the spec's own run_strategy (Halted, Manual) does not start it;
 * - `stopped-outside`: the spec wants it running, and something other than v-auto (the console,
 *   `virtctl stop`) halted it: not ready;
 * - `deleting`: it has a deletionTimestamp and goes once its finalizers are done: not ready;
 * - `absent`: no VM.
 */
export type RunState =
  | 'running'
  | 'starting'
  | 'stopped-by-v-auto'
  | 'stopped-by-spec'
  | 'stopped-outside'
  | 'deleting'
  | 'absent';

export interface VmFacts {
  /** The spec's run_strategy starts it (Always, RerunOnFailure, Once); never the live runStrategy. */
  wantsRunning: boolean;
  /** The live VM's runStrategy (`spec.running` true read as Always, false or unset as Halted). */
  liveRunStrategy?: string;
  /** The VM reports Ready (its VMI runs and is Ready). */
  runs: boolean;
  /** When `v-auto … stop` stopped it, while the VM carries `v-auto/stopped-at`. */
  stoppedAt?: string;
  /** The VM's (or its VMI's) deletionTimestamp: a finalizer holds it, and it is about to go. */
  deleting?: string;
  /** The addresses each network of the VM reports, without prefix length (interface name = network name). */
  addresses: Record<string, string[]>;
  state: RunState;
}

/**
 * The run strategies under which KubeVirt's VM controller starts a VMI by itself: Always and
 * RerunOnFailure start one when the VM has none; Once starts one and does not start it again.
 * Halted never starts one, Manual only on the start subresource
 * (kubevirt/kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go syncRunStrategy).
 */
const STARTED_BY_CONTROLLER = new Set(['Always', 'RerunOnFailure', 'Once']);

/** Whether a spec's run_strategy asks for a running VM. */
export function wantsRunning(runStrategy: string): boolean {
  return STARTED_BY_CONTROLLER.has(runStrategy);
}

/** The live VM's runStrategy; the older `spec.running` read as KubeVirt reads it (true Always, else Halted). */
export function liveRunStrategy(vm: K8sObject): string {
  return vm.spec?.runStrategy ?? (vm.spec?.running === true ? 'Always' : 'Halted');
}

/** `v-auto … stop`'s time on a VM, while it is there. */
export function stoppedAt(vm: K8sObject | undefined): string | undefined {
  return vm?.metadata.annotations?.[STOPPED_AT_ANNOTATION];
}

/** When an object's deletion began (metadata.deletionTimestamp), while finalizers keep it. */
export function deletingSince(o: K8sObject | undefined): string | undefined {
  const at = o?.metadata.deletionTimestamp;
  return typeof at === 'string' ? at : undefined;
}

/** KubeVirt's Ready condition summary on the VM: its VMI runs and the guest is up. */
export function isReady(vm: K8sObject | undefined): boolean {
  return vm?.status?.ready === true;
}

/** KubeVirt staged a template change on the running VM until it restarts. */
export function restartRequired(vm: K8sObject): boolean {
  return (vm.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'RestartRequired' && c.status === 'True',
  );
}

/** A VM that is Ready, or whose printable status says Running: a template change reaches it only at a restart. */
export function isRunning(vm: K8sObject): boolean {
  return vm.status?.ready === true || vm.status?.printableStatus === 'Running';
}

type Iface = { name?: string; ipAddress?: string; ipAddresses?: string[] };

/**
 * The addresses a VMI reports per network: its `status.interfaces` carry the name of the VM's
 * network they belong to. A launcher pod's IP is the pod network's address only: it is used for
 * the VM's network with `pod: {}` while the VMI reports none there, never for any other network.
 */
export function addressesByNetwork(
  vm: { spec?: any } | undefined,
  vmi: { spec?: any; status?: any } | undefined,
  pod?: { status?: any },
): Record<string, string[]> {
  const byNetwork: Record<string, string[]> = {};
  for (const i of (vmi?.status?.interfaces ?? []) as Iface[]) {
    const ips = [i.ipAddress, ...(i.ipAddresses ?? [])]
      .filter((a): a is string => Boolean(a))
      .map((a) => a.split('/')[0]);
    if (!ips.length) continue;
    const name = i.name ?? '';
    byNetwork[name] = [...new Set([...(byNetwork[name] ?? []), ...ips])];
  }
  const podNetwork = ((vm ?? vmi)?.spec?.template?.spec?.networks ?? vmi?.spec?.networks ?? []).find(
    (n: { name: string; pod?: object }) => n.pod !== undefined,
  )?.name as string | undefined;
  const podIP = pod?.status?.podIP as string | undefined;
  if (podNetwork && podIP && !byNetwork[podNetwork]?.length) byNetwork[podNetwork] = [podIP];
  return byNetwork;
}

/**
 * The MAC each interface of a VirtualMachine has in its spec (asked for by v-auto, or given by
 * kubemacpool at creation), lower case, by interface name, which is the network's name.
 */
export function macsByNetwork(vm: { spec?: any } | undefined): Record<string, string> {
  const macs: Record<string, string> = {};
  for (const i of (vm?.spec?.template?.spec?.domain?.devices?.interfaces ?? []) as {
    name?: string;
    macAddress?: string;
  }[])
    if (i.name && i.macAddress) macs[i.name] = i.macAddress.toLowerCase();
  return macs;
}

/**
 * The facts of one VM from its VM, VMI and launcher pod and the spec's run_strategy. A VM the spec
 * wants running that carries no `v-auto/stopped-at` and has no VMI was stopped outside v-auto.
 */
export function vmFacts(
  objects: { vm?: K8sObject; vmi?: K8sObject; pod?: K8sObject },
  specRunStrategy: string,
): VmFacts {
  const { vm, vmi, pod } = objects;
  const facts: VmFacts = {
    wantsRunning: wantsRunning(specRunStrategy),
    // KubeVirt sets the VM's ready from its VMI's Ready condition: no VMI, not ready.
    runs: isReady(vm),
    addresses: addressesByNetwork(vm, vmi, pod),
    state: 'absent',
  };
  if (!vm) return facts;
  facts.liveRunStrategy = liveRunStrategy(vm);
  const stopped = stoppedAt(vm);
  if (stopped) facts.stoppedAt = stopped;
  const deleting = deletingSince(vm) ?? deletingSince(vmi);
  if (deleting) facts.deleting = deleting;
  facts.state = runState(facts, Boolean(vmi));
  return facts;
}

function runState(f: VmFacts, hasVmi: boolean): RunState {
  if (f.deleting) return 'deleting';
  if (f.runs) return 'running';
  if (f.stoppedAt && !hasVmi) return 'stopped-by-v-auto';
  if (!f.wantsRunning) return hasVmi ? 'starting' : 'stopped-by-spec';
  // The spec wants it running, it has no VMI, and the live strategy does not start one.
  if (!hasVmi && !wantsRunning(f.liveRunStrategy ?? 'Halted')) return 'stopped-outside';
  return 'starting';
}

/** The VM is where its spec (or `v-auto stop`) wants it: running, or stopped on purpose. */
export function inWantedState(f: VmFacts): boolean {
  return f.state === 'running' || f.state === 'stopped-by-v-auto' || f.state === 'stopped-by-spec';
}

/** Why a VM is not where its spec wants it, when that is not a plain "starting". */
export function runStateReason(f: VmFacts): string | undefined {
  switch (f.state) {
    case 'stopped-outside':
      return `stopped outside v-auto (runStrategy ${f.liveRunStrategy}); v-auto start or deploy starts it`;
    case 'deleting':
      return `being deleted since ${f.deleting}`;
    default:
      return undefined;
  }
}

const STATE_WORDS: [RunState, string][] = [
  ['running', 'running'],
  ['stopped-by-v-auto', 'stopped by v-auto stop'],
  ['stopped-by-spec', 'stopped by its run_strategy'],
  ['stopped-outside', 'stopped outside v-auto'],
  ['deleting', 'being deleted'],
];

/**
 * ` (1 running, 1 stopped by v-auto stop)` after a "2/2 ready": a VM that is not running is never
 * counted as ready without saying so. Empty when every VM found runs or is still on its way.
 */
export function runStateNote(states: RunState[]): string {
  if (states.every((s) => s === 'running' || s === 'starting' || s === 'absent')) return '';
  const counts = STATE_WORDS.map(([state, word]) => [states.filter((s) => s === state).length, word] as const)
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`);
  return ` (${counts.join(', ')})`;
}
