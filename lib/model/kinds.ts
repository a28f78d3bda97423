// The kinds v-auto manages, and the one order they are created and deleted in.

/**
 * Every kind v-auto manages, in the order they are deleted: VMs first so that their disks are
 * released, shared networks last. PVCs are not rendered: CDI makes one for each DataVolume.
 */
export const MANAGED_KINDS: string[] = [
  'VirtualMachine',
  // A golden image's DataSource goes before the DataVolume it names, and comes after it.
  'DataSource',
  'DataVolume',
  'PersistentVolumeClaim',
  'Secret',
  'NetworkAttachmentDefinition',
];

/** The kinds that hold a static address: a NAD's IPAM, a VM's template, a VMI's reported interfaces. */
export const ADDRESS_KINDS = ['NetworkAttachmentDefinition', 'VirtualMachine', 'VirtualMachineInstance'];

/** The kinds v-auto renders, in the order they are created: what a VM attaches exists before it. */
export const RENDERED_KINDS = [...MANAGED_KINDS].reverse().filter((k) => k !== 'PersistentVolumeClaim');

const rank = (order: readonly string[]) => (kind: string) => {
  const i = order.indexOf(kind);
  return i < 0 ? order.length : i;
};
const createRank = rank(RENDERED_KINDS);
const deleteRank = rank(MANAGED_KINDS);

/** Compares kinds for a stable sort into creation order (unknown kinds last). */
export const byCreateOrder = (a: { kind: string }, b: { kind: string }) =>
  createRank(a.kind) - createRank(b.kind);

/** Compares kinds for a stable sort into deletion order (unknown kinds last). */
export const byDeleteOrder = (a: { kind: string }, b: { kind: string }) =>
  deleteRank(a.kind) - deleteRank(b.kind);

/** DataVolumes and PVCs hold a VM's disk data: listed as such, kept by --keep-disks. */
export function isDiskKind(kind: string): boolean {
  return kind === 'DataVolume' || kind === 'PersistentVolumeClaim';
}
