// Simplified, deterministic stand-ins for the CDI import controller and the KubeVirt VM/VMI controllers, plus the events they record.
import { createHash, randomBytes } from 'node:crypto';
import { guestAddress, guestNicName, nameScheme } from './guest.js';
import { syncHotplugged } from './hotplug.js';
import type { Flow, Link } from './link.js';
import { rollout, vmiSpecAtStart } from './live-update.js';
import type { OvnModel } from './ovn.js';
import { deepClone, nowIso, type Obj, type ObjectStore } from './store.js';

/** A queue of delayed steps that can also be drained at once, so tests need not sleep. */
export class Scheduler {
  private tasks: { due: number; seq: number; key?: string; fn: () => void }[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  schedule(delayMs: number, fn: () => void, key?: string): void {
    if (this.stopped) return;
    // One pending step per key: a burst of changes to one object reconciles it once.
    if (key && this.tasks.some((t) => t.key === key)) return;
    this.tasks.push({ due: Date.now() + delayMs, seq: this.seq++, key, fn });
    this.arm();
  }

  private next(): number {
    let best = -1;
    for (let i = 0; i < this.tasks.length; i++) {
      const t = this.tasks[i];
      if (
        best < 0 ||
        t.due < this.tasks[best].due ||
        (t.due === this.tasks[best].due && t.seq < this.tasks[best].seq)
      )
        best = i;
    }
    return best;
  }

  private runOne(i: number): void {
    const [t] = this.tasks.splice(i, 1);
    try {
      t.fn();
    } catch (err) {
      process.stderr.write(`v-auto simulator: controller step failed: ${(err as Error).stack}\n`);
    }
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const i = this.next();
    if (i < 0 || this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        while (true) {
          const j = this.next();
          if (j < 0 || this.tasks[j].due > Date.now()) break;
          this.runOne(j);
        }
        this.arm();
      },
      Math.max(0, this.tasks[i].due - Date.now()),
    );
    this.timer.unref();
  }

