// Finds planned static addresses that two holders would share on one network segment (pure).
import { usageError, type VAutoError } from '../errors.js';
import { formatAddress, parseAddress } from './addresses.js';
import type { Plan, PlannedNetwork } from './plan-instances.js';

/** One spec's plan, as planned for the workspace-wide check. */
export interface SpecPlan {
  project: string;
  spec: string;
  plan: Plan;
}

/** Who holds an address: an instance of a spec, or a catalog entry's gateway or DNS server (`server`). */
export interface AddressHolder {
  project: string;
  spec: string;
  /** The instance, absent for a gateway or a DNS server. */
  instance?: string;
  /** For a holder that is no instance: what the catalog entry makes of the address. */
  server?: 'gateway' | 'dns';
  /** The catalog name of the network in that spec. */
  network: string;
  /** The first address of the holder's range (instances only): offsets count from it. */
  rangeStart?: bigint;
}

export interface AddressConflict {
  address: string;
  holders: [AddressHolder, AddressHolder, ...AddressHolder[]];
  /** The first address past every instance address planned on the segment. */
  nextFree: string;
}

/**
 * Two catalog entries are on one segment when they share a bridge and VLAN, or name the same NAD in
 * the same namespace; whatever their catalog names, in whichever project. The same range on another
 * VLAN is another segment. A localnet is one network in every namespace its ClusterUserDefinedNetwork
 * selects, and OVN-Kubernetes names its NAD after it there (net-attach-def-template.go, see rules.ts):
 * one NAD name is one segment across namespaces, and so is one physical network and VLAN. A primary
 * UDN is the namespace's own network.
 */
export function segmentKeys(
  namespace: string,
  network: {
    settings: Pick<PlannedNetwork['settings'], 'type' | 'nad_name' | 'physical_network' | 'vlan' | 'bridge'>;
  },
): string[] {
  const s = network.settings;
  if (s.type === 'udn') return [`udn ${namespace}`];
  if (s.type === 'localnet')
    return [
      `localnet ${s.nad_name}`,
      ...(s.physical_network !== undefined
        ? [`localnet physnet ${s.physical_network} vlan ${s.vlan ?? 'untagged'}`]
        : []),
    ];
  return [`bridge ${s.bridge ?? ''} vlan ${s.vlan ?? 'untagged'}`, `nad ${namespace}/${s.nad_name ?? ''}`];
}

/**
 * Every planned address of every spec checked against every other on the same segment: two
 * instances (of any specs, or one VM with two catalog entries on one segment), or an instance on
 * another entry's gateway. Linear in the number of addresses: one pass to join segments
 * (union-find over their keys), one pass filling a map keyed by segment and address.
 */
export function findAddressConflicts(specs: readonly SpecPlan[]): AddressConflict[] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    if (!parent.has(k)) return (void parent.set(k, k), k);
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let n = k, next; n !== root; n = next) [next] = [parent.get(n)!, parent.set(n, root)];
    return root;
  };
  const staticNetworks = (sp: SpecPlan) => sp.plan.networks.filter((n) => n.kind === 'static');
  for (const sp of specs) {
    for (const net of staticNetworks(sp)) {
      const [first, ...others] = segmentKeys(sp.plan.settings.namespace, net).map(find);
      for (const other of others) if (other !== first) parent.set(other, first);
    }
  }
  const segmentOf = (sp: SpecPlan, net: PlannedNetwork) =>
    find(segmentKeys(sp.plan.settings.namespace, net)[0]);

  const holders = new Map<string, AddressHolder[]>();
  const gateways = new Map<string, AddressHolder>();
  const highest = new Map<string, bigint>();
  const sameVm: AddressConflict[] = [];
  for (const sp of specs) {
    const { project, spec } = sp.plan.settings;
    for (const net of staticNetworks(sp)) {
      // An instance on a DNS server of another entry of the segment takes the guests' queries, as
      // one on its own network's DNS server would (refused while planning, as the gateway is).
      const servers = [
        ...(net.gateway !== undefined ? [{ address: net.gateway, server: 'gateway' as const }] : []),
        ...net.dns.map((address) => ({ address, server: 'dns' as const })),
      ];
      for (const { address, server } of servers) {
        const key = `${segmentOf(sp, net)} ${parseAddress(address, address)}`;
        if (!gateways.has(key)) gateways.set(key, { project, spec, network: net.name, server });
      }
    }
    const segments = new Map(staticNetworks(sp).map((net) => [net.name, segmentOf(sp, net)]));
    for (const instance of sp.plan.instances) {
      // One VM with the same address on two segments: the guest cannot route both.
      const own = new Map<string, { segment: string; network: string }>();
      for (const nic of instance.nics) {
        if (!nic.address) continue;
        const segment = segments.get(nic.network.name)!;
        const seen = own.get(nic.address.ip);
        if (seen && seen.segment !== segment) {
          const holder = (network: string) => ({
            project,
            spec,
            instance: instance.name,
            network,
            rangeStart: nic.network.subnet!.network,
          });
          sameVm.push({
            address: nic.address.ip,
            holders: [holder(seen.network), holder(nic.network.name)],
            nextFree: nic.address.ip,
          });
        }
        own.set(nic.address.ip, { segment, network: nic.network.name });
        const key = `${segment} ${nic.address.value}`;
        const holder = {
          project,
          spec,
          instance: instance.name,
          network: nic.network.name,
          rangeStart: nic.network.subnet!.network,
        };
        const list = holders.get(key);
        if (list) list.push(holder);
        else holders.set(key, [holder]);
        if (nic.address.value > (highest.get(segment) ?? -1n)) highest.set(segment, nic.address.value);
      }
    }
  }

  const conflicts: AddressConflict[] = sameVm;
  for (const [key, list] of holders) {
    const gateway = gateways.get(key);
    // A spec's own gateway is refused while planning it; another entry's gateway on the segment is caught here.
    const all =
      gateway &&
      !list.some(
        (h) => h.project === gateway.project && h.spec === gateway.spec && h.network === gateway.network,
      )
        ? [gateway, ...list]
        : list;
    if (all.length < 2) continue;
    const space = key.lastIndexOf(' ');
    const segment = key.slice(0, space);
    conflicts.push({
      address: formatAddress(BigInt(key.slice(space + 1))),
      holders: all as AddressConflict['holders'],
      nextFree: formatAddress(highest.get(segment)! + 1n),
    });
  }
  return conflicts.sort((a, b) => compareAddress(a.address, b.address));
}

