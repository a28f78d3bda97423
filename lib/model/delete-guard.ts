// What a delete must leave standing: VMs under delete protection, and whatever a VM that stays still uses.
import type { K8sObject } from '../cluster/k8s-object.js';
import { isDeleteProtected } from './ownership.js';

export interface DeleteGuard {
  /** Protected VMs among those going; the delete is refused unless told to leave them. */
  protectedVms: string[];
  /** `Kind/name` of the objects to leave standing (the protected VMs, and what staying VMs use). */
  keep: Set<string>;
  /** Why each kept object stays, one entry per VM that keeps something. */
  standing: Standing[];
}

type ObjectRef = { kind: string; name: string };

/** Why objects stay through a delete, as data; the report says it in a sentence. */
export type Standing =
  /** A VM under delete protection (--skip-protected) stays, with what it uses. */
  | { code: 'delete-protected'; vm: string; uses: ObjectRef[] }
  /** A VM that stays uses these objects, which were to go. */
  | { code: 'in-use'; vm: string; objects: ObjectRef[] };

const key = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;

/**
 * Of `going`, what must stay: with `leaveProtected`, the VMs labelled for delete protection; and,
 * whoever owns it, every disk (DataVolume, PVC), Secret and network attachment that a VM staying
 * in the namespace names (a VM whose v-auto labels were removed by hand, a protected VM, a VM of
 * another spec). Deleting those would leave a VM that cannot start again.
 */
export function deleteGuard(going: K8sObject[], all: K8sObject[], leaveProtected: boolean): DeleteGuard {
  const protectedVms = going.filter(isDeleteProtected).map((o) => o.metadata.name);
  const goingKeys = new Set(going.map(key));
  if (protectedVms.length && !leaveProtected) return { protectedVms, keep: new Set(), standing: [] };
  const staying = all.filter(
    (o) =>
      o.kind === 'VirtualMachine' && (!goingKeys.has(key(o)) || (leaveProtected && isDeleteProtected(o))),
  );
  const keep = new Set<string>();
  const standing: Standing[] = [];
  for (const vm of staying) {
    const used = usedBy(vm).filter((k) => goingKeys.has(k));
    const self = goingKeys.has(key(vm));
    if (self) keep.add(key(vm));
    for (const k of used) keep.add(k);
    if (!self && !used.length) continue;
    const refs = used.map((k) => ({ kind: k.slice(0, k.indexOf('/')), name: k.slice(k.indexOf('/') + 1) }));
    const vmName = vm.metadata.name;
    standing.push(
      self
        ? { code: 'delete-protected', vm: vmName, uses: refs }
        : { code: 'in-use', vm: vmName, objects: refs },
    );
  }
  return { protectedVms, keep, standing };
}

/** `Kind/name` of every object a VM names: its volumes' DataVolumes and PVCs, Secrets, and NADs in its namespace. */
export function usedBy(vm: K8sObject): string[] {
  const spec = vm.spec?.template?.spec ?? {};
  const out = new Set<string>();
  for (const v of spec.volumes ?? []) {
    // A DataVolume's disk is the PVC of the same name, and a PVC volume may be a DataVolume's disk.
    const claim: string | undefined = v.dataVolume?.name ?? v.persistentVolumeClaim?.claimName;
    if (claim) for (const kind of ['DataVolume', 'PersistentVolumeClaim']) out.add(`${kind}/${claim}`);
    const init = v.cloudInitNoCloud ?? v.cloudInitConfigDrive;
    for (const ref of [
      init?.secretRef,
      init?.networkDataSecretRef,
      v.secret && { name: v.secret.secretName },
    ])
      if (ref?.name) out.add(`Secret/${ref.name}`);
  }
  for (const t of vm.spec?.dataVolumeTemplates ?? [])
    if (t.metadata?.name) out.add(`DataVolume/${t.metadata.name}`);
  for (const n of spec.networks ?? []) {
    const ref: string | undefined = n.multus?.networkName;
    if (!ref) continue;
    const [ns, name] = ref.includes('/') ? ref.split('/', 2) : [undefined, ref];
    if (ns === undefined || ns === vm.metadata.namespace)
      out.add(`NetworkAttachmentDefinition/${name.split('@')[0]}`);
  }
  return [...out];
}
