// Whether KubeVirt's LiveUpdate hot-plugs a running VM's new guest memory, or sets RestartRequired (pure).
//
// Read at kubevirt/kubevirt@d923fdb815cd2016ddaebdaaa51db04133576d72:
// - pkg/virt-controller/watch/vm/vm.go handleMemoryHotplugRequest: RestartRequired when the VMI is
//   not migratable ("Memory-hotplug is only available for migratable VMs"), when
//   memory.ValidateLiveUpdateMemory fails, when the new guest is below the VMI's guest at boot
//   (status.memory.guestAtBoot) or above its maxGuest;
// - pkg/liveupdate/memory/memory.go ValidateLiveUpdateMemory: guest and maxGuest must be whole
//   2 MiB blocks (HotplugBlockAlignmentBytes; 1 GiB with 1Gi hugepages), guest at least 1 GiB
//   (requiredMinGuestMemory), guest ≤ maxGuest, architecture amd64;
// - pkg/virt-handler/vm.go: a VMI with a PVC that is not ReadWriteMany is not migratable
//   ("PVC … is not shared, live migration requires that all PVCs must be shared").
import type { K8sObject } from '../cluster/k8s-object.js';
import { quantityValue } from '../model/quantity.js';

const MIB2 = 2 * 2 ** 20;
const GIB = 2 ** 30;

/**
 * Why a running VM cannot take `next` guest memory live, or undefined when LiveUpdate hot-plugs it.
 * `vmi` and `claims` (the VM's DataVolumes and PVCs) are what deploy read; absent, the
 * conservative answer: without the guest at boot, any decrease needs a restart.
 */
export function memoryRestartReason(
  vm: K8sObject,
  before: unknown,
  next: unknown,
  maxGuest: number,
  vmi: K8sObject | undefined,
  claims: K8sObject[],
): string | undefined {
  const want = quantityValue(next);
  if (want === undefined) return 'guest memory removed';
  const spec = vm.spec?.template?.spec ?? {};
  const block = spec.domain?.memory?.hugepages?.pageSize === '1Gi' ? GIB : MIB2;
  const atBoot = quantityValue(vmi?.status?.memory?.guestAtBoot) ?? quantityValue(before);
  if (atBoot !== undefined && want < atBoot)
    return `guest memory below what the VM started with (${String(vmi?.status?.memory?.guestAtBoot ?? before)})`;
  if (want > maxGuest) return 'guest memory above its maxGuest';
  if (want % block !== 0) return `guest memory not a whole number of ${block === GIB ? '1Gi' : '2Mi'} blocks`;
  if (maxGuest % block !== 0) return `maxGuest not a whole number of ${block === GIB ? '1Gi' : '2Mi'} blocks`;
  if (want < GIB) return 'memory hot-plug needs at least 1Gi of guest memory';
  if ((spec.architecture ?? 'amd64') !== 'amd64') return 'memory hot-plug is for amd64 VMs only';
  const blocker = notMigratable(vm, vmi, claims);
  if (blocker) return `memory hot-plug needs a VM that can live-migrate (${blocker})`;
  return undefined;
}

/** The VMI's LiveMigratable=False, else a volume's claim that is not ReadWriteMany. */
function notMigratable(vm: K8sObject, vmi: K8sObject | undefined, claims: K8sObject[]): string | undefined {
  const cond = (vmi?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'LiveMigratable');
  if (cond) return cond.status === 'False' ? cond.reason || 'LiveMigratable is False' : undefined;
  for (const v of vm.spec?.template?.spec?.volumes ?? []) {
    const name: string | undefined = v.dataVolume?.name ?? v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const pvc = claims.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === name);
    const dv = claims.find((o) => o.kind === 'DataVolume' && o.metadata.name === name);
    const modes: string[] | undefined =
      pvc?.spec?.accessModes ?? dv?.spec?.storage?.accessModes ?? dv?.spec?.pvc?.accessModes;
    if (modes?.length && !modes.includes('ReadWriteMany')) return `${name} is ${modes.join(', ')}`;
  }
  return undefined;
}
