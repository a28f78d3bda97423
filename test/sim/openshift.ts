// The OpenShift Virtualization profile: the admission webhooks that rewrite every VirtualMachine written
// (kubemacpool, KubeVirt's VM mutator) and the LiveUpdate rollout settings its controllers use.
//
// Sources read (cite these when changing what is modelled):
// - kubemacpool, k8snetworkplumbingwg/kubemacpool@3f1a718518500585f5c6aa49c5b9adbe26012f94:
//   pkg/webhook/virtualmachine/virtualmachine.go
//     * mutateCreateVirtualMachinesFn: sets the annotation kubemacpool.io/transaction-timestamp
//       (time.RFC3339Nano, pkg/pool-manager/transaction.go) and allocates MACs.
//     * mutateUpdateVirtualMachinesFn: renews the timestamp when isVirtualMachineChanged, i.e. the
//       request's spec differs from the stored one (reflect.DeepEqual of the whole spec) or its labels
//       or annotations (other than the timestamp) do; only when the interfaces differ does it call
//       UpdateMacAddressesForVirtualMachine. An update that changes nothing writes no timestamp.
//   pkg/pool-manager/virtualmachine_pool.go
//     * AllocateVirtualMachineMac (create): every interface that is masquerade, or whose network is
//       Multus (bridge on a NAD), and has no macAddress gets one from the pool. Slirp and other
//       pod-network bindings get none at this commit (the code tests Masquerade and Multus only).
//     * UpdateMacAddressesForVirtualMachine (update): an interface without macAddress whose name is
//       in the stored VM keeps the stored MAC; a new name gets one from the pool (any binding).
//   config/default/mutatevirtualmachines_opt_out_patch.yaml: the webhook's namespaceSelector skips
//     namespaces labelled mutatevirtualmachines.kubemacpool.io=ignore (OpenShift runs opt-out mode).
//   The MAC pool range is set per cluster by the network addons operator; 02:00:00:00:00:00 onwards
//   (a locally administered prefix) stands in for it here.
// - KubeVirt VM mutator, kubevirt/kubevirt v1.6.6 (75581da2192a3c4f9e0c48e7e37255ed2257780d):
//   pkg/virt-api/webhooks/mutating-webhook/mutators/vm-mutator.go Mutate replaces /spec and /metadata
//   with the Go object re-marshalled (so quantities come back canonical), after:
//     * on create, setFirmwareDefaultsIfEmpty: template.spec.domain.firmware.uuid and .serial (random
//       UUIDs) when empty;
//     * pkg/defaults/defaults.go SetVirtualMachineDefaults: spec.instancetype.kind defaults to
//       virtualmachineclusterinstancetype, spec.preference.kind to virtualmachineclusterpreference,
//       template.spec.architecture to the cluster default (amd64), template.spec.domain.machine.type
//       to the cluster default for that architecture (pkg/virt-config/virt-config.go
//       DefaultAMD64MachineType = "q35", unless the KubeVirt CR's architectureConfiguration names
//       one; a preference's preferredMachineType is not modelled). OpenShift Virtualization's
//       operator sets the CR's amd64 machineType from its MACHINETYPE / AMD64_MACHINETYPE
//       environment (kubevirt/hyperconverged-cluster-operator@03da3cff7325b28b4a7361a90bc921e184f875ef
//       controllers/handlers/kubevirt.go getAMD64ArchConfig), which Red Hat's build fills with a
//       RHEL machine type, so OpenShift stores `pc-q35-rhel9.x.0`; OPENSHIFT_MACHINE_TYPE stands in;
//     * on create, when defaults.SupportsPCIeHotplug (amd64 with a q35 machine), the template
//       annotation kubevirt.io/pci-topology-version: v3 (setDefaultPciTopologyVersion).
//   Canonical quantities here: template.spec.domain.memory.guest and .maxGuest,
//   template.spec.domain.resources.requests/limits, dataVolumeTemplates[].spec.{storage,pvc}
//   .resources.requests/limits.
import { policyDenied, webhookDenied } from './api-errors.js';
import { canonicalQuantity } from './quantity.js';
import type { Admission, DeleteAdmission } from './server.js';
import type { Obj, ObjectStore } from './store.js';

export type SimulatorProfile = 'openshift' | 'vanilla';

export const TRANSACTION_TIMESTAMP = 'kubemacpool.io/transaction-timestamp';
export const KUBEMACPOOL_OPT_OUT = 'mutatevirtualmachines.kubemacpool.io';
const PCI_TOPOLOGY = 'kubevirt.io/pci-topology-version';
/** The machine type an OpenShift cluster's VMs get (see above): a RHEL 9 one, not upstream's `q35`. */
export const OPENSHIFT_MACHINE_TYPE = 'pc-q35-rhel9.6.0';