  /** Runs every pending step, and the steps they schedule, in due order, ignoring the clock. */
  settle(): void {
    for (let n = 0; n < 1_000_000; n++) {
      const i = this.next();
      if (i < 0) break;
      this.runOne(i);
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.tasks = [];
  }
}

export interface ControllerOptions {
  importStepMs: number;
  vmStepMs: number;
  gcDataVolumes: boolean;
  /** DataVolume names whose import fails; read on every step so tests can flip it. */
  failImports: () => string[];
  /** VMI names that stay in Scheduling; read when the VMI would be scheduled. */
  stuckVmis: () => string[];
  /** DataVolumes whose importer fails once and is restarted after `forMs`; read when an import starts. */
  transientImportErrors: () => { name: string; forMs: number }[];
  /** VMIs that cannot be scheduled for `forMs` from their first attempt; read when the VMI would be scheduled. */
  unschedulableVmis: () => { name: string; forMs: number }[];
  /** OVN-Kubernetes: the primary UDN's addresses and localnet NADs (test/sim/ovn.ts). */
  ovn?: OvnModel;
  /** KubeVirt's LiveUpdate rollout strategy (OpenShift's default): sockets and guest memory hot-plug. */
  liveUpdate: boolean;
  /** How long a clone from a ready source takes (a CSI smart clone: short and fixed). */
  cloneMs: number;
  /** --link-mbps: imports progress as their bytes arrive over this link (else in fixed steps). */
  link?: Link;
  /** --image-mb: the size of every image on the link, in bytes. */
  imageBytes: number;
  /** VMs whose guest takes `forMs` to shut down once the VM is deleted; read when the VM's deletion is seen. */
  slowShutdowns: () => { name: string; forMs: number }[];
}

/**
 * The finalizer KubeVirt's VM controller puts on every VM it syncs and takes off once the VM is
 * being deleted and its VMI is gone (kubevirt/kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go:
 * sync adds it with addVMFinalizer while the VM has no deletionTimestamp; with one, it stops the
 * VMI (stopVMI) and, once there is no VMI, removeVMFinalizer; its printable status is then
 * Terminating, isVirtualMachineStatusTerminating). Its name: staging/src/kubevirt.io/api/core/v1
 * types.go VirtualMachineControllerFinalizer.
 */
export const VM_FINALIZER = 'kubevirt.io/virtualMachineControllerFinalize';

const IMPORT_PROGRESS = ['0.00%', '45.00%', '90.00%'];
const FAILED_IMPORT_RESTARTS = 3;

function ownerRef(o: Obj): Obj {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * What the VM controller does about a VM's VMI, after syncRunStrategy in
 * kubevirt/kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go: Always starts a VMI whenever there
 * is none (a deleted VMI comes back: the classic restart); RerunOnFailure starts one only when the VM
 * asks to start or the strategy changed since the controller last acted (shouldStartRerunOnFailure
 * compares spec with status.runStrategy), so a deleted VMI stays deleted; Manual starts only on a
 * Start request of the start subresource (the stop subresource is not modelled); Halted deletes the VMI. Once is treated
 * like Always here. `spec.running: true` is Always, `false` Halted.
 */
function runDecision(vm: Obj): 'start' | 'stop' | 'leave' {
  const rs = vm.spec?.runStrategy ?? (vm.spec?.running === true ? 'Always' : 'Halted');
  switch (rs) {
    case 'Always':
    case 'Once':
      return 'start';
    case 'RerunOnFailure':
      return vm.status?.runStrategy !== rs || vm.status?.stateChangeRequests?.[0]?.action === 'Start'
        ? 'start'
        : 'leave';
    case 'Manual':
      // A Start request from the start subresource (test/sim/subresources.ts) starts a VMI when
      // there is none (syncRunStrategy, RunStrategyManual: hasStartRequest, startVMI).
      return vm.status?.stateChangeRequests?.[0]?.action === 'Start' ? 'start' : 'leave';
    default:
      return 'stop';
  }
}

/** KubeVirt's VM printable status ErrorUnschedulable: the VMI has PodScheduled False with reason Unschedulable (kubevirt/kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go isVirtualMachineStatusUnschedulable; below Running, PvcNotFound and DataVolumeError, above Starting in its precedence list). */
function isUnschedulable(vmi: Obj): boolean {
  return (vmi.status?.conditions ?? []).some(
    (c: Obj) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );
}

function launcherSpec(): Obj {
  return { containers: [{ name: 'compute', image: 'quay.io/kubevirt/virt-launcher:v1.4.0' }] };
}

function hashOf(v: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(v ?? null))
    .digest('hex');
}

function condition(type: string, status: boolean, reason?: string, message?: string): Obj {
  const c: Obj = {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: nowIso(),
  };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** Keeps lastTransitionTime when a condition's status did not change, so unchanged status writes stay no-ops. */
function mergeConditions(prev: Obj[] | undefined, next: Obj[]): Obj[] {
  return next.map((c) => {
    const old = (prev ?? []).find((p) => p.type === c.type);
    return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
}

export class Controllers {
  private podCounter = 0;
  /** The template spec each VMI (by uid) was started from; a restart makes a new VMI, which clears RestartRequired. */
  private readonly startedFrom = new Map<string, Obj>();
  /** VMI uid → where the fault unschedulableVmis has it: waiting for room, or let through. */
  private readonly unschedulableState = new Map<string, 'waiting' | 'released'>();
  /** `ns/claim` → the VMs whose volumes name that DataVolume or PVC, and each VM's claims: kept from VM events, so a disk's event wakes its own VMs without listing every VM. */
  private readonly claimUsers = new Map<string, Set<string>>();
  private readonly claimsOf = new Map<string, string[]>();
  /** Imports on the modelled link: their flow and the bytes that have arrived. */
  private readonly transfers = new Map<string, { flow: Flow; bytes: number }>();
  /** `ns/name` of clones waiting for their source: woken when a DataVolume, PVC or DataSource of the namespace changes. */
  private readonly waitingClones = new Set<string>();

  /** The name of the Event recorded for each (object uid, reason, message), so that a repeat is found without listing the namespace's events. */
  private readonly eventNames = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly scheduler: Scheduler,
    private readonly opts: ControllerOptions,
  ) {
    store.onChange((kind, type, obj) => this.observe(kind, type, obj));
  }

  private observe(kind: string, type: string, obj: Obj): void {
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name;
    switch (kind) {
      case 'DataVolume':
        if (type === 'ADDED')
          this.scheduler.schedule(
            this.opts.importStepMs,
            () => this.importStep(ns, name),
            `dv:${ns}/${name}`,
          );
        this.reconcileVmsUsing(ns, name);
        this.reconcileDataSources(ns);
        break;
      case 'PersistentVolumeClaim':
        this.reconcileVmsUsing(ns, name);
        this.reconcileDataSources(ns);
        break;
      case 'DataSource':
        if (type !== 'DELETED') this.reconcileDataSources(ns);
        break;
      case 'VirtualMachine':
        this.indexClaims(ns, name, type === 'DELETED' ? undefined : obj);
        if (type !== 'DELETED') this.enqueueVm(ns, name);
        break;
      case 'VirtualMachineInstance':
        if (type === 'ADDED')
          this.scheduler.schedule(this.opts.vmStepMs, () => this.vmiStep(ns, name), `vmi:${ns}/${name}`);
        if (type === 'DELETED') {
          this.startedFrom.delete(obj.metadata.uid);
          this.unschedulableState.delete(obj.metadata.uid);
        }
        this.enqueueVm(ns, name);
        break;
    }
  }

  private enqueueVm(ns: string, name: string): void {
    this.scheduler.schedule(this.opts.vmStepMs, () => this.reconcileVm(ns, name), `vm:${ns}/${name}`);
  }

  private volumeClaims(vm: Obj): { dv?: string; pvc?: string }[] {
    const out: { dv?: string; pvc?: string }[] = [];
    for (const v of vm.spec?.template?.spec?.volumes ?? []) {
      if (v.dataVolume?.name) out.push({ dv: v.dataVolume.name });
      if (v.persistentVolumeClaim?.claimName) out.push({ pvc: v.persistentVolumeClaim.claimName });
    }
    for (const t of vm.spec?.dataVolumeTemplates ?? [])
      if (t.metadata?.name && !out.some((c) => c.dv === t.metadata.name)) out.push({ dv: t.metadata.name });
    return out;
  }

  private indexClaims(ns: string, name: string, vm: Obj | undefined): void {
    const key = `${ns}/${name}`;
    for (const claim of this.claimsOf.get(key) ?? []) this.claimUsers.get(claim)?.delete(name);
    const claims = vm
      ? [
          ...new Set(
            this.volumeClaims(vm)
              .flatMap((c) => [c.dv, c.pvc])
              .filter(Boolean)
              .map((c) => `${ns}/${c}`),
          ),
        ]
      : [];
    for (const claim of claims) {
      if (!this.claimUsers.has(claim)) this.claimUsers.set(claim, new Set());
      this.claimUsers.get(claim)!.add(name);
    }
    if (claims.length) this.claimsOf.set(key, claims);
    else this.claimsOf.delete(key);
  }

  private reconcileVmsUsing(ns: string, claim: string): void {
    for (const vm of this.claimUsers.get(`${ns}/${claim}`) ?? []) this.enqueueVm(ns, vm);
  }

  /** Records a core/v1 Event, folding repeats into count and lastTimestamp like the event recorder. */
  recordEvent(
    obj: Obj,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ): void {
    const ns = obj.metadata.namespace ?? 'default';
    const key = `${obj.metadata.uid}\0${reason}\0${message}`;
    const known = this.eventNames.get(key);
    const same = known === undefined ? undefined : this.store.get('Event', ns, known);
    const now = nowIso();
    if (same) {
      this.store.update({ ...same, count: (same.count ?? 1) + 1, lastTimestamp: now });
      return;
    }
    const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
    this.eventNames.set(key, name);
    this.store.create({
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        kind: obj.kind,
        namespace: ns,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: '',
    });
  }

  private setStatus(obj: Obj, status: Obj): Obj {
    return this.store.update({ ...obj, status });
  }

  // ---- CDI: DataVolume import -------------------------------------------------------------

  // ---- CDI: DataSource and clones from it ---------------------------------------------------

  /**
   * A DataSource's Ready condition, as CDI's handlePvcSource sets it
   * (kubevirt/containerized-data-importer@c07cdb6 pkg/controller/datasource-controller.go): its
   * DataVolume Succeeded, or no DataVolume and the PVC there (collected after import); else not
   * ready, with the DataVolume's phase as the reason, or "PVC not found".
   */
  private reconcileDataSources(ns: string): void {
    // CDI watches the source PVC and the DataSource (addCloneWithoutSourceWatch, addDataSourceWatch
    // in clone-controller-base.go): a waiting clone is looked at again when either changes.
    for (const key of this.waitingClones) {
      const [cns, name] = key.split('/');
      if (cns === ns)
        this.scheduler.schedule(this.opts.importStepMs, () => this.cloneStep(ns, name), `dv:${key}`);
    }
    for (const ds of this.store.list('DataSource', ns)) {
      const pvcRef = ds.spec?.source?.pvc;
      const source = pvcRef ? this.claimSource(pvcRef.namespace ?? ns, pvcRef.name) : undefined;
      const ready = source === 'ready';
      const [reason, message] = ready
        ? ['Ready', 'DataSource is ready to be consumed']
        : source === 'missing' || !pvcRef
          ? ['NotFound', 'PVC not found']
          : [source, `Import DataVolume phase ${source}`];
      const conditions = [condition('Ready', ready, reason, message)];
      const status = { conditions, source: ready ? deepClone(ds.spec.source) : {} };
      const prev = ds.status?.conditions?.[0];
      if (prev?.status === conditions[0].status && prev?.reason === reason) continue;
      this.setStatus(ds, status);
    }
  }

  /** Whether a PVC is populated: its DataVolume Succeeded, or no DataVolume and a bound PVC; else the DataVolume's phase. */
  private claimSource(ns: string, name: string): 'ready' | 'missing' | string {
    const dv = this.store.get('DataVolume', ns, name);
    const pvc = this.store.get('PersistentVolumeClaim', ns, name);
    if (dv) return dv.status?.phase === 'Succeeded' ? 'ready' : (dv.status?.phase ?? 'Pending');
    return pvc?.status?.phase === 'Bound' ? 'ready' : 'missing';
  }

  /**
   * A DataVolume cloned from a PVC or a DataSource. CDI resolves a sourceRef to the DataSource's
   * spec.source.pvc (populateSourceIfSourceRef in pkg/controller/datavolume/clone-controller-base.go)
   * and, while the source PVC is missing or not yet populated, keeps the clone waiting
   * (CloneScheduled; a CloneWithoutSource event when it is missing) and tries again when the source
   * changes (isSourceReadyToClone, validateCloneAndSourcePVC in pvc-clone-controller.go; the clone
   * populator's IsSourceClaimReady in pkg/controller/clone/common.go; all
   * kubevirt/containerized-data-importer@c07cdb6). So instance disks may be created before their
   * golden image is imported: they start cloning the moment it is. A ready source clones in a short
   * fixed time here (a CSI smart clone).
   */
  private cloneStep(ns: string, name: string): void {
    const dv = this.store.get('DataVolume', ns, name);
    if (!dv || dv.status?.phase === 'Succeeded') return;
    const st = deepClone(dv.status ?? {});
    let source = dv.spec?.source?.pvc as { namespace?: string; name: string } | undefined;
    const ref = dv.spec?.sourceRef;
    if (ref) {
      const ds = this.store.get('DataSource', ref.namespace || ns, ref.name);
      source = ds?.spec?.source?.pvc ? { namespace: ref.namespace || ns, ...ds.spec.source.pvc } : undefined;
    }
    const again = (ms = this.opts.importStepMs): void =>
      this.scheduler.schedule(ms, () => this.cloneStep(ns, name), `dv:${ns}/${name}`);
    const state = source ? this.claimSource(source.namespace ?? ns, source.name) : 'missing';
    const key = `${ns}/${name}`;
    if (state !== 'ready') {
      this.waitingClones.add(key);
      if (st.phase !== 'CloneScheduled') {
        this.ensurePvc(dv, 'Pending');
        this.setStatus(dv, {
          ...st,
          phase: 'CloneScheduled',
          progress: 'N/A',
          claimName: name,
          conditions: this.dvConditions(false, false, 'CloneScheduled'),
        });
      }
      if (state === 'missing')
        this.recordEvent(
          dv,
          'Warning',
          'CloneWithoutSource',
          `The source pvc ${source?.name ?? ref?.name} doesn't exist`,
          'datavolume-pvc-clone-controller',
        );
      return;
    }
    this.waitingClones.delete(key);
    if (st.phase !== 'CloneInProgress') {
      this.setStatus(dv, {
        ...st,
        phase: 'CloneInProgress',
        progress: '0.00%',
        claimName: name,
        conditions: this.dvConditions(false, true, 'CloneInProgress'),
      });
      again(this.opts.cloneMs);
      return;
    }
    this.ensurePvc(dv, 'Bound');
    this.setStatus(dv, {
      ...st,
      phase: 'Succeeded',
      progress: '100.0%',
      conditions: this.dvConditions(true, false, 'Completed'),
    });
    this.recordEvent(
      dv,
      'Normal',
      'CloneSucceeded',
      `Successfully cloned from ${source!.namespace ?? ns}/${source!.name} into ${ns}/${name}`,
      'datavolume-pvc-clone-controller',
    );
  }

  private importStep(ns: string, name: string): void {
    const dv = this.store.get('DataVolume', ns, name);
    if (!dv) return;
    if (dv.spec?.sourceRef || dv.spec?.source?.pvc) return this.cloneStep(ns, name);
    if (dv.spec?.source?.upload) return this.uploadStep(ns, name);
    const st = deepClone(dv.status ?? {});
    const again = (): void =>
      this.scheduler.schedule(this.opts.importStepMs, () => this.importStep(ns, name), `dv:${ns}/${name}`);
    const failing = this.opts.failImports().includes(name);
    const transient = this.opts.transientImportErrors().find((t) => t.name === name);
    switch (st.phase) {
      case undefined:
      case '':
      case 'Pending': {
        this.ensurePvc(dv, 'Pending');
        this.setStatus(dv, {
          ...st,
          phase: 'ImportScheduled',
          progress: 'N/A',
          restartCount: 0,
          claimName: name,
          conditions: this.dvConditions(false, false, 'ImportScheduled'),
        });
        this.recordEvent(
          dv,
          'Normal',
          'ImportScheduled',
          `Import into ${name} scheduled`,
          'datavolume-import-controller',
        );
        again();
        return;
      }
      case 'ImportScheduled': {
        this.setStatus(dv, {
          ...st,
          phase: 'ImportInProgress',
          progress: IMPORT_PROGRESS[0],
          conditions: this.dvConditions(true, true, 'Pod is running'),
        });
        this.recordEvent(
          dv,
          'Normal',
          'ImportInProgress',
          `Import into ${name} in progress`,
          'datavolume-import-controller',
        );
        again();
        return;
      }
      case 'ImportInProgress': {
        // CDI#3762: the importer pod exits with an error (Running False, reason Error, a Warning
        // event: emitImportConditionEvent in CDI pkg/controller/datavolume/controller-base.go,
        // kubevirt/containerized-data-importer@cd2345f) and is restarted; the new pod imports.
        if (transient && !st.restartCount) {
          const message = `Unable to process data: Unable to transfer source data to scratch space: unexpected EOF (url ${dv.spec?.source?.http?.url ?? name})`;
          this.setStatus(dv, {
            ...st,
            restartCount: 1,
            conditions: this.dvConditions(true, false, 'Error', message),
          });
          this.recordEvent(dv, 'Warning', 'Error', message, 'datavolume-import-controller');
          this.scheduler.schedule(transient.forMs, () => this.importStep(ns, name), `dv:${ns}/${name}`);
          return;
        }
        if (failing) {
          const restarts = (st.restartCount ?? 0) + 1;
          const url = dv.spec?.source?.http?.url ?? dv.spec?.source?.registry?.url ?? name;
          const message = `Unable to process data: Unable to connect to http data source: expected status code 200, got 404. Status: 404 Not Found (url ${url})`;
          const failed = restarts > FAILED_IMPORT_RESTARTS;
          this.setStatus(dv, {
            ...st,
            phase: failed ? 'Failed' : 'ImportInProgress',
            restartCount: restarts,
            conditions: this.dvConditions(true, false, 'Error', message),
          });
          this.recordEvent(dv, 'Warning', 'Error', message, 'datavolume-import-controller');
          if (!failed) again();
          return;
        }
        if (this.opts.link && !this.arrived(dv, st)) {
          again();
          return;
        }
        const i = this.opts.link ? -1 : IMPORT_PROGRESS.indexOf(st.progress);
        if (i >= 0 && i < IMPORT_PROGRESS.length - 1) {
          this.setStatus(dv, {
            ...st,
            progress: IMPORT_PROGRESS[i + 1],
            conditions: this.dvConditions(true, true, 'Pod is running'),
          });
          again();
          return;
        }
        const pvc = this.ensurePvc(dv, 'Bound');
        this.setStatus(dv, {
          ...st,
          phase: 'Succeeded',
          progress: '100.0%',
          conditions: this.dvConditions(true, false, 'Completed'),
        });
        this.recordEvent(
          dv,
          'Normal',
          'ImportSucceeded',
          `Successfully imported into PVC ${name}`,
          'datavolume-import-controller',
        );
        if (this.opts.gcDataVolumes) {
          // CDI drops its ownership of the PVC before collecting the DataVolume, so the PVC survives.
          this.store.update({ ...pvc, metadata: { ...pvc.metadata, ownerReferences: undefined } });
          this.scheduler.schedule(this.opts.importStepMs, () => this.store.delete('DataVolume', ns, name));
        }
        return;
      }
      case 'Succeeded':
        this.ensurePvc(dv, 'Bound');
        return;
    }
  }

  /**
   * --link-mbps: the bytes of one import step arrive at this import's share of its source's link;
   * true once the whole image is in. Progress is written in whole percents.
   */
  private arrived(dv: Obj, st: Obj): boolean {
    const key = `${dv.metadata.namespace}/${dv.metadata.name}`;
    const source = dv.spec?.source?.http?.url ?? dv.spec?.source?.registry?.url ?? key;
    let t = this.transfers.get(key);
    if (!t) this.transfers.set(key, (t = { flow: this.opts.link!.open(source), bytes: 0 }));
    t.bytes += (this.opts.link!.share(source) * this.opts.importStepMs) / 1000;
    if (t.bytes >= this.opts.imageBytes) {
      t.flow.leave();
      this.transfers.delete(key);
      return true;
    }
    const progress = `${Math.floor((t.bytes / this.opts.imageBytes) * 100)}.00%`;
    if (progress !== st.progress) this.setStatus(dv, { ...st, progress });
    return false;
  }

  // ---- CDI: upload DataVolumes -----------------------------------------------------------------

  /**
   * A DataVolume with `source.upload`: CDI binds its PVC, starts an upload server and marks the PVC
   * `cdi.kubevirt.io/storage.pod.ready: "true"` with the DataVolume UploadReady; what virtctl waits
   * for before it sends (kubevirt/kubevirt pkg/virtctl/imageupload/wait.go waitDvUploadScheduled,
   * waitUploadServerReady). The upload proxy then moves it to UploadInProgress and Succeeded.
   */
  private uploadStep(ns: string, name: string): void {
    const dv = this.store.get('DataVolume', ns, name);
    if (!dv || ['UploadReady', 'UploadInProgress', 'Succeeded'].includes(dv.status?.phase)) return;
    const st = deepClone(dv.status ?? {});
    if (st.phase !== 'UploadScheduled') {
      this.ensurePvc(dv, 'Pending');
      this.setStatus(dv, {
        ...st,
        phase: 'UploadScheduled',
        progress: 'N/A',
        claimName: name,
        conditions: this.dvConditions(false, false, 'UploadScheduled'),
      });
      this.scheduler.schedule(this.opts.importStepMs, () => this.uploadStep(ns, name), `dv:${ns}/${name}`);
      return;
    }
    const pvc = this.store.get('PersistentVolumeClaim', ns, name)!;
    this.store.update({
      ...pvc,
      metadata: {
        ...pvc.metadata,
        annotations: { ...pvc.metadata.annotations, 'cdi.kubevirt.io/storage.pod.ready': 'true' },
      },
    });
    this.setStatus(dv, {
      ...st,
      phase: 'UploadReady',
      conditions: this.dvConditions(true, true, 'UploadReady'),
    });
    this.recordEvent(
      dv,
      'Normal',
      'UploadReady',
      'Upload into ' + name + ' ready',
      'datavolume-upload-controller',
    );
  }

  /** The upload proxy began receiving into this PVC. */
  uploadStarted(ns: string, name: string): void {
    const dv = this.store.get('DataVolume', ns, name);
    if (dv) this.setStatus(dv, { ...dv.status, phase: 'UploadInProgress' });
  }

  /** The upload proxy received the whole image: the PVC is populated. */
  uploadReceived(ns: string, name: string): void {
    const dv = this.store.get('DataVolume', ns, name);
    if (!dv) return;
    this.ensurePvc(dv, 'Bound');
    this.setStatus(dv, {
      ...dv.status,
      phase: 'Succeeded',
      progress: '100.0%',
      conditions: this.dvConditions(true, false, 'Completed'),
    });
    this.recordEvent(
      dv,
      'Normal',
      'UploadSucceeded',
      `Successfully uploaded into ${name}`,
      'datavolume-upload-controller',
    );
  }

  private dvConditions(bound: boolean, running: boolean, reason: string, message = ''): Obj[] {
    return [
      {
        type: 'Bound',
        status: bound ? 'True' : 'False',
        reason: bound ? 'Bound' : 'Pending',
        message: bound ? 'PVC bound' : '',
        lastHeartbeatTime: nowIso(),
        lastTransitionTime: nowIso(),
      },
      {
        type: 'Ready',
        status: reason === 'Completed' ? 'True' : 'False',
        reason,
        message,
        lastHeartbeatTime: nowIso(),
        lastTransitionTime: nowIso(),
      },
      {
        type: 'Running',
        status: running ? 'True' : 'False',
        reason,
        message,
        lastHeartbeatTime: nowIso(),
        lastTransitionTime: nowIso(),
      },
    ];
  }

  private ensurePvc(dv: Obj, phase: 'Pending' | 'Bound'): Obj {
    const ns = dv.metadata.namespace;
    const name = dv.metadata.name;
    const claim = dv.spec?.storage ?? dv.spec?.pvc ?? {};
    const size = claim.resources?.requests?.storage ?? '1Gi';
    const accessModes = claim.accessModes ?? ['ReadWriteOnce'];
    let pvc = this.store.get('PersistentVolumeClaim', ns, name);
    if (!pvc) {
      pvc = this.store.create({
        kind: 'PersistentVolumeClaim',
        metadata: {
          name,
          namespace: ns,
          // CDI's own label first: the DataVolume's labels are copied over it.
          labels: { app: 'containerized-data-importer', ...(dv.metadata.labels ?? {}) },
          annotations: {
            'cdi.kubevirt.io/storage.contentType': dv.spec?.contentType ?? 'kubevirt',
            'cdi.kubevirt.io/storage.pod.phase': 'Pending',
          },
          ownerReferences: [ownerRef(dv)],
        },
        spec: {
          accessModes,
          resources: { requests: { storage: size } },
          storageClassName: claim.storageClassName ?? 'standard',
          volumeMode: claim.volumeMode ?? 'Filesystem',
        },
        status: { phase: 'Pending' },
      });
    }
    if (phase === 'Bound' && pvc.status?.phase !== 'Bound') {
      pvc = this.store.update({
        ...pvc,
        metadata: {
          ...pvc.metadata,
          annotations: { ...pvc.metadata.annotations, 'cdi.kubevirt.io/storage.pod.phase': 'Succeeded' },
        },
        spec: { ...pvc.spec, volumeName: `pvc-${pvc.metadata.uid}` },
        status: { phase: 'Bound', accessModes, capacity: { storage: size } },
      });
    }
    return pvc;
  }

  // ---- KubeVirt: VirtualMachine → VirtualMachineInstance → virt-launcher pod ------------------

  private volumesState(vm: Obj): 'Ready' | 'Provisioning' | 'DataVolumeError' | 'WaitingForVolumeBinding' {
    const ns = vm.metadata.namespace;
    for (const c of this.volumeClaims(vm)) {
      const claimName = c.dv ?? c.pvc!;
      const pvc = this.store.get('PersistentVolumeClaim', ns, claimName);
      if (c.dv) {
        const dv = this.store.get('DataVolume', ns, c.dv);
        // HasDataVolumeErrors (kubevirt/kubevirt@0b8bbfe pkg/storage/types/dv.go): phase Failed, or
        // the Running condition False for reason Error or ImagePullFailed; a restarted importer
        // that runs again is no longer an error.
        if (dv?.status?.phase === 'Failed' || this.importerStopped(dv)) return 'DataVolumeError';
        if (dv && dv.status?.phase !== 'Succeeded') return 'Provisioning';
        if (!dv && pvc?.status?.phase !== 'Bound') return 'Provisioning';
      } else if (pvc?.status?.phase !== 'Bound') return 'WaitingForVolumeBinding';
    }
    return 'Ready';
  }

  private importerStopped(dv: Obj | undefined): boolean {
    const running = (dv?.status?.conditions ?? []).find((c: Obj) => c.type === 'Running');
    return running?.status === 'False' && ['Error', 'ImagePullFailed'].includes(running.reason);
  }

  private ensureDataVolumeTemplates(vm: Obj): void {
    for (const t of vm.spec?.dataVolumeTemplates ?? []) {
      const name = t.metadata?.name;
      if (!name || this.store.get('DataVolume', vm.metadata.namespace, name)) continue;
      // A collected DataVolume whose PVC is still there is not recreated (CDI garbage collection).
      if (this.store.get('PersistentVolumeClaim', vm.metadata.namespace, name)) continue;
      this.store.create({
        kind: 'DataVolume',
        metadata: {
          ...deepClone(t.metadata),
          namespace: vm.metadata.namespace,
          ownerReferences: [ownerRef(vm)],
        },
        spec: deepClone(t.spec),
      });
    }
  }

  /** VM uid → when its deletion was first seen, for the fault slowShutdowns. */
  private readonly deletionSeen = new Map<string, number>();

  /** A VM being deleted: its VMI stopped (after the guest's shutdown, slowShutdowns), then its finalizer removed. */
  private finalizeVm(vm: Obj, vmi: Obj | undefined): void {
    const { namespace: ns, name, uid } = vm.metadata;
    if (vmi) {
      const slow = this.opts.slowShutdowns().find((f) => f.name === name);
      if (!this.deletionSeen.has(uid)) this.deletionSeen.set(uid, Date.now());
      const left = slow ? this.deletionSeen.get(uid)! + slow.forMs - Date.now() : 0;
      this.setStatus(vm, { ...(vm.status ?? {}), printableStatus: 'Terminating' });
      if (left > 0) {
        // The guest is still shutting down; settle() runs this at once, as the other timed faults.
        this.scheduler.schedule(
          left,
          () => {
            this.deletionSeen.set(uid, -Infinity);
            this.reconcileVm(ns, name);
          },
          `vm-shutdown:${ns}/${name}`,
        );
        return;
      }
      this.store.deleteWithDependents('VirtualMachineInstance', ns, name);
      return; // the VMI's DELETED event brings the VM back here
    }
    this.deletionSeen.delete(uid);
    const next = deepClone(vm);
    next.metadata.finalizers = (vm.metadata.finalizers ?? []).filter((f: string) => f !== VM_FINALIZER);
    this.store.update(next);
  }

  private reconcileVm(ns: string, name: string): void {
    const vm = this.store.get('VirtualMachine', ns, name);
    if (!vm) return;
    if (vm.metadata.deletionTimestamp) {
      this.finalizeVm(vm, this.store.get('VirtualMachineInstance', ns, name));
      return;
    }
    if (!(vm.metadata.finalizers ?? []).includes(VM_FINALIZER)) {
      const next = deepClone(vm);
      next.metadata.finalizers = [...(vm.metadata.finalizers ?? []), VM_FINALIZER];
      this.store.update(next);
      return; // the update's MODIFIED event brings it back here
    }
    this.ensureDataVolumeTemplates(vm);
    const vmi = this.store.get('VirtualMachineInstance', ns, name);
    const decision = runDecision(vm);
    const runStrategy = vm.spec?.runStrategy ?? (vm.spec?.running === true ? 'Always' : 'Halted');
    const base = {
      ...(vm.status ?? {}),
      observedGeneration: vm.metadata.generation,
      desiredGeneration: vm.metadata.generation,
    };
    if (decision === 'stop' || (!vmi && decision === 'leave')) {
      if (vmi) {
        this.store.deleteWithDependents('VirtualMachineInstance', ns, name);
        this.recordEvent(
          vm,
          'Normal',
          'SuccessfulDelete',
          `Stopped the virtual machine by deleting the virtual machine instance ${vmi.metadata.uid}`,
          'virtualmachine-controller',
        );
      }
      this.setStatus(vm, {
        ...base,
        printableStatus: 'Stopped',
        ready: false,
        created: false,
        conditions: mergeConditions(vm.status?.conditions, [
          condition('Ready', false, 'VMINotExists', 'VMI does not exist'),
        ]),
      });
      return;
    }
    if (!vmi) {
      const volumes = this.volumesState(vm);
      if (volumes !== 'Ready') {
        this.setStatus(vm, {
          ...base,
          printableStatus: volumes,
          ready: false,
          created: false,
          conditions: mergeConditions(vm.status?.conditions, [
            condition('Ready', false, 'VMINotExists', 'VMI does not exist'),
          ]),
        });
        return;
      }
      const tmpl = vm.spec.template ?? {};
      const created = this.store.create({
        kind: 'VirtualMachineInstance',
        metadata: {
          name,
          namespace: ns,
          labels: {
            ...(tmpl.metadata?.labels ?? {}),
            'kubevirt.io/domain': name,
            'vm.kubevirt.io/name': name,
          },
          annotations: { ...(tmpl.metadata?.annotations ?? {}) },
          ownerReferences: [ownerRef(vm)],
        },
        spec: vmiSpecAtStart(tmpl.spec ?? {}, this.opts.liveUpdate),
        status: {
          phase: 'Scheduling',
          conditions: [condition('Ready', false, 'GuestNotRunning', 'Guest VM is not reported as running')],
        },
      });
      this.startedFrom.set(created.metadata.uid, deepClone(tmpl.spec ?? {}));
      this.recordEvent(
        vm,
        'Normal',
        'SuccessfulCreate',
        `Started the virtual machine by creating the new virtual machine instance ${name}`,
        'virtualmachine-controller',
      );
      // A Start request is consumed by the start it asked for (vm.go: StateChangeRequests[1:]).
      const requests = (vm.status?.stateChangeRequests ?? []).filter(
        (r: Obj, i: number) => !(i === 0 && r.action === 'Start'),
      );
      delete base.stateChangeRequests;
      // The strategy the controller last acted on (what RerunOnFailure compares with).
      this.setStatus(vm, {
        ...base,
        ...(requests.length ? { stateChangeRequests: requests } : {}),
        runStrategy,
        printableStatus: 'Starting',
        ready: false,
        created: true,
        conditions: mergeConditions(vm.status?.conditions, [
          condition('Ready', false, 'GuestNotRunning', 'Guest VM is not reported as running'),
        ]),
      });
      return;
    }
    const running = vmi.status?.phase === 'Running';
    const conditions = [
      running
        ? condition('Ready', true)
        : condition('Ready', false, 'GuestNotRunning', 'Guest VM is not reported as running'),
    ];
    const startedFrom = this.startedFrom.get(vmi.metadata.uid);
    const change = startedFrom
      ? rollout(startedFrom, vm.spec.template?.spec ?? {}, vmi.spec, this.opts.liveUpdate, vmi.status)
      : {};
    if (change.restartRequired)
      conditions.push(condition('RestartRequired', true, undefined, change.restartRequired));
    if (change.hotplug) this.hotplug(vmi, change.hotplug);
    // Hotpluggable volumes follow the template into (and out of) the running VMI.
    const plugged = syncHotplugged(
      vm.spec.template?.spec ?? {},
      this.store.get('VirtualMachineInstance', ns, name)!,
    );
    if (plugged) this.store.update(plugged);
    this.setStatus(vm, {
      ...base,
      runStrategy,
      printableStatus: running ? 'Running' : isUnschedulable(vmi) ? 'ErrorUnschedulable' : 'Starting',
      ready: running,
      created: true,
      conditions: mergeConditions(vm.status?.conditions, conditions),
    });
  }

  /** LiveUpdate: writes hot-pluggable template changes into the running VMI (no condition on the VM). */
  private hotplug(vmi: Obj, change: { sockets?: number; guest?: string }): void {
    const next = deepClone(vmi);
    const domain = (next.spec.domain = next.spec.domain ?? {});
    if (change.sockets !== undefined) domain.cpu = { ...(domain.cpu ?? {}), sockets: change.sockets };
    if (change.guest !== undefined) domain.memory = { ...(domain.memory ?? {}), guest: change.guest };
    this.store.update(next);
  }

  private vmiStep(ns: string, name: string): void {
    const vmi = this.store.get('VirtualMachineInstance', ns, name);
    if (!vmi) return;
    const st = deepClone(vmi.status ?? {});
    if (st.phase === 'Scheduling') {
      if (this.opts.stuckVmis().includes(name)) return;
      if (this.unschedulable(vmi)) return;
      const node = `worker-${parseInt(hashOf(name).slice(0, 8), 16) % 2}`;
      const pod = this.createLauncherPod(vmi, node);
      const conditions = (st.conditions ?? []).filter((c: Obj) => c.type !== 'PodScheduled');
      this.setStatus(vmi, {
        ...st,
        phase: 'Scheduled',
        nodeName: node,
        activePods: { [pod.metadata.uid]: node },
        conditions,
      });
      this.scheduler.schedule(this.opts.vmStepMs, () => this.vmiStep(ns, name), `vmi:${ns}/${name}`);
      return;
    }
    if (st.phase === 'Scheduled') {
      const fresh = this.store.get('VirtualMachineInstance', ns, name)!;
      // OVN-Kubernetes fails the launcher pod whose requested UDN address it cannot give: the VMI waits.
      const failure = this.udnFailure(fresh);
      if (failure) {
        const pod = this.launcherPod(fresh);
        if (pod) this.recordEvent(pod, 'Warning', 'ErrorAllocatingPod', failure, 'ovnkube-cluster-manager');
        return;
      }
      this.store.update({
        ...fresh,
        metadata: {
          ...fresh.metadata,
          labels: { ...fresh.metadata.labels, 'kubevirt.io/nodeName': st.nodeName },
        },
        status: {
          ...st,
          phase: 'Running',
          interfaces: this.interfaces(fresh),
          conditions: [condition('Ready', true), condition('LiveMigratable', true)],
          guestOSInfo: {},
          launcherContainerImageVersion: 'quay.io/kubevirt/virt-launcher:v1.4.0',
        },
      });
      this.recordEvent(fresh, 'Normal', 'Started', 'VirtualMachineInstance started.', 'virt-handler');
    }
  }

  /**
   * The fault unschedulableVmis: while it lasts, the launcher pod waits Pending with the
   * scheduler's PodScheduled False/Unschedulable condition and a FailedScheduling event, and the
   * VMI (still Scheduling) carries a copy of that condition, as virt-controller's VMI lifecycle
   * copies a pending pod's PodScheduled=False (kubevirt/kubevirt@d923fdb
   * pkg/virt-controller/watch/vmi/lifecycle.go, the IsScheduling case: AddPodCondition). The message
   * is the scheduler's FitError text as clusters print it. True while the VMI must wait.
   */
  private unschedulable(vmi: Obj): boolean {
    const fault = this.opts.unschedulableVmis().find((u) => u.name === vmi.metadata.name);
    const { uid, namespace: ns, name } = vmi.metadata;
    const state = this.unschedulableState.get(uid);
    if (!fault || state === 'released') return false;
    if (state === 'waiting') return true;
    this.unschedulableState.set(uid, 'waiting');
    const message =
      '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    const scheduled = condition('PodScheduled', false, 'Unschedulable', message);
    const pod = this.store.create({
      kind: 'Pod',
      metadata: this.launcherMetadata(vmi),
      spec: launcherSpec(),
      status: { phase: 'Pending', conditions: [scheduled] },
    });
    this.recordEvent(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
    this.setStatus(vmi, {
      ...(vmi.status ?? {}),
      conditions: [...(vmi.status?.conditions ?? []), scheduled],
    });
    // Room is found after forMs (settle() runs it at once, as it does the other timed faults).
    const release = () => {
      this.unschedulableState.set(uid, 'released');
      this.vmiStep(ns, name);
    };
    this.scheduler.schedule(fault.forMs, release, `vmi-room:${ns}/${name}`);
    return true;
  }

  private launcherPod(vmi: Obj): Obj | undefined {
    return this.store.dependentsOf(vmi.metadata.uid).find((o) => o.kind === 'Pod');
  }

  private launcherMetadata(vmi: Obj): Obj {
    return {
      name: `virt-launcher-${vmi.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`,
      namespace: vmi.metadata.namespace,
      labels: {
        ...(vmi.metadata.labels ?? {}),
        'kubevirt.io': 'virt-launcher',
        'kubevirt.io/created-by': vmi.metadata.uid,
        'vm.kubevirt.io/name': vmi.metadata.name,
      },
      ownerReferences: [ownerRef(vmi)],
    };
  }

  /** The VMI's launcher pod, running on `node`: the one left Pending by unschedulableVmis, or a new one. */
  private createLauncherPod(vmi: Obj, node: string): Obj {
    const n = this.podCounter++;
    const ip = `10.128.${Math.floor(n / 250) % 256}.${(n % 250) + 2}`;
    const status = {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: node === 'worker-0' ? '192.168.126.51' : '192.168.126.52',
      conditions: [{ type: 'Ready', status: 'True' }],
    };
    const pending = this.launcherPod(vmi);
    if (pending) return this.store.update({ ...pending, spec: { ...pending.spec, nodeName: node }, status });
    return this.store.create({
      kind: 'Pod',
      metadata: this.launcherMetadata(vmi),
      spec: { ...launcherSpec(), nodeName: node },
      status,
    });
  }

  /** Reported interfaces: the pod IP on the pod network, the guest's configured address on a Multus network (guest.ts). */
  private interfaces(vmi: Obj): Obj[] {
    const ns = vmi.metadata.namespace;
    const ifaces: Obj[] = vmi.spec?.domain?.devices?.interfaces ?? [{ name: 'default' }];
    const networks: Obj[] = vmi.spec?.networks ?? [{ name: 'default', pod: {} }];
    return ifaces.map((iface, i) => {
      let mac =
        iface.macAddress ??
        `02:${hashOf(`${ns}/${vmi.metadata.name}/${iface.name}`).slice(0, 10).match(/../g)!.join(':')}`;
      const net = networks.find((n) => n.name === iface.name);
      let ip: string | undefined;
      const udn =
        net?.pod && iface.binding?.name === 'l2bridge'
          ? this.opts.ovn?.primaryAddress(vmi, iface)
          : undefined;
      if (udn) ip = 'ip' in udn ? udn.ip : undefined;
      // A primary UDN NIC that asks for no MAC has its pod interface's, which OVN-Kubernetes derives
      // from the address: 0a:58 and its four octets (ovn-kubernetes/ovn-kubernetes@8871cd9c
      // go-controller/pkg/util/net.go IPAddrToHWAddr; kubevirt/kubevirt@d923fdb8
      // pkg/network/domainspec/generators.go discoverDomainIfaceSpec).
      if (udn && ip && !iface.macAddress)
        mac = `0a:58:${ip
          .split('.')
          .map((o) => Number(o).toString(16).padStart(2, '0'))
          .join(':')}`;
      else if (net?.pod) ip = this.launcherPod(vmi)?.status?.podIP;
      // A bridge or localnet network: the address the guest's own network-config gives this NIC,
      // reported by the guest agent once the guest has it; a NAD's static IPAM never reaches a VM's
      // guest, and a localnet has no IPAM for VMs at all.
      else if (net?.multus?.networkName) ip = guestAddress(this.store, vmi, iface, i);
      const out: Obj = {
        name: iface.name,
        mac,
        interfaceName: guestNicName(nameScheme(this.store, vmi), i),
        infoSource: 'domain, guest-agent',
        queueCount: 1,
      };
      if (ip) {
        out.ipAddress = ip;
        out.ipAddresses = [ip];
      }
      if (net?.multus) out.infoSource = 'domain, guest-agent, multus-status';
      return out;
    });
  }

  /** The allocator's error for the VMI's UDN interface, if OVN-Kubernetes cannot give its address. */
  private udnFailure(vmi: Obj): string | undefined {
    const pod = (n: Obj) => (vmi.spec?.networks ?? []).some((x: Obj) => x.name === n.name && x.pod);
    for (const iface of vmi.spec?.domain?.devices?.interfaces ?? []) {
      if (iface.binding?.name !== 'l2bridge' || !pod(iface)) continue;
      const result = this.opts.ovn?.primaryAddress(vmi, iface);
      if (result && 'error' in result) return result.error;
    }
    return undefined;
  }
}