function compareAddress(a: string, b: string): number {
  const [x, y] = [parseAddress(a, a), parseAddress(b, b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `demo/web web-01`, or `gateway of demo/web's lan`. */
export function describeHolder(h: AddressHolder): string {
  return h.instance
    ? `${h.project}/${h.spec} ${h.instance}`
    : `${h.server === 'dns' ? 'a DNS server' : 'the gateway'} of ${h.project}/${h.spec}'s network ${h.network}`;
}

/** `10.215.100.101 on lan: demo/web web-01 and demo/api api-01` (other catalog names in brackets). */
export function describeConflict(c: AddressConflict): string {
  const [first, ...rest] = c.holders;
  const others = rest.map(
    (h) => `${describeHolder(h)}${h.network !== first.network ? ` (network ${h.network})` : ''}`,
  );
  return `${c.address} on ${first.network}: ${[describeHolder(first), ...others].join(' and ')}`;
}

/** The conflicts that involve one spec. */
export function conflictsOf(
  conflicts: readonly AddressConflict[],
  project: string,
  spec: string,
): AddressConflict[] {
  return conflicts.filter((c) => c.holders.some((h) => h.project === project && h.spec === spec));
}

/**
 * The exit-2 error for a spec whose addresses conflict, naming both holders of each address; the
 * hint says how to move a spec past everything planned on the segment: this one, unless `deployed`
 * (what the cluster runs, when it was read) says this spec's instance runs and another holder's
 * does not: the one not deployed yet moves, never a running VM.
 */
export function addressConflictError(
  conflicts: readonly AddressConflict[],
  project: string,
  spec: string,
  deployed?: (holder: AddressHolder) => boolean,
): VAutoError {
  const lines = conflicts.map(describeConflict);
  const first = conflicts[0];
  const mine = first.holders.find((h) => h.project === project && h.spec === spec && h.instance)!;
  const sameVm =
    first.holders.filter((h) => h.instance === mine.instance && h.project === project && h.spec === spec)
      .length > 1;
  const newcomer =
    deployed?.(mine) &&
    first.holders.find((h) => h.instance && !(h.project === project && h.spec === spec) && !deployed(h));
  const mover = newcomer || mine;
  const offset = Number(parseAddress(first.nextFree, '') - mover.rangeStart!);
  const hint = sameVm
    ? `${mine.instance} attaches two catalog entries on one segment with the same addresses: give one of them another range or offset, or attach only one`
    : `${newcomer ? `${describeHolder(mine)} is deployed and ${describeHolder(newcomer)} is not yet: ` : ''}give ${mover.project}/${mover.spec} addresses of its own on this segment: in projects/${mover.project}/specs/${mover.spec}.yaml attach it as {name: ${mover.network}, offset: ${offset}} in the networks list (past every planned address), or use another range or VLAN`;
  const more =
    lines.length > 1
      ? `\n${lines
          .slice(1)
          .map((l) => `  also: ${l}`)
          .join('\n')}`
      : '';
  return usageError(`address conflict: ${lines[0]}${more}`, hint);
}
