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

import { lastApplied, type K8sObject } from '../cluster/k8s-object.js';
import type { Manifest } from '../render/render-manifests.js';

interface Iface {
  name?: string;
  macAddress?: string;
}

/**
 * `desired` with each interface's live MAC (same name) filled in where v-auto renders none, and the
 * instance type / preference `revisionName` the controller recorded: kept while the matcher names
 * the same object (left to the apply, or carried when an earlier rename sent it), cleared (null, so
 * the patch removes it) when the matcher names another one. KubeVirt's
 * VM mutator denies a renamed matcher that keeps its revisionName ("the Matcher Name has been
 * updated without updating the RevisionName": kubevirt/kubevirt@a771b994 (v1.6.5)
 * pkg/instancetype/webhooks/vm/mutator.go validateMatcherUpdate), and a client-side apply's merge
 * patch would keep it.
 */
export function withPlatformFields(desired: Manifest, live: K8sObject | undefined): Manifest {
  if (desired.kind !== 'VirtualMachine' || !live) return desired;
  return withRevisionNames(withMacs(desired, live), live);
}

function withRevisionNames(desired: Manifest, live: K8sObject): Manifest {
  const keys = (['instancetype', 'preference'] as const).filter(
    (k) => (desired.spec as any)?.[k] && live.spec?.[k]?.revisionName,
  );
  if (!keys.length) return desired;
  const copy = structuredClone(desired);
  const applied = lastApplied(live);
  for (const k of keys) {
    const want = (copy.spec as any)[k];
    const have = live.spec[k];
    if (want.name !== have.name || !sameKind(k, want.kind, have.kind)) want.revisionName = null;
    // A client-side apply leaves a field it never set alone; once a rename sent `null`, the
    // last-applied configuration holds the key, and the next apply would delete the new value.
    else if (applied?.spec?.[k] && 'revisionName' in applied.spec[k]) want.revisionName = have.revisionName;
  }
  return copy;
}

/**
 * KubeVirt reads a matcher's kind case-insensitively, singular or plural, empty meaning the cluster
 * kind, and its VM mutator writes the default lower case (pkg/instancetype/find/spec.go).
 */
function sameKind(key: 'instancetype' | 'preference', a: string | undefined, b: string | undefined): boolean {
  const norm = (kind: string | undefined) =>
    (kind || `VirtualMachineCluster${key === 'instancetype' ? 'Instancetype' : 'Preference'}`)
      .toLowerCase()
      .replace(/s$/, '');
  return norm(a) === norm(b);
}

function withMacs(desired: Manifest, live: K8sObject): Manifest {
  const liveIfaces: Iface[] = live.spec?.template?.spec?.domain?.devices?.interfaces ?? [];
  const spec = desired.spec as
    { template?: { spec?: { domain?: { devices?: { interfaces?: Iface[] } } } } } | undefined;
  const ifaces = spec?.template?.spec?.domain?.devices?.interfaces;
  const macOf = (name: string | undefined) => liveIfaces.find((l) => l.name === name)?.macAddress;
  // Copied only when an interface takes the live MAC: v-auto plans most MACs itself.
  if (!ifaces?.some((i) => !i.macAddress && macOf(i.name))) return desired;
  const copy = structuredClone(desired);
  const target = (copy.spec as typeof spec)!.template!.spec!.domain!.devices!.interfaces!;
  for (const iface of target) {
    const mac = macOf(iface.name);
    if (mac && !iface.macAddress) iface.macAddress = mac;
  }
  return copy;
}
