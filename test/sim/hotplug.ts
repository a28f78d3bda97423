// Volumes hot-plugged into a VM and its running VMI, and a snapshot restore repointing a VM's volumes.
//
// Read at kubevirt/kubevirt@d923fdb815cd2016ddaebdaaa51db04133576d72:
// - pkg/virtctl/vm/add_volume.go: `virtctl addvolume VM --volume-name=DV --persist` names a
//   DataVolume (or else a PVC) with hotpluggable: true, on a disk with bus scsi by default;
// - pkg/controller/controller.go ApplyVolumeRequestOnVMISpec: the VM controller appends the volume
//   (hotpluggable set) and a disk of the same name to the template; a remove request drops both;
// - pkg/virt-controller/watch/vm/vm.go validLiveUpdateVolumes / validLiveUpdateDisks: volumes and
//   disks added, changed or removed are live-updatable (no RestartRequired) exactly when they are
//   hotpluggable ones; the VMI then follows the template (hot-plug, or unplug when a hotpluggable
//   volume left the template);
// - pkg/virt-handler/vm.go: a hot-plugged volume's VMI status ends in phase Ready, reason
//   VolumeReady, "Successfully attach hotplugged volume NAME to VM", with hotplugVolume naming the
//   attachment pod;
// - pkg/storage/snapshot/restore.go: a restore creates the claim `restore-<restore uid>-<volume>`
//   (RandomizeNames, the default VolumeRestorePolicy) or `<vm>-<volume>` (PrefixTargetName), its
//   labels copied from the snapshotted PVC (CreateRestorePVCDef), and a DataVolume volume that is
//   no dataVolumeTemplate becomes a persistentVolumeClaim volume on it.
import type { Obj } from './store.js';

const isHotplug = (v: Obj | undefined) =>
  Boolean(v?.dataVolume?.hotpluggable || v?.persistentVolumeClaim?.hotpluggable);
const byName = (items: Obj[] | undefined) => new Map<string, Obj>((items ?? []).map((i) => [i.name, i]));
const json = (v: unknown) => JSON.stringify(v ?? null);

/** What `virtctl addvolume VM --volume-name=CLAIM --persist` leaves in the VM's template spec. */
export function addVolumeToTemplate(spec: Obj, claim: string, kind: 'DataVolume' | 'PVC'): void {
  if ((spec.volumes ?? []).some((v: Obj) => v.name === claim)) return;
  const source =
    kind === 'DataVolume'
      ? { dataVolume: { name: claim, hotpluggable: true } }
      : { persistentVolumeClaim: { claimName: claim, hotpluggable: true } };
  (spec.volumes ??= []).push({ name: claim, ...source });
  const devices = ((spec.domain ??= {}).devices ??= {});
  (devices.disks ??= []).push({ name: claim, disk: { bus: 'scsi' } });
}

/** validLiveUpdateVolumes and validLiveUpdateDisks: only hotpluggable volumes (and their disks) came, went or changed. */
export function onlyHotplugChanges(old: Obj, cur: Obj): boolean {
  const oldVols = byName(old.volumes);
  const curVols = byName(cur.volumes);
  for (const v of cur.volumes ?? []) {
    const was = oldVols.get(v.name);
    if (!isHotplug(v) && (!was || json(was) !== json(v))) return false;
  }
  for (const v of old.volumes ?? []) if (!curVols.has(v.name) && !isHotplug(v)) return false;
  const oldDisks = byName(old.domain?.devices?.disks);
  const curDisks = byName(cur.domain?.devices?.disks);
  for (const d of cur.domain?.devices?.disks ?? []) {
    const was = oldDisks.get(d.name);
    if (!isHotplug(curVols.get(d.name)) && (!was || json(was) !== json(d))) return false;
  }
  for (const d of old.domain?.devices?.disks ?? [])
    if (!curDisks.has(d.name) && oldVols.has(d.name) && !isHotplug(oldVols.get(d.name))) return false;
  return true;
}

/**
 * The running VMI with the template's hotpluggable volumes plugged in and those the template no
 * longer has unplugged, with their volume status; undefined when it already matches.
 */
export function syncHotplugged(templateSpec: Obj, vmi: Obj): Obj | undefined {
  const want = (templateSpec.volumes ?? []).filter(isHotplug);
  const wantNames = new Set(want.map((v: Obj) => v.name));
  const has = (vmi.spec.volumes ?? []).filter(isHotplug);
  const hasNames = new Set(has.map((v: Obj) => v.name));
  if (want.length === has.length && want.every((v: Obj) => hasNames.has(v.name))) return undefined;
  const next: Obj = JSON.parse(JSON.stringify(vmi));
  const disks = byName(templateSpec.domain?.devices?.disks);
  const devices = ((next.spec.domain ??= {}).devices ??= {});
  next.spec.volumes = (next.spec.volumes ?? []).filter((v: Obj) => !isHotplug(v) || wantNames.has(v.name));
  devices.disks = (devices.disks ?? []).filter((d: Obj) => !hasNames.has(d.name) || wantNames.has(d.name));
  const status = ((next.status ??= {}).volumeStatus ??= []) as Obj[];
  next.status.volumeStatus = status.filter((s) => !hasNames.has(s.name) || wantNames.has(s.name));
  for (const v of want) {
    if (hasNames.has(v.name)) continue;
    next.spec.volumes.push(v);
    if (disks.has(v.name)) devices.disks.push(disks.get(v.name));
    next.status.volumeStatus.push({
      name: v.name,
      target: 'sda',
      phase: 'Ready',
      reason: 'VolumeReady',
      message: `Successfully attach hotplugged volume ${v.name} to VM`,
      hotplugVolume: { attachPodName: `hp-volume-${v.name}`, attachPodUID: `uid-hp-${v.name}` },
    });
  }
  return next;
}

/** The claim a restore of `volume` into VM `vm` creates, by VolumeRestorePolicy. */
export function restoredClaimName(
  vm: string,
  volume: string,
  restoreUid: string,
  policy: 'RandomizeNames' | 'PrefixTargetName',
): string {
  return policy === 'PrefixTargetName' ? `${vm}-${volume}` : `restore-${restoreUid}-${volume}`;
}

/** The VM's template after a restore: each DataVolume or PVC volume on its restored claim (a PVC volume). */
export function repointVolumes(templateSpec: Obj, claimFor: (volume: string) => string): void {
  templateSpec.volumes = (templateSpec.volumes ?? []).map((v: Obj) =>
    v.dataVolume || v.persistentVolumeClaim
      ? { name: v.name, persistentVolumeClaim: { claimName: claimFor(v.name) } }
      : v,
  );
}
