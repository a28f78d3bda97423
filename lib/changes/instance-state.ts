// Reads each instance's state out of one list of objects: VM, VMI, DataVolume, PVC, launcher pod.
import type { K8sObject } from '../cluster/k8s-object.js';
import { diskBlocker, drainWarning } from '../plan/live-migration.js';
import { rootDiskName } from '../model/names.js';
import {
  deletingSince,
  inWantedState,
  restartRequired,
  runStateReason,
  vmFacts,
  type RunState,
  type VmFacts,
} from '../model/vm-facts.js';
import { isDeleteProtected } from '../model/ownership.js';
import { keptItems } from './kept-items.js';

export interface InstanceState {
  name: string;
  vm?: { status: string; ready: boolean };
  vmi?: { phase: string; node?: string };
  /** Every address the VM reports, on any of its networks. */
  ips: string[];
  /** The addresses per network (the VM's network names). */
  addresses: VmFacts['addresses'];
  /** How the VM stands against its spec: running, stopped on purpose (and by whom), or not yet. */
  run: RunState;
  /** When `v-auto … stop` stopped it. */
  stoppedAt?: string;
  /** When its deletion began (a finalizer still holds it). */
  deleting?: string;
  /** Why the VM is not where its spec wants it, beyond "starting": stopped outside v-auto, being deleted. */
  runReason?: string;
  node?: string;
  dataVolume?: { phase: string; progress?: string };
  pvc?: { phase: string; size?: string };
  /**
   * Disk imported, and the VM where its spec wants it: running, or stopped by v-auto stop or by the
   * spec's own run_strategy. Never a VM stopped outside v-auto, nor one being deleted.
   */
  ready: boolean;
  /** Nothing of this instance was found (a planned instance that is not deployed). */
  missing?: boolean;
  /** A state that will not get better by waiting (import failed, VM failed to start). */
  failed?: string;
  /** Why this VM may block a node drain: it cannot live-migrate under a LiveMigrate eviction strategy. */
  drain?: string;
  /** KubeVirt's RestartRequired=True: a change to the VM waits for it to restart. */
  restartRequired?: boolean;
  /** What operators or the platform added to or repointed in the VM, which deploy keeps. */
  kept?: string[];
  /** Labelled kubevirt.io/vm-delete-protection: delete and --prune leave it (and its disks). */
  deleteProtected?: boolean;
}

// KubeVirt's printable statuses that waiting will not fix.
const FAILED_VM = new Set([
  'CrashLoopBackOff',
  'ErrorUnschedulable',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrorPvcNotFound',
  'DataVolumeError',
]);

/** The objects of one instance among `objects`: its VM, VMI, root disk DataVolume and PVC, launcher pods. */
export function objectsOf(name: string, objects: K8sObject[]): K8sObject[] {
  const own = new Set([name, rootDiskName(name)]);
  return objects.filter((o) =>
    o.kind === 'Pod' ? o.metadata.labels?.['vm.kubevirt.io/name'] === name : own.has(o.metadata.name),
  );
}

