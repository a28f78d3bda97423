// The guest inside a VMI, as far as v-auto's promises reach it: what its NICs are called, and which
// address its cloud-init network-config gives each of them.
//
// NIC names: RHEL and CentOS cloud/KVM images boot with net.ifnames=0 and call the k-th NIC eth<k-1>
// (Fedora's change proposal Changes/EnableConsistentDeviceNamingCloud: "RHEL currently uses
// net.ifnames=0"); other images use systemd's predictable names, enp<k>s0 on KubeVirt's q35 machine,
// where each NIC sits on its own PCIe root port in interface order. The image is told by the root
// disk's source (a URL, registry or DataSource name, following a clone to its source once).
//
// Addresses: cloud-init applies an `ethernets` entry to the NIC whose MAC it matches, or, without
// `match`, to the NIC of the entry's name (cloud-init doc/rtd/reference/network-config-format-v2.rst);
// a network-config that is no YAML is dropped whole. A NIC no entry reaches has no static address.
//
// Only at an instance's first boot: the guest keeps the network-config its disk first booted with.
// KubeVirt's NoCloud instance-id is the VM's firmware UUID, stable across restarts
// (kubevirt/kubevirt@d923fdb8 pkg/cloud-init/cloud-init.go cloudInitUUIDFromVMI;
// pkg/virt-controller/watch/vm/firmware.go CalculateLegacyUUID), and cloud-init's NoCloud applies
// network config on boot-new-instance only (canonical/cloud-init@04eacd06 cloudinit/sources/__init__.py
// default_update_events; cloudinit/stages.py apply_network_config). cloud-init keeps that state on
// the root disk, so a disk imported again is a new instance.
import { parse } from 'yaml';
import type { Obj, ObjectStore } from './store.js';

export type NameScheme = 'eth' | 'predictable';

/** How the guest of `vmi` names its NICs, from the image its root disk came from. */
export function nameScheme(store: ObjectStore, vmi: Obj): NameScheme {
  const ns = vmi.metadata.namespace;
  const dvName = (vmi.spec?.volumes ?? []).find((v: Obj) => v.dataVolume)?.dataVolume?.name;
  let dv = dvName ? store.get('DataVolume', ns, dvName) : undefined;
  const source = (d: Obj | undefined) => JSON.stringify([d?.spec?.source ?? {}, d?.spec?.sourceRef ?? {}]);
  let text = source(dv);
  const pvc = dv?.spec?.source?.pvc;
  if (pvc?.name) {
    dv = store.get('DataVolume', pvc.namespace ?? ns, pvc.name);
    text += source(dv);
  }
  return /rhel|centos/i.test(text) ? 'eth' : 'predictable';
}

/** The name the guest gives its `index`-th NIC (0-based). */
export function guestNicName(scheme: NameScheme, index: number): string {
  return scheme === 'eth' ? `eth${index}` : `enp${index + 1}s0`;
}

/** The network-config each root disk first booted with (base64, '' for none), per simulator. */
const firstBoot = new WeakMap<ObjectStore, Map<string, string>>();

/** The network-config the guest of `vmi` applied: its Secret's at the first boot of its root disk. */
function appliedNetworkConfig(store: ObjectStore, vmi: Obj): string {
  const ns = vmi.metadata.namespace;
  const volume = (vmi.spec?.volumes ?? []).find((v: Obj) => v.cloudInitNoCloud?.networkDataSecretRef);
  const secret = volume && store.get('Secret', ns, volume.cloudInitNoCloud.networkDataSecretRef.name);
  const now: string = secret?.data?.networkdata ?? '';
  const dvName = (vmi.spec?.volumes ?? []).find((v: Obj) => v.dataVolume)?.dataVolume?.name;
  const disk =
    dvName && (store.get('DataVolume', ns, dvName) ?? store.get('PersistentVolumeClaim', ns, dvName));
  if (!disk?.metadata?.uid) return now;
  const seen = firstBoot.get(store) ?? new Map<string, string>();
  firstBoot.set(store, seen);
  const key = `${ns}/${dvName}/${disk.metadata.uid}`;
  if (!seen.has(key)) seen.set(key, now);
  return seen.get(key)!;
}

/** The address the guest's network-config gives the NIC (`iface` of the VMI, at `index`), if any. */
export function guestAddress(store: ObjectStore, vmi: Obj, iface: Obj, index: number): string | undefined {
  const text = appliedNetworkConfig(store, vmi);
  if (!text) return undefined;
  let config: Obj;
  try {
    config = parse(Buffer.from(text, 'base64').toString('utf8')) ?? {};
  } catch {
    return undefined; // cloud-init drops a network-config it cannot read
  }
  const mac = String(iface.macAddress ?? '').toLowerCase();
  const name = guestNicName(nameScheme(store, vmi), index);
  const entry = Object.entries((config.ethernets ?? {}) as Record<string, Obj>).find(([id, e]) =>
    e?.match ? Boolean(mac) && String(e.match.macaddress ?? '').toLowerCase() === mac : id === name,
  )?.[1];
  const address = entry?.addresses?.[0];
  return typeof address === 'string' ? address.split('/')[0] : undefined;
}
