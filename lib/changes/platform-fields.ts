// Fields the platform owns on a VirtualMachine, carried from the live object into an update so that
// an apply never drops them (pure).
//
// What the platform writes into a VM that v-auto never renders (read at the commits named):
// - kubemacpool, k8snetworkplumbingwg/kubemacpool@3f1a718 pkg/webhook/virtualmachine/virtualmachine.go
//   and pkg/pool-manager/virtualmachine_pool.go: on create, every masquerade/bridge/slirp interface
//   without `macAddress` gets one from the pool; on update an interface without a MAC keeps the
//   stored MAC of the interface with the same name, and the annotation
//   `kubemacpool.io/transaction-timestamp` (pkg/pool-manager/pool.go) is renewed.
// - KubeVirt's VM mutator, kubevirt/kubevirt@75581da (v1.6.6)
//   pkg/virt-api/webhooks/mutating-webhook/mutators/vm-mutator.go and pkg/defaults/defaults.go
//   (SetVirtualMachineDefaults): it replaces /spec and /metadata with the re-marshalled Go object
//   (quantities come back canonical), sets `spec.template.spec.domain.machine.type`,
//   `spec.template.spec.architecture`, the instancetype/preference `kind`, and on create
//   `spec.template.spec.domain.firmware.uuid`/`serial` and the PCI topology annotation on the
//   template. The instancetype controller sets `spec.instancetype.revisionName` and
//   `spec.preference.revisionName` (kubevirt#10145).
// - The API server: status, resourceVersion, uid, generation, managedFields, creationTimestamp;
//   kubectl: the last-applied annotation. CDI: DataVolume defaults and annotations.
// The plan compares only the paths v-auto renders (field-diff.ts), so none of these is a
// difference. Most survive an apply as they are: client-side apply merges maps and leaves fields it
// never set alone. Lists do not: a JSON merge patch (what kubectl sends for a CRD) replaces the
// whole `interfaces` list, so the MACs are carried over here, by interface name.

import type { K8sObject } from '../cluster/k8s-object.js';
import type { Manifest } from '../render/render-manifests.js';

interface Iface {
  name?: string;
  macAddress?: string;
}

/** `desired` with each interface's live MAC (same name) filled in where v-auto renders none. */
export function withPlatformFields(desired: Manifest, live: K8sObject | undefined): Manifest {
  if (desired.kind !== 'VirtualMachine' || !live) return desired;
  const liveIfaces: Iface[] = live.spec?.template?.spec?.domain?.devices?.interfaces ?? [];
  const spec = desired.spec as { template?: { spec?: { domain?: { devices?: { interfaces?: Iface[] } } } } } | undefined;
  const ifaces = spec?.template?.spec?.domain?.devices?.interfaces;
  if (!ifaces?.length || !liveIfaces.some((i) => i.macAddress)) return desired;
  const copy = structuredClone(desired);
  const target = (copy.spec as typeof spec)!.template!.spec!.domain!.devices!.interfaces!;
  for (const iface of target) {
    const mac = liveIfaces.find((l) => l.name === iface.name)?.macAddress;
    if (mac && !iface.macAddress) iface.macAddress = mac;
  }
  return copy;
}