/** One instance's state; `runStrategy` is the spec's run_strategy, which says whether it should run. */
export function instanceState(name: string, objects: K8sObject[], runStrategy: string): InstanceState {
  const find = (kind: string, n: string) => objects.find((o) => o.kind === kind && o.metadata.name === n);
  const vm = find('VirtualMachine', name);
  const vmi = find('VirtualMachineInstance', name);
  const dv = find('DataVolume', rootDiskName(name));
  const pvc = find('PersistentVolumeClaim', rootDiskName(name));
  const pod = objects.find(
    (o) =>
      o.kind === 'Pod' &&
      o.metadata.labels?.['vm.kubevirt.io/name'] === name &&
      o.status?.phase !== 'Succeeded',
  );
  const facts = vmFacts({ vm, vmi, pod }, runStrategy);
  const state: InstanceState = {
    name,
    // A VM the controller has not looked at yet has no status at all.
    vm: vm && { status: vm.status?.printableStatus ?? 'Pending', ready: vm.status?.ready === true },
    vmi: vmi && { phase: vmi.status?.phase ?? 'Pending', node: vmi.status?.nodeName },
    ips: [...new Set(Object.values(facts.addresses).flat())],
    addresses: facts.addresses,
    run: facts.state,
    ...(facts.stoppedAt ? { stoppedAt: facts.stoppedAt } : {}),
    ...(facts.deleting ? { deleting: facts.deleting } : {}),
    ...(runStateReason(facts) ? { runReason: runStateReason(facts) } : {}),
    node: vmi?.status?.nodeName ?? pod?.spec?.nodeName,
    dataVolume: dv && { phase: dv.status?.phase ?? 'Pending', progress: dv.status?.progress },
    pvc: pvc && {
      phase: pvc.status?.phase ?? 'Pending',
      size: pvc.status?.capacity?.storage ?? pvc.spec?.resources?.requests?.storage,
    },
    ready: false,
  };
  // A root disk whose deletion began is not a disk the VM keeps.
  const diskGoing = deletingSince(dv) ?? deletingSince(pvc);
  if (diskGoing && !state.runReason)
    state.runReason = `disk ${rootDiskName(name)} being deleted since ${diskGoing}`;
  const diskDone = dv ? dv.status?.phase === 'Succeeded' : pvc?.status?.phase === 'Bound';
  state.ready = Boolean(diskDone) && !diskGoing && inWantedState(facts);
  state.missing = !vm && !vmi && !dv && !pvc;
  const drain = drainRisk(vm, vmi, pvc);
  if (drain) state.drain = drain;
  if (vm && restartRequired(vm)) state.restartRequired = true;
  const kept = vm ? keptItems(vm).kept : [];
  if (kept.length) state.kept = kept;
  if (vm && isDeleteProtected(vm)) state.deleteProtected = true;
  if (dv?.status?.phase === 'Failed') state.failed = `DataVolume ${dv.metadata.name} import failed`;
  else if (state.vm && FAILED_VM.has(state.vm.status))
    state.failed = `VirtualMachine ${name} is ${state.vm.status}`;
  return state;
}

/**
 * The VMI's `LiveMigratable=False` condition (virt-handler sets it with reason and message, e.g.
 * DisksNotLiveMigratable: kubevirt/kubevirt@a771b994 pkg/virt-handler/vm.go), else a root disk PVC
 * that is not ReadWriteMany, under the VMI's (or VM template's) eviction strategy, unset meaning
 * the cluster's default.
 */
function drainRisk(
  vm: K8sObject | undefined,
  vmi: K8sObject | undefined,
  pvc: K8sObject | undefined,
): string | undefined {
  if (!vm) return undefined;
  const strategy: string | undefined =
    vmi?.spec?.evictionStrategy ?? vm.spec?.template?.spec?.evictionStrategy;
  const cond = (vmi?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'LiveMigratable');
  if (cond)
    return cond.status === 'False'
      ? drainWarning(
          strategy,
          `LiveMigratable is False (${[cond.reason, cond.message].filter(Boolean).join(': ')})`,
        )
      : undefined;
  const blocker = pvc && diskBlocker(pvc.spec?.accessModes, pvc.metadata.name);
  return blocker && drainWarning(strategy, blocker);
}

/** A short phrase for what an instance is waiting on. */
export function pendingReason(s: InstanceState): string {
  if (s.missing) return 'not deployed';
  if (!s.vm) return 'VirtualMachine not found';
  if (s.runReason) return s.runReason;
  if (s.dataVolume && s.dataVolume.phase !== 'Succeeded')
    return `disk ${s.dataVolume.phase}${s.dataVolume.progress && s.dataVolume.progress !== 'N/A' ? ` ${s.dataVolume.progress}` : ''}`;
  if (!s.dataVolume && !s.pvc) return 'disk not found';
  return `VM ${s.vm.status}`;
}
