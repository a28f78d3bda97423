// The address ledger: every planned static address of some specs, and what the cluster says of each (pure).
import type { VAutoError } from '../errors.js';
import { parseAddress } from './addresses.js';
import { conflictsOf, describeConflict, type AddressConflict } from './address-conflicts.js';
import { findLiveAddressConflicts, type LiveObject } from './live-address-conflicts.js';
import { addressesByNetwork } from '../model/vm-facts.js';
import { liveMacsOf } from './mac-addresses.js';
import type { Plan } from './plan-instances.js';
import { isSpecs } from '../model/ownership.js';

/** One spec of the workspace as the workspace planner gives it: its plan, or the error that stopped its planning. */
export type WorkspaceSpec = { project: string; spec: string } & ({ plan: Plan } | { error: VAutoError });

/** What the cluster reports for one planned address. */
export type ClusterView =
  /** The instance's VMI reports the planned address on this network. */
  | { state: 'running'; ip: string }
  /** The instance's VMI reports other addresses on this network than the planned one. */
  | { state: 'other-ip'; ips: string[] }
  /** The instance's VMI runs but reports no address on this network (yet). */
  | { state: 'no-ip' }
  /** The instance's VM exists, without a VMI. */
  | { state: 'stopped' }
  | { state: 'not-deployed' }
  /** Something that is not this instance holds the address (a NAD's static IPAM, a VMI's IP, an object with the instance's name that is not this spec's). */
  | { state: 'held'; by: string; owner?: string };

export interface LedgerEntry {
  network: string;
  address: string;
  /** The NIC's MAC: the live VM's when it has one (a deployed VM keeps its MAC), else the planned one. */
  mac: string;
  project: string;
  spec: string;
  instance: string;
  namespace: string;
  /** undefined when the cluster was not read. */
  cluster?: ClusterView;
}

export interface AddressLedger {
  entries: LedgerEntry[];
  /** Specs that could not be planned, with their errors. */
  unplanned: { project: string; spec: string; message: string; hint?: string }[];
  /** The workspace conflicts that involve a listed spec, as `describeConflict` says them. */
  conflicts: string[];
}

/** The objects read from each namespace (VirtualMachine, VirtualMachineInstance, NetworkAttachmentDefinition). */
export type LiveByNamespace = ReadonlyMap<string, readonly LiveObject[]>;

/**
 * One entry per planned static address of `specs` (every spec of a project, or one), sorted by
 * network and address; `conflicts` are the workspace-wide ones (only those of listed specs are
 * kept). With `live`, each entry says what the cluster reports; a namespace absent from `live`
 * was not read, and its entries have no `cluster`.
 */
export function addressLedger(
  specs: readonly WorkspaceSpec[],
  conflicts: readonly AddressConflict[],
  live?: LiveByNamespace,
  target?: string,
): AddressLedger {
  const entries: LedgerEntry[] = [];
  const unplanned: AddressLedger['unplanned'] = [];
  const mine = new Set<AddressConflict>();
  for (const s of specs) {
    if ('error' in s) {
      unplanned.push({
        project: s.project,
        spec: s.spec,
        message: s.error.message,
        ...(s.error.hint ? { hint: s.error.hint } : {}),
      });
      continue;
    }
    for (const c of conflictsOf(conflicts, s.project, s.spec)) mine.add(c);
    const namespace = s.plan.settings.namespace;
    const objects = live?.get(namespace);
    const observe = objects ? clusterViews(s.plan, objects) : undefined;
    const liveMacs = liveMacsOf(objects ?? []);
    for (const instance of s.plan.instances) {
      if (target !== undefined && instance.name !== target) continue;
      for (const nic of instance.nics) {
        if (!nic.address) continue;
        const entry: LedgerEntry = {
          network: nic.network.name,
          address: nic.address.ip,
          mac: liveMacs.get(instance.name)?.get(nic.network.name) ?? nic.mac,
          project: s.project,
          spec: s.spec,
          instance: instance.name,
          namespace,
        };
        if (observe) entry.cluster = observe(instance.name, nic.network.name, nic.address.ip);
        entries.push(entry);
      }
    }
  }
  const value = (a: string) => parseAddress(a, a);
  entries.sort(
    (a, b) =>
      a.network.localeCompare(b.network) ||
      Number(value(a.address) - value(b.address)) ||
      a.project.localeCompare(b.project) ||
      a.spec.localeCompare(b.spec),
  );
  return { entries, unplanned, conflicts: [...mine].map(describeConflict) };
}

/** For one spec's plan, what its namespace's objects say of each planned address. */
function clusterViews(plan: Plan, live: readonly LiveObject[]) {
  // Held by another object: the same rule deploy refuses with.
  const held = new Map(findLiveAddressConflicts(plan, live).map((c) => [`${c.instance} ${c.address}`, c]));
  const byName = (kind: string) =>
    new Map(live.filter((o) => o.kind === kind).map((o) => [o.metadata.name, o]));
  const vmis = byName('VirtualMachineInstance');
  const vms = byName('VirtualMachine');
  const ours = (o: LiveObject) => isSpecs(o.metadata.labels, plan.settings);
  return (instance: string, network: string, address: string): ClusterView => {
    const taken = held.get(`${instance} ${address}`);
    if (taken) return { state: 'held', by: taken.heldBy, ...(taken.owner ? { owner: taken.owner } : {}) };
    const vmi = vmis.get(instance);
    const vm = vms.get(instance);
    // An object of the instance's name that is not this spec's: deploy would leave it alone (foreign).
    const foreign = [vmi, vm].find((o) => o && !ours(o));
    if (foreign)
      return { state: 'held', by: `${foreign.kind} ${foreign.metadata.name}`, owner: "not this spec's" };
    if (vmi) {
      // A VMI's interfaces are named after the VM's networks, which are the catalog names.
      const ips = addressesByNetwork(vm, vmi)[network] ?? [];
      if (ips.includes(address)) return { state: 'running', ip: address };
      return ips.length ? { state: 'other-ip', ips: [...new Set(ips)] } : { state: 'no-ip' };
    }
    return vm ? { state: 'stopped' } : { state: 'not-deployed' };
  };
}

/** `VMI 10.215.100.101`, `not deployed`, `held by NetworkAttachmentDefinition legacy-lan (demo/api api-01)`. */
export function describeClusterView(v: ClusterView): string {
  switch (v.state) {
    case 'running':
      return `VMI ${v.ip}`;
    case 'other-ip':
      return `VMI reports ${v.ips.join(', ')}, not the planned address`;
    case 'no-ip':
      return 'VMI reports no address yet';
    case 'stopped':
      return 'VM stopped (no VMI)';
    case 'not-deployed':
      return 'not deployed';
    case 'held':
      return `held by ${v.by}${v.owner ? ` (${v.owner})` : ''}`;
  }
}
