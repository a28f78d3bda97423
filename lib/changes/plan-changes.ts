// The change plan: rendered manifests against the live objects, one decision per object (pure).
import { byNumberedName } from '../text-order.js';
import { lastApplied, type K8sObject } from '../cluster/k8s-object.js';
import { usedBy } from '../model/delete-guard.js';
import { rootDiskName } from '../model/names.js';
import { isOurs, isSpecs, KEPT_ANNOTATION, ownerLabels, type SpecRef } from '../model/ownership.js';
import { quantityValue } from '../model/quantity.js';
import { deletingSince, isRunning, stoppedAt as stoppedAtOf } from '../model/vm-facts.js';
import type { Manifest } from '../render/render-manifests.js';
import { parse as parseYaml } from 'yaml';
import { fieldDifferences, insideDocument, REDACTED, type FieldChange } from './field-diff.js';
import { keptItems } from './kept-items.js';
import { memoryRestartReason } from './memory-hotplug.js';
import { nadConfigReasons } from './nad-config-reasons.js';
import { withPlatformFields } from './platform-fields.js';

export type ChangeAction =
  'create' | 'update' | 'unchanged' | 'foreign' | 'surplus' | 'imported' | 'terminating';

/** What a running VM needs for an update to take effect. */
export type VmEffect = 'none' | 'live' | 'restart';

/**
 * What cloud-init, which runs once per instance, will not bring to a booted guest: data, so that
 * `-o json` carries it as such; the report says it in a sentence (plan-report.ts, noticeText).
 */
export type FirstBootNotice =
  /** The Secret's changed keys reach only a recreated instance. */
  | { code: 'secret-after-first-boot'; instance: string; secret: string; keys: string[] }
  /** The changed attachment applies at the VM's next restart; the guest keeps its first-boot address. */
  | { code: 'attachment-after-first-boot'; instance: string; attachment: string };

export interface Change {
  action: ChangeAction;
  kind: string;
  name: string;
  /** What to send (create, update): the rendered manifest with the platform's fields carried over. */
  manifest?: Manifest;
  live?: K8sObject;
  /** surplus: the instance the object belongs to, when its name is one of this spec's. */
  instance?: string;
  /** update: the changed fields. Secret values are never here, nor their sizes. */
  fields?: FieldChange[];
  /** update of an object without v-auto labels, taken over with --adopt. */
  adopt?: boolean;
  /** update of a VM: nothing, hot-plugged, or a restart. */
  vm?: VmEffect;
  /** foreign: who owns it (its v-auto labels), or "no v-auto labels". */
  owner?: string;
  /** foreign: an unlabeled object that --adopt may take over. */
  adoptable?: boolean;
  /** A VM stopped with `v-auto … stop` (its `v-auto/stopped-at`): it keeps its live runStrategy. */
  stoppedAt?: string;
  /**
   * terminating: when the live object's deletion began. A finalizer holds it (KubeVirt's VM finalizer
   * through the guest's shutdown, kubernetes.io/pvc-protection); it is neither unchanged nor
   * updatable, and goes by itself: deploy waits for it, then creates it again.
   */
  deleting?: string;
  /** Changes that do not reach a booted guest (cloud-init runs once per instance). */
  notices?: FirstBootNotice[];
  /** A VM's list items that others added or repointed, kept as they are: `hot-plugged volume data1`. */
  kept?: string[];
  /** update of a NAD: why fields changed that a v-auto default changed, not the catalog (nad-config-reasons.ts). */
  reasons?: string[];
  /** update of a running VM that needs a restart: why (KubeVirt's rule that applies). */
  restartReason?: string;
}

export interface ChangeInput {
  manifests: Manifest[];
  /** Every object of the managed kinds in the namespace, whoever owns it. */
  live: K8sObject[];
  /** The spec whose objects these are: ownership is decided by its labels (model/ownership.ts). */
  owner: SpecRef;
  /** The instance a resource name belongs to (undefined: not a name of this spec). */
  instanceOf: (name: string) => string | undefined;
  /** Instances whose objects may be surplus: every instance when undefined, else only these (--target). */
  scope?: string[];
  /** --adopt: unlabeled objects with this spec's names become updates. */
  adopt: boolean;
  /** The namespace's VirtualMachineInstances, when read: what memory hot-plug depends on. */
  vmis?: K8sObject[];
  /**
   * The Secrets' network-config holds no input (render/cloud-init.ts networkDataMayHoldSecrets): it is
   * shown field by field. Otherwise, and by default, it is masked as the user-data is.
   */
  showNetworkData?: boolean;
}