/**
 * OpenShift Virtualization's VM delete protection (4.19): the SSP operator's ValidatingAdmissionPolicy
 * and binding, both `kubevirt-vm-deletion-protection`, deny a DELETE of a VirtualMachine whose label
 * kubevirt.io/vm-delete-protection matches ^(true|True)$, with the message "VirtualMachine NAME cannot be
 * deleted, remove delete protection" (kubevirt/ssp-operator@aa0a5ccddfd89eb93ba556f49150025fbfc3ac9a
 * internal/operands/vm-delete-protection/resources.go; the name in reconcile.go at 0ab684cd7ea4).
 */
export function deleteProtection(profile: SimulatorProfile): DeleteAdmission[] {
  if (profile === 'vanilla') return [];
  const policy = 'kubevirt-vm-deletion-protection';
  return [
    (rt, old) => {
      if (rt.kind !== 'VirtualMachine') return;
      if (!/^(true|True)$/.test(old.metadata?.labels?.['kubevirt.io/vm-delete-protection'] ?? '')) return;
      throw policyDenied(
        rt,
        old.metadata.name,
        policy,
        policy,
        `VirtualMachine ${old.metadata.name} cannot be deleted, remove delete protection`,
      );
    },
  ];
}

/** Admission steps per kind for a profile; other platform modules append theirs. */
export function profileAdmissions(
  profile: SimulatorProfile,
  store: ObjectStore,
  macPoolSize = 2 ** 32 - 1,
): Admission[] {
  if (profile === 'vanilla') return [];
  const macs = new MacPool(store, macPoolSize);
  return [
    (rt, obj, old) => {
      if (rt.kind === 'VirtualMachine') kubemacpool(store, macs, obj, old);
    },
    (rt, obj, old) => {
      if (rt.kind === 'VirtualMachine') kubevirtVmMutator(obj, old);
    },
  ];
}

/**
 * MACs in use across the cluster's VMs, each with the VM holding it (kept up to date from the store, not
 * rescanned), and the next one to hand out. As kubemacpool's pool manager
 * (k8snetworkplumbingwg/kubemacpool@3f1a718518500585f5c6aa49c5b9adbe26012f94):
 * - a deleted VM's MACs go back to the pool: its VM controller, finding the VM gone, calls
 *   ReleaseAllVirtualMachineMacs (pkg/controller/virtualmachine/virtualmachine_controller.go Reconcile,
 *   pkg/pool-manager/virtualmachine_pool.go);
 * - getFreeMac (pkg/pool-manager/pool.go) walks on from the MAC after the last one handed out to the end of the
 *   range, then once from its start, so a released MAC is handed out again only after the range wrapped;
 *   a range with none free is ErrFull, "the range is full", which the webhook returns as a 500 denial
 *   (pkg/webhook/virtualmachine/virtualmachine.go Handle).
 * The range here is 02:00:00:00:00:01 onwards, `size` MACs long.
 */
class MacPool {
  private next = 1;
  private readonly used = new Map<string, string>();
  constructor(
    store: ObjectStore,
    private readonly size: number,
  ) {
    store.onChange((kind, type, obj) => {
      if (kind !== 'VirtualMachine') return;
      const vm = `${obj.metadata.namespace}/${obj.metadata.name}`;
      for (const i of interfacesOf(obj)) {
        if (!i.macAddress) continue;
        const mac = String(i.macAddress).toLowerCase();
        if (type !== 'DELETED') this.used.set(mac, vm);
        else if (this.used.get(mac) === vm) this.used.delete(mac);
      }
    });
  }
  /** Gives back what allocate handed out, when the VM that asked is not stored after all (revertAllocationOnVm). */
  release(macs: string[]): void {
    for (const mac of macs) this.used.delete(mac);
  }
  allocate(vm: string): string {
    for (let tried = 0; tried < this.size; tried++) {
      const n = this.next;
      this.next = n >= this.size ? 1 : n + 1;
      const mac = `02:00:${[24, 16, 8, 0].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, '0')).join(':')}`;
      if (!this.used.has(mac)) {
        this.used.set(mac, vm);
        return mac;
      }
    }
    throw webhookDenied(
      'mutatevirtualmachines.kubemacpool.io',
      'Failed to create virtual machine allocation error: Failed to allocate mac to the vm object: the range is full',
      500,
    );
  }
}

