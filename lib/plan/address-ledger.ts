// The address ledger: every planned static address of some specs, and what the cluster says of each (pure).
import { byFoldedText, byText } from '../text-order.js';
import type { VAutoError } from '../errors.js';
import { parseAddress } from './addresses.js';
import { conflictsOf, describeConflict, type AddressConflict } from './address-conflicts.js';
import {
  findLiveAddressConflicts,
  liveAddresses,
  requestedAddresses,
  type LiveAddressConflict,
  type LiveObject,
} from './live-address-conflicts.js';
import { addressesByNetwork } from '../model/vm-facts.js';
import { liveMacsOf } from './mac-addresses.js';
import type { Plan } from './plan-instances.js';
import { instanceLabel, isSpecs } from '../model/ownership.js';
import { instanceNadName } from '../model/names.js';

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
  | { state: 'held'; by: string; owner?: string }
  /**
   * An instance of the spec that the plan no longer has keeps the address: a surplus one (replicas
   * lowered without --prune), or one left in a namespace the spec moved from. `running`: it has a VMI.
   */
  | { state: 'kept'; why: 'surplus' | 'moved'; running: boolean };

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
 * was not read, and its entries have no `cluster`. `everywhere`, v-auto's objects in every
 * namespace, adds what holds a planned address elsewhere on its segment, and the entries of
 * instances a listed spec's plan no longer has (state `kept`): their addresses stay taken.
 */
export function addressLedger(
  specs: readonly WorkspaceSpec[],
  conflicts: readonly AddressConflict[],
  live?: LiveByNamespace,
  target?: string,
  everywhere: readonly LiveObject[] = [],
): AddressLedger {
  // Every object read once, each with its namespace (a namespace's list may leave it out).
  const all = new Map<string, LiveObject>();
  for (const [namespace, objects] of live ?? [])
    for (const o of objects)
      all.set(`${o.kind} ${namespace}/${o.metadata.name}`, { ...o, metadata: { ...o.metadata, namespace } });
  for (const o of everywhere) all.set(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o);
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
    const observe = objects ? clusterViews(s.plan, objects, everywhere) : undefined;
    if (live) entries.push(...keptEntries(s.plan, [...all.values()], target));
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
      byText(a.network, b.network) ||
      Number(value(a.address) - value(b.address)) ||
      byFoldedText(a.project, b.project) ||
      byFoldedText(a.spec, b.spec) ||
      // One address twice (planned, and kept by an instance left elsewhere): the planned one first.
      Number(a.cluster?.state === 'kept') - Number(b.cluster?.state === 'kept'),
  );
  return { entries, unplanned, conflicts: [...mine].map(describeConflict) };
}

/**
 * The addresses that instances of the spec hold while its plan no longer has them: beyond its
 * replicas in its namespace (surplus), or in another namespace (left by a `namespace:` change).
 * One entry per static network of the plan and address, from the instance's VMI, its own NAD's
 * static IPAM and its VM's UDN address request.
 */
function keptEntries(plan: Plan, objects: readonly LiveObject[], target?: string): LedgerEntry[] {
  const { settings } = plan;
  const planned = new Set(plan.instances.map((i) => i.name));
  const byInstance = new Map<string, { namespace: string; instance: string; objects: LiveObject[] }>();
  for (const o of objects) {
    if (!isSpecs(o.metadata.labels, settings)) continue;
    const instance = o.kind === 'VirtualMachineInstance' ? o.metadata.name : instanceLabel(o.metadata.labels);
    const namespace = o.metadata.namespace ?? settings.namespace;
    if (instance === undefined || (namespace === settings.namespace && planned.has(instance))) continue;
    if (target !== undefined && instance !== target) continue;
    const key = `${namespace}/${instance}`;
    const group = byInstance.get(key) ?? { namespace, instance, objects: [] };
    group.objects.push(o);
    byInstance.set(key, group);
  }
  const entries: LedgerEntry[] = [];
  for (const { namespace, instance, objects: own } of byInstance.values()) {
    const vm = own.find((o) => o.kind === 'VirtualMachine');
    const vmi = own.find((o) => o.kind === 'VirtualMachineInstance');
    const fromVmi = addressesByNetwork(vm, vmi);
    const macs = liveMacsOf(own).get(instance);
    const cluster: ClusterView = {
      state: 'kept',
      why: namespace === settings.namespace ? 'surplus' : 'moved',
      running: vmi !== undefined,
    };
    for (const net of plan.networks.filter((n) => n.kind === 'static')) {
      const nad = own.find(
        (o) =>
          o.kind === 'NetworkAttachmentDefinition' &&
          net.settings.nad_name !== undefined &&
          o.metadata.name === instanceNadName(instance, net.settings.nad_name),
      );
      const addresses = new Set([
        ...(fromVmi[net.name] ?? []),
        ...(nad ? liveAddresses(nad) : []),
        ...(net.settings.type === 'udn' && vm ? requestedAddresses(vm) : []),
      ]);
      for (const address of addresses)
        entries.push({
          network: net.name,
          address,
          mac: macs?.get(net.name) ?? '',
          project: settings.project,
          spec: settings.spec,
          instance,
          namespace,
          cluster,
        });
    }
  }
  return entries;
}

/** For one spec's plan, what its namespace's objects (and v-auto's elsewhere) say of each planned address. */
function clusterViews(plan: Plan, live: readonly LiveObject[], elsewhere: readonly LiveObject[]) {
  // Held by another object: the same rule deploy refuses with.
  const held = new Map<string, LiveAddressConflict>();
  // The first holder of each, as deploy's error names it first.
  for (const c of findLiveAddressConflicts(plan, live, elsewhere)) {
    const key = `${c.instance} ${c.address}`;
    if (!held.has(key)) held.set(key, c);
  }
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
    case 'kept':
      return `${v.why === 'surplus' ? 'surplus, kept without --prune' : 'left in a namespace the spec moved from'}: ${v.running ? 'VMI runs' : 'VM stopped (no VMI)'}`;
  }
}