export interface ChangePlan {
  changes: Change[];
  /** Counts for the summary line. */
  counts: Record<ChangeAction, number> & { restart: number };
  /** Instances that exist with this spec's labels but are not planned (past replicas). */
  surplusInstances: string[];
}

/**
 * KubeVirt's default MaxHotplugRatio: without an explicit maxGuest/maxSockets a VMI may grow to 4×
 * its boot memory and sockets (kubevirt/kubevirt@75581da pkg/defaults/defaults.go setupCPUHotplug,
 * setupMemoryHotplug; pkg/virt-config/virt-config.go DefaultMaxHotplugRatio = 4).
 */
const MAX_HOTPLUG_RATIO = 4;
const GUEST = 'spec.template.spec.domain.memory.guest';
const SOCKETS = 'spec.template.spec.domain.cpu.sockets';

export function planChanges(input: ChangeInput): ChangePlan {
  const byKey = new Map(input.live.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  const planned = new Set(input.manifests.map((m) => `${m.kind}/${m.metadata.name}`));
  const changes: Change[] = input.manifests.map((m) => decide(m, byKey, input));
  addFirstBootNotices(changes, byKey, input);

  // Surplus: this spec's labels, not planned. PVCs are the disks of DataVolumes: one of a planned
  // instance is its imported disk, not surplus.
  const plannedInstances = new Set(
    input.manifests.map((m) => input.instanceOf(m.metadata.name)).filter(Boolean),
  );
  const surplusInstances = new Set<string>();
  // What a planned VM uses is not surplus: a claim a restore made (its labels copied from the
  // snapshotted disk, so they are this spec's) under a kept volume.
  const inUse = new Set(
    input.live
      .filter((o) => o.kind === 'VirtualMachine' && planned.has(`VirtualMachine/${o.metadata.name}`))
      .flatMap(usedBy),
  );
  for (const o of input.live) {
    if (planned.has(`${o.kind}/${o.metadata.name}`) || !isSpecs(o.metadata.labels, input.owner)) continue;
    if (inUse.has(`${o.kind}/${o.metadata.name}`)) continue;
    const instance = input.instanceOf(o.metadata.name);
    if (input.scope && (!instance || !input.scope.includes(instance))) continue;
    if (
      o.kind === 'PersistentVolumeClaim' &&
      instance &&
      plannedInstances.has(instance) &&
      o.metadata.name === rootDiskName(instance)
    )
      continue;
    if (instance && !plannedInstances.has(instance)) surplusInstances.add(instance);
    changes.push({
      action: 'surplus',
      kind: o.kind,
      name: o.metadata.name,
      live: o,
      ...(instance ? { instance } : {}),
    });
  }
  const count = (a: ChangeAction) => changes.filter((c) => c.action === a).length;
  return {
    changes,
    counts: {
      create: count('create'),
      update: count('update'),
      unchanged: count('unchanged'),
      foreign: count('foreign'),
      surplus: count('surplus'),
      imported: count('imported'),
      terminating: count('terminating'),
      restart: changes.filter((c) => c.vm === 'restart').length,
    },
    surplusInstances: [...surplusInstances].sort(byNumberedName),
  };
}

function decide(m: Manifest, byKey: Map<string, K8sObject>, input: ChangeInput): Change {
  const { kind } = m;
  const name = m.metadata.name;
  const live = byKey.get(`${kind}/${name}`);
  if (!live) {
    // CDI may garbage-collect a DataVolume after import, leaving its PVC: the disk exists.
    const pvc = kind === 'DataVolume' ? byKey.get(`PersistentVolumeClaim/${name}`) : undefined;
    if (!pvc) return { action: 'create', kind, name, manifest: m };
    if (ours(pvc, m, input)) {
      const deleting = deletingSince(pvc);
      if (deleting) return { action: 'terminating', kind, name, live: pvc, deleting };
      return { action: 'imported', kind, name, live: pvc };
    }
    return foreign(m, pvc);
  }
  if (!ours(live, m, input)) {
    const f = foreign(m, live);
    if (!(f.adoptable && input.adopt)) return f;
  }
  const deleting = deletingSince(live);
  if (deleting) return { action: 'terminating', kind, name, live, deleting };
  const stoppedAt = kind === 'VirtualMachine' ? stoppedAtOf(live) : undefined;
  const platform = keepStopped(withPlatformFields(m, live), live, stoppedAt);
  const keep = kind === 'VirtualMachine' ? keptItems(live, platform) : undefined;
  const desired = keep?.manifest ?? platform;
  // The record of what was kept is not a change of its own: it goes with the next real update.
  const fields = fieldDifferences(desired, live, lastApplied(live)).filter(
    (f) => f.path !== `metadata.annotations.${KEPT_ANNOTATION}`,
  );
  const adopt = !ours(live, m, input);
  const kept = keep?.kept.length ? { kept: keep.kept } : {};
  if (!fields.length && !adopt)
    return { action: 'unchanged', kind, name, live, ...(stoppedAt ? { stoppedAt } : {}), ...kept };
  const change: Change = {
    action: 'update',
    kind,
    name,
    manifest: keep?.record ? withKeptRecord(desired, keep.record) : desired,
    live,
    fields:
      kind === 'Secret'
        ? secretFields(fields, input.showNetworkData ?? false)
        : kind === 'NetworkAttachmentDefinition'
          ? fields.flatMap((f) => (f.path === 'spec.config' ? insideDocument(f, JSON.parse) : [f]))
          : fields,
    ...kept,
  };
  if (stoppedAt) change.stoppedAt = stoppedAt;
  if (adopt) change.adopt = true;
  if (kind === 'NetworkAttachmentDefinition') {
    const config = fields.find((f) => f.path === 'spec.config');
    const reasons = config ? nadConfigReasons(config.before, config.after) : [];
    if (reasons.length) change.reasons = reasons;
  }
  if (kind === 'VirtualMachine') {
    const effect = vmEffect(fields, live, byKey, input.vmis ?? []);
    change.vm = effect.vm;
    if (effect.reason) change.restartReason = effect.reason;
  }
  return change;
}

/** The update carries the kept items; the annotation says which, so that they stay not v-auto's. */
function withKeptRecord(desired: Manifest, record: string): Manifest {
  // A copy of the path it changes only: the rest is shared with the desired manifest, which no one writes to.
  const annotations = { ...(desired.metadata.annotations ?? {}), [KEPT_ANNOTATION]: record };
  return { ...desired, metadata: { ...desired.metadata, annotations } };
}

/**
 * A VM stopped by `v-auto … stop` stays stopped until `start`: its desired runStrategy is the live
 * one, so a cron redeploy neither sends nor flips it.
 */
function keepStopped(desired: Manifest, live: K8sObject, stoppedAt: string | undefined): Manifest {
  if (!stoppedAt) return desired;
  const copy = structuredClone(desired);
  const spec = copy.spec as { runStrategy?: string; running?: boolean };
  if (live.spec?.runStrategy !== undefined) spec.runStrategy = live.spec.runStrategy;
  return copy;
}

function foreign(m: Manifest, live: K8sObject): Change {
  const owner = ownerLabels(live.metadata.labels);
  // A PVC in a DataVolume's place is never adopted: v-auto does not render PVCs.
  return {
    action: 'foreign',
    kind: m.kind,
    name: m.metadata.name,
    live,
    owner: owner ?? 'no v-auto labels',
    adoptable: owner === undefined && live.kind === m.kind,
  };
}

/**
 * Secret values never leave the plan, nor their sizes: a password inserted in clear would show its
 * length (`data.userdata` changed, with REDACTED where a value was).
 */
function secretFields(fields: FieldChange[], showNetworkData: boolean): FieldChange[] {
  const hidden = (f: FieldChange): FieldChange => ({
    path: f.path,
    before: f.before === undefined ? undefined : REDACTED,
    after: f.after === undefined ? undefined : REDACTED,
    secret: true,
  });
  return fields.flatMap((f) => {
    // A network-config that reads no input holds addresses, routes and DNS, no secret: shown field
    // by field, unless it does not read as YAML (then it stays masked like the rest).
    if (showNetworkData && NETWORK_DATA_PATHS.has(f.path)) {
      const inside = insideDocument(f, (b64) => parseYaml(Buffer.from(b64, 'base64').toString('utf8')));
      return inside.length === 1 && inside[0] === f ? [hidden(f)] : inside;
    }
    if (f.path.startsWith('data.') || f.path === 'data' || f.path.startsWith('stringData'))
      return [hidden(f)];
    return [f];
  });
}

/** The cloud-init Secret's network-config keys, as KubeVirt's networkDataSecretRef reads them. */
const NETWORK_DATA_PATHS = new Set(['data.networkdata', 'data.networkData']);

/**
 * What a running VM needs: under LiveUpdate (the default rollout strategy since OpenShift 4.16),
 * memory.guest within KubeVirt's hot-plug rules (memory-hotplug.ts) and more cpu.sockets within
 * maxSockets are hot-plugged; any other template change sets RestartRequired
 * (kubevirt/kubevirt@75581da pkg/virt-controller/watch/vm.go). A VM that is not running takes the
 * change at its next start.
 */
function vmEffect(
  fields: FieldChange[],
  live: K8sObject,
  byKey: Map<string, K8sObject>,
  vmis: K8sObject[],
): { vm: VmEffect; reason?: string } {
  const template = fields.filter((f) => f.path.startsWith('spec.template'));
  if (!template.length || !isRunning(live)) return { vm: 'none' };
  const domain = live.spec?.template?.spec?.domain ?? {};
  const why = (f: FieldChange): string | undefined => {
    if (f.path === GUEST) {
      const vmi = vmis.find((o) => o.metadata.name === live.metadata.name);
      const max =
        quantityValue(vmi?.spec?.domain?.memory?.maxGuest) ??
        quantityValue(domain.memory?.maxGuest) ??
        (quantityValue(f.before) ?? 0) * MAX_HOTPLUG_RATIO;
      return memoryRestartReason(live, f.before, f.after, max, vmi, [...byKey.values()]);
    }
    if (f.path === SOCKETS) {
      // Only more sockets hot-plug: "Reduction of CPU socket count requires a restart"
      // (kubevirt/kubevirt@a771b994 pkg/virt-controller/watch/vm/vm.go handleCPUChangeRequest).
      const max = Number(domain.cpu?.maxSockets ?? Number(f.before ?? 1) * MAX_HOTPLUG_RATIO);
      if (Number(f.after) < Number(f.before ?? 1)) return 'fewer CPU sockets';
      return Number(f.after) <= max ? undefined : 'CPU sockets above maxSockets';
    }
    return `${f.path.replace('spec.template.spec.', '')} changed`;
  };
  const reasons = [...new Set(template.map(why).filter((r): r is string => r !== undefined))];
  return reasons.length ? { vm: 'restart', reason: reasons.join('; ') } : { vm: 'live' };
}

/** A VM whose guest has booted at least once: cloud-init has run in it. */
function hasBooted(vm: K8sObject | undefined): boolean {
  if (!vm) return false;
  return (
    isRunning(vm) ||
    vm.status?.created === true ||
    ['Stopping', 'Paused', 'Migrating'].includes(vm.status?.printableStatus)
  );
}

/** cloud-init runs once per instance: a changed Secret or static NAD of a booted VM says what reaches the guest. */
function addFirstBootNotices(changes: Change[], byKey: Map<string, K8sObject>, input: ChangeInput): void {
  for (const c of changes) {
    if (c.action !== 'update' || (c.kind !== 'Secret' && c.kind !== 'NetworkAttachmentDefinition')) continue;
    const instance = input.instanceOf(c.name);
    if (!instance || instance === c.name) continue;
    if (!hasBooted(byKey.get(`VirtualMachine/${instance}`))) continue;
    // Only what the guest reads at first boot: the Secret's data, the NAD's network config.
    const data = c.fields!.filter((f) =>
      c.kind === 'Secret' ? f.path.startsWith('data') : f.path.startsWith('spec.'),
    );
    if (!data.length) continue;
    c.notices = [
      c.kind === 'Secret'
        ? {
            code: 'secret-after-first-boot',
            instance,
            secret: c.name,
            // The Secret's keys, whether or not a key's document was compared field by field inside it.
            keys: [...new Set(data.map((f) => f.path.split('.')[1] ?? f.path))],
          }
        : { code: 'attachment-after-first-boot', instance, attachment: c.name },
    ];
  }
}

function ours(live: K8sObject, m: Manifest, input: ChangeInput): boolean {
  return isOurs(live.metadata.labels, m.metadata.labels, input.owner);
}
