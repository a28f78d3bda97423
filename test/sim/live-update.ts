// KubeVirt's rollout of a VM template change to its running VMI: whether a restart is required, and what
// LiveUpdate hot-plugs instead. The one place that decides the RestartRequired condition.
//
// Read at kubevirt/kubevirt v1.6.6 (75581da2192a3c4f9e0c48e7e37255ed2257780d):
// - pkg/virt-controller/watch/vm/vm.go syncRestartRequired: the VM's template spec is compared with
//   the one the VMI was started from (its last-seen ControllerRevision); with the LiveUpdate rollout
//   strategy (the default since OpenShift 4.16, HCO #2986) cpu.sockets, memory.guest, nodeSelector,
//   affinity and tolerations are left out of the comparison. Any other difference sets
//   RestartRequired=True, "a non-live-updatable field was changed in the template spec". When the
//   comparison finds nothing the condition is removed; a new VMI (a restart) starts from the current
//   template, so the condition clears then (cleanupRestartRequired on VMI start).
// - handleCPUChangeRequest: more sockets than the VMI's maxSockets → RestartRequired "CPU sockets
//   updated in template spec to a value higher than what's available"; fewer than running → "Reduction
//   of CPU socket count requires a restart"; else hot-plugged into the VMI.
// - handleMemoryHotplugRequest: guest below the boot size → "memory updated in template spec to a value
//   lower than what the VM started with"; above maxGuest → "memory updated in template spec to a value
//   higher than what's available"; else hot-plugged. At kubevirt/kubevirt@d923fdb815cd (the same
//   function, and pkg/liveupdate/memory/memory.go ValidateLiveUpdateMemory) also: a VMI that is not
//   migratable ("Memory-hotplug is only available for migratable VMs"), and a guest that is not
//   whole 2 MiB blocks or under 1 GiB ("memory hotplug not supported, …").
// - syncRestartRequired (d923fdb): volumes and disks that came, went or changed are no restart
//   when they are hotpluggable ones (validLiveUpdateVolumes / validLiveUpdateDisks, hotplug.ts).
// - pkg/defaults/defaults.go setupCPUHotplug / setupMemoryHotplug (VMI defaults): without
//   liveUpdateConfiguration.maxCpuSockets / maxGuest, maxSockets = sockets × maxHotplugRatio (capped
//   at 512 vCPUs) and maxGuest = guest × maxHotplugRatio; the ratio defaults to 4
//   (pkg/virt-config/virt-config.go DefaultMaxHotplugRatio).
import { onlyHotplugChanges } from './hotplug.js';
import { quantityValue } from './quantity.js';
import type { Obj } from './store.js';

const MAX_HOTPLUG_RATIO = 4;
const MAX_VCPUS = 512;
const NON_LIVE = 'a non-live-updatable field was changed in the template spec';

const sockets = (spec: Obj) => Number(spec?.domain?.cpu?.sockets ?? 1);
const guest = (spec: Obj) => spec?.domain?.memory?.guest as string | undefined;

/** The VMI spec a VM's template starts, with LiveUpdate's hot-plug limits filled in. */
export function vmiSpecAtStart(templateSpec: Obj, liveUpdate: boolean): Obj {
  const spec = JSON.parse(JSON.stringify(templateSpec ?? {}));
  if (!liveUpdate) return spec;
  const cpu = ((spec.domain = spec.domain ?? {}).cpu = spec.domain.cpu ?? {});
  if (!cpu.maxSockets) {
    const perSocket = Number(cpu.cores ?? 1) * Number(cpu.threads ?? 1);
    cpu.maxSockets = Math.max(
      Math.min(sockets(spec) * MAX_HOTPLUG_RATIO, Math.floor(MAX_VCPUS / perSocket)),
      sockets(spec),
    );
  }
  const g = guest(spec);
  if (g && !spec.domain.memory.maxGuest)
    spec.domain.memory.maxGuest = String(quantityValue(g) * MAX_HOTPLUG_RATIO);
  return spec;
}

export interface Rollout {
  /** The RestartRequired message, or undefined when none is needed. */
  restartRequired?: string;
  /** Fields to write into the running VMI's spec.domain (hot-plug). */
  hotplug?: { sockets?: number; guest?: string };
}

/** What a template change does to a running VM: `startedFrom` is the template spec its VMI was started from. */
export function rollout(
  startedFrom: Obj,
  current: Obj,
  vmiSpec: Obj,
  liveUpdate: boolean,
  vmiStatus: Obj = {},
): Rollout {
  const last = JSON.parse(JSON.stringify(startedFrom ?? {}));
  const now = current ?? {};
  if (onlyHotplugChanges(last, now)) {
    last.volumes = now.volumes;
    last.domain = { ...(last.domain ?? {}), devices: { ...(last.domain?.devices ?? {}) } };
    last.domain.devices.disks = now.domain?.devices?.disks;
    if (last.volumes === undefined) delete last.volumes;
    if (last.domain.devices.disks === undefined) delete last.domain.devices.disks;
  }
  if (liveUpdate) {
    last.domain = last.domain ?? {};
    if (now.domain?.cpu) last.domain.cpu = { ...(last.domain.cpu ?? {}), sockets: now.domain.cpu.sockets };
    if (last.domain.cpu && last.domain.cpu.sockets === undefined) delete last.domain.cpu.sockets;
    if (guest(now) !== undefined) last.domain.memory = { ...(last.domain.memory ?? {}), guest: guest(now) };
    for (const k of ['nodeSelector', 'affinity', 'tolerations']) {
      if (now[k] === undefined) delete last[k];
      else last[k] = now[k];
    }
  }
  if (JSON.stringify(sorted(last)) !== JSON.stringify(sorted(now))) return { restartRequired: NON_LIVE };
  if (!liveUpdate) return {};
  const hotplug: Rollout['hotplug'] = {};
  const want = sockets(now);
  const running = sockets(vmiSpec);
  if (want > Number(vmiSpec?.domain?.cpu?.maxSockets ?? running))
    return {
      restartRequired: "CPU sockets updated in template spec to a value higher than what's available",
    };
  if (want < running) return { restartRequired: 'Reduction of CPU socket count requires a restart' };
  if (want !== running) hotplug.sockets = want;
  const g = guest(now);
  const atBoot = guest(startedFrom);
  if (
    g !== undefined &&
    atBoot !== undefined &&
    quantityValue(g) !== quantityValue(guest(vmiSpec) ?? atBoot)
  ) {
    const migratable = (vmiStatus.conditions ?? []).find((c: Obj) => c.type === 'LiveMigratable');
    if (migratable?.status === 'False')
      return {
        restartRequired:
          'memory updated in template spec. Memory-hotplug is only available for migratable VMs',
      };
    if (quantityValue(g) % (2 * 2 ** 20) !== 0)
      return { restartRequired: 'memory hotplug not supported, Guest memory must be 2Mi aligned' };
    if (quantityValue(g) < 2 ** 30)
      return {
        restartRequired:
          'memory hotplug not supported, Memory hotplug is only available for VMs with at least 1Gi of guest memory',
      };
    if (quantityValue(g) < quantityValue(atBoot))
      return {
        restartRequired: 'memory updated in template spec to a value lower than what the VM started with',
      };
    const max = vmiSpec?.domain?.memory?.maxGuest;
    if (max !== undefined && quantityValue(g) > quantityValue(max))
      return { restartRequired: "memory updated in template spec to a value higher than what's available" };
    hotplug.guest = g;
  }
  return Object.keys(hotplug).length ? { hotplug } : {};
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted((v as Obj)[k])]),
    );
  return v;
}