function interfacesOf(vm: Obj): Obj[] {
  return vm.spec?.template?.spec?.domain?.devices?.interfaces ?? [];
}

const json = (v: unknown) => JSON.stringify(v ?? null);
const withoutTimestamp = (a: Record<string, string> | undefined) => {
  const { [TRANSACTION_TIMESTAMP]: _ts, ...rest } = a ?? {};
  return rest;
};

function kubemacpool(store: ObjectStore, macs: MacPool, vm: Obj, old: Obj | undefined): void {
  const ns = store.get('Namespace', undefined, vm.metadata.namespace);
  if (ns?.metadata?.labels?.[KUBEMACPOOL_OPT_OUT] === 'ignore') return;
  if (!vm.spec?.template) return;
  const stamp = () => {
    vm.metadata.annotations = {
      ...(vm.metadata.annotations ?? {}),
      [TRANSACTION_TIMESTAMP]: new Date().toISOString().replace('Z', '000000Z'),
    };
  };
  if (!old) {
    stamp();
    const networks = new Map<string, Obj>(
      (vm.spec.template.spec?.networks ?? []).map((n: Obj) => [n.name, n]),
    );
    const handedOut: string[] = [];
    try {
      for (const iface of interfacesOf(vm)) {
        if (!iface.masquerade && !networks.get(iface.name)?.multus) continue;
        if (!iface.macAddress)
          handedOut.push((iface.macAddress = macs.allocate(`${vm.metadata.namespace}/${vm.metadata.name}`)));
      }
    } catch (err) {
      // AllocateVirtualMachineMac reverts the VM's allocations when one of them fails.
      macs.release(handedOut);
      throw err;
    }
    return;
  }
  const changed =
    json(old.spec) !== json(vm.spec) ||
    json(old.metadata.labels ?? {}) !== json(vm.metadata.labels ?? {}) ||
    json(withoutTimestamp(old.metadata.annotations)) !== json(withoutTimestamp(vm.metadata.annotations));
  if (!changed) return;
  stamp();
  if (json(interfacesOf(old)) === json(interfacesOf(vm))) return;
  const stored = new Map<string, string>(interfacesOf(old).map((i) => [i.name, i.macAddress]));
  for (const iface of interfacesOf(vm)) {
    if (iface.macAddress) continue;
    iface.macAddress =
      stored.get(iface.name) || macs.allocate(`${vm.metadata.namespace}/${vm.metadata.name}`);
  }
}

function canonicalIn(map: Obj | undefined): void {
  if (!map) return;
  for (const [k, v] of Object.entries(map)) if (typeof v === 'string') map[k] = canonicalQuantity(v);
}

function kubevirtVmMutator(vm: Obj, old: Obj | undefined): void {
  const spec = vm.spec ?? {};
  if (spec.instancetype && !spec.instancetype.kind)
    spec.instancetype.kind = 'virtualmachineclusterinstancetype';
  if (spec.preference && !spec.preference.kind) spec.preference.kind = 'virtualmachineclusterpreference';
  const tmpl = spec.template;
  if (!tmpl) return;
  tmpl.spec = tmpl.spec ?? {};
  const domain = (tmpl.spec.domain = tmpl.spec.domain ?? {});
  if (!old) {
    domain.firmware = domain.firmware ?? {};
    domain.firmware.uuid = domain.firmware.uuid || crypto.randomUUID();
    domain.firmware.serial = domain.firmware.serial || crypto.randomUUID();
  }
  tmpl.spec.architecture = tmpl.spec.architecture || 'amd64';
  domain.machine = domain.machine ?? {};
  domain.machine.type = domain.machine.type || OPENSHIFT_MACHINE_TYPE;
  if (!old && tmpl.spec.architecture === 'amd64' && String(domain.machine.type).includes('q35')) {
    tmpl.metadata = tmpl.metadata ?? {};
    tmpl.metadata.annotations = { [PCI_TOPOLOGY]: 'v3', ...(tmpl.metadata.annotations ?? {}) };
  }
  if (domain.memory) {
    for (const k of ['guest', 'maxGuest'])
      if (typeof domain.memory[k] === 'string') domain.memory[k] = canonicalQuantity(domain.memory[k]);
  }
  canonicalIn(domain.resources?.requests);
  canonicalIn(domain.resources?.limits);
  for (const t of spec.dataVolumeTemplates ?? []) {
    for (const s of [t.spec?.storage, t.spec?.pvc]) {
      canonicalIn(s?.resources?.requests);
      canonicalIn(s?.resources?.limits);
    }
  }
}
