// Turns settings into the concrete instances to create: names, NICs, addresses (pure).
import { usageError } from '../errors.js';
import type { GoldenImage, NetworkSettings, Settings } from '../config/settings.js';
import { formatAddress, instanceAddress, parseAddress, parseSubnet, type Subnet } from './addresses.js';
import { assertDnsLabel, cloudInitSecretName, instanceName, instanceNadName } from '../model/names.js';
import { DEFAULT_MAC_RANGE, ovnDerivedMac, parseMacRange, planMac, type MacRange } from './mac-range.js';

/** How an attached network reaches the VM. */
export type NetworkKind =
  | 'pod' //     pod network, masquerade, no NAD
  | 'static' //  v-auto plans a static address: one NAD per instance (ipam.mode nad), or one shared NAD (cloud-init), or none (localnet, udn)
  | 'dhcp' //    v-auto creates one shared NAD with empty IPAM
  | 'existing'; // a network that exists already (a NAD, a localnet, the namespace's UDN); v-auto never creates or deletes it

export interface PlannedNetwork {
  /** Catalog name; also the interface/network name in the VM spec. */
  name: string;
  kind: NetworkKind;
  settings: NetworkSettings;
  subnet?: Subnet;
  /** Static networks: instance i gets network address + offset + (i - 1). */
  offset?: number;
  /** `ipam.reserved`, as inclusive ranges: taken by hand, never planned. */
  reserved?: { from: bigint; to: bigint; text: string }[];
  gateway?: string;
  dns: string[];
}

export interface PlannedAddress {
  ip: string;
  /** `ip` as a number, for comparisons. */
  value: bigint;
  prefixLength: number;
  /** `10.215.100.101/24` */
  cidr: string;
  netmask: string;
  gateway?: string;
}

export interface PlannedNic {
  network: PlannedNetwork;
  /** The name asked for in the catalog (`guest_interface`): the guest's network-config sets it. */
  setName?: string;
  /** Guest NIC name for templates: `setName`, else a guess (`enp<k>s0` for the k-th interface), which images that name NICs otherwise (eth0) do not have. */
  guestInterface: string;
  /**
   * The NIC's MAC, planned from `mac_range`, or the live VM's when it already has one (see
   * mac-range.ts, mac-addresses.ts). On a primary UDN, the one OVN-Kubernetes derives from the
   * planned address ('' without one), which the VM does not request (`platformMac`).
   */
  mac: string;
  /** The platform assigns this NIC's MAC (a primary UDN): the VM asks for none. */
  platformMac?: true;
  /** NAD this NIC attaches to (`name` or `namespace/name`); absent on the pod network. */
  nadRef?: string;
  /** Name of the per-instance NAD v-auto creates (static networks only). */
  ownNad?: string;
  address?: PlannedAddress;
}

export interface Instance {
  name: string;
  index: number;
  nics: PlannedNic[];
}

export interface Plan {
  settings: Settings;
  networks: PlannedNetwork[];
  instances: Instance[];
  /** Shared NADs v-auto creates (DHCP networks, static networks of ipam.mode cloud-init). */
  sharedNads: PlannedNetwork[];
  /** The golden image v-auto makes in the namespace for this spec (`image: NAME`), if any. */
  golden?: GoldenImage;
  /** What the address checks could not see (a spec they left out, namespaces they could not read): warned about. */
  uncheckedAddresses?: string[];
}

export interface PlanOptions {
  /** Keep only this instance. */
  target?: string;
}

/** Plans every instance of the spec (or only `target`); throws exit-2 errors naming the instance. */
export function planInstances(settings: Settings, options: PlanOptions = {}): Plan {
  assertDnsLabel(settings.namespace, 'namespace');
  const networks = settings.attach.length
    ? settings.attach.map((name) => planNetwork(name, settings.catalog[name], settings.offsets[name]))
    : [{ name: 'default', kind: 'pod' as const, settings: { type: 'pod' as const, cni_type: '' }, dns: [] }];
  if (networks.filter(onPodNetwork).length > 1)
    throw usageError(
      'only one pod network can be attached',
      "a udn entry is the VM's pod network too (the namespace's primary network): attach it or type: pod, not both",
    );

  const macs = parseMacRange(settings.mac_range ?? DEFAULT_MAC_RANGE, 'mac_range');
  const all = Array.from({ length: settings.replicas }, (_, i) =>
    planInstance(settings, networks, macs, i + 1),
  );
  const golden = 'golden' in settings.image ? settings.image.golden : undefined;
  const plan: Plan = {
    settings,
    networks,
    instances: all,
    sharedNads: networks.filter(hasSharedNad),
    ...(golden && { golden }),
  };
  return options.target === undefined ? plan : selectTarget(plan, options.target);
}

/** The plan of `target` alone, out of a plan of every instance (planned once: --target still needs every address). */
export function selectTarget(plan: Plan, target: string): Plan {
  const all = plan.instances;
  const instances = all.filter((i) => i.name === target);
  if (!instances.length) {
    const names =
      all.length > 6
        ? `${all
            .slice(0, 3)
            .map((i) => i.name)
            .join(', ')} … ${all[all.length - 1].name}`
        : all.map((i) => i.name).join(', ');
    throw usageError(
      `--target ${target}: no such instance in ${plan.settings.project}/${plan.settings.spec}`,
      `instances: ${names}`,
    );
  }
  return { ...plan, instances };
}

/** A network whose one NAD, without IPAM, every instance shares: DHCP, or a static network whose address only the guest's config holds. */
export function hasSharedNad(n: PlannedNetwork): boolean {
  if (n.settings.type !== undefined) return false; // OVN-Kubernetes owns localnet and UDN NADs
  return n.kind === 'dhcp' || (n.kind === 'static' && n.settings.ipam?.mode === 'cloud-init');
}

/**
 * Whether the guest's own network configuration carries the network's planned address: every static
 * network but the UDN, whose address OVN-Kubernetes gives the guest by DHCP (the l2bridge binding)
 * once the addresses annotation requested it.
 */
export function addressInGuestConfig(n: PlannedNetwork): boolean {
  return n.kind === 'static' && n.settings.type !== 'udn';
}

/**
 * Whether the network is the VM's pod network: `type: pod` (masquerade), or `type: udn`, the
 * namespace's primary user-defined network, which a VM reaches through its pod network with the
 * l2bridge binding (openshift/openshift-docs@10f82ddc modules/virt-attaching-vm-to-primary-udn.adoc).
 */
export function onPodNetwork(n: PlannedNetwork): boolean {
  return n.kind === 'pod' || n.settings.type === 'udn';
}

function planNetwork(name: string, s: NetworkSettings, offset?: number): PlannedNetwork {
  if (s.type === 'pod') return { name, kind: 'pod', settings: s, dns: [] };
  const where = `${s.origin ? `${s.origin}: ` : ''}networks.${name}`;
  if (!s.ipam) return { name, kind: s.bridge && !s.type ? 'dhcp' : 'existing', settings: s, dns: [] };
  const subnet = parseSubnet(s.ipam.range, `${where}.ipam.range`);
  if (subnet.prefixLength >= 31) {
    // Not "the broadcast address": a /31 (RFC 3021) has none; it simply has no room between the two.
    throw usageError(
      `${where}.ipam.range: ${s.ipam.range} has no host address for an instance`,
      'a /31 or /32 holds only two addresses or one, and v-auto gives each instance an address between the network address and the last one: use a /30 or larger',
    );
  }
  let gateway: string | undefined;
  if (s.ipam.gateway !== undefined) {
    const gw = parseAddress(s.ipam.gateway, `${where}.ipam.gateway`);
    if (gw <= subnet.network || gw >= subnet.broadcast) {
      throw usageError(`${where}.ipam.gateway: ${s.ipam.gateway} is not a host address of ${s.ipam.range}`);
    }
    gateway = formatAddress(gw);
  }
  s.ipam.dns.forEach((d, i) => parseAddress(d, `${where}.ipam.dns[${i}]`));
  const reserved = s.ipam.reserved.map((text, i) => {
    const at = `${where}.ipam.reserved[${i}]`;
    const [from, to = from] = text.split('-').map((part) => parseAddress(part.trim(), at));
    if (to < from)
      throw usageError(
        `${at}: "${text}" ends before it starts`,
        'write a range low-high, like 10.215.100.160-10.215.100.170',
      );
    if (from <= subnet.network || to >= subnet.broadcast)
      throw usageError(`${at}: "${text}" is not within the host addresses of ${s.ipam!.range}`);
    return { from, to, text };
  });
  return {
    name,
    kind: 'static',
    settings: s,
    subnet,
    offset: offset ?? s.ipam.offset,
    reserved,
    gateway,
    dns: s.ipam.dns,
  };
}

/**
 * What to change when an instance's address does not fit: past the range, the largest offset that
 * fits every replica (instance i has network + offset + i − 1, below the broadcast address), or, when
 * none does, how many instances the range holds.
 */
function offsetHint(network: PlannedNetwork, subnet: Subnet, pastRange: boolean, replicas: number): string {
  if (!pastRange) return 'lower replicas or the ipam offset, or use a larger range';
  const range = network.settings.ipam!.range;
  const largest = Number(subnet.broadcast - subnet.network) - replicas;
  if (largest < 1) {
    const room = Number(subnet.broadcast - subnet.network) - 1;
    return `${range} has room for ${room} instance${room === 1 ? '' : 's'}: lower replicas to ${room}, or use a larger range`;
  }
  return `the largest offset that fits ${replicas} instance${replicas === 1 ? '' : 's'} in ${range} is ${largest}: give it as networks: [{name: ${network.name}, offset: N}] in the spec (or ipam.offset in the catalog), or lower replicas, or use a larger range`;
}

function planInstance(
  settings: Settings,
  networks: PlannedNetwork[],
  macs: MacRange,
  index: number,
): Instance {
  const name = instanceName(settings.name_prefix, index);
  assertDnsLabel(name, 'instance name');
  // The longest name v-auto derives from an instance must fit too.
  assertDnsLabel(cloudInitSecretName(name), `secret name of ${name}`);
  const nics = networks.map((network, k): PlannedNic => {
    const setName = network.settings.guest_interface;
    const guestInterface = setName ?? `enp${k + 1}s0`;
    // A primary UDN's MAC is OVN-Kubernetes' (from the address, below): requesting one holds only where
    // the cluster enables preconfigured UDN addresses (ovn-kubernetes@8871cd9c
    // go-controller/pkg/util/multi_network.go IsPreconfiguredUDNAddressesEnabled), and elsewhere
    // the guest's MAC would not be its OVN port's.
    const udn = network.settings.type === 'udn';
    const mac = udn ? '' : planMac(macs, settings.namespace, name, network.name);
    const nic: PlannedNic = {
      network,
      guestInterface,
      mac,
      ...(udn ? { platformMac: true as const } : {}),
      ...(setName ? { setName } : {}),
    };
    if (network.kind === 'pod') return nic;
    // The UDN is the pod network: its VM network names no NAD.
    const nadName = udn ? undefined : (network.settings.nad_name as string);
    if (network.kind !== 'static') return { ...nic, ...(nadName ? { nadRef: nadName } : {}) };
    const ownNad =
      hasSharedNad(network) || network.settings.type ? undefined : instanceNadName(name, nadName!);
    if (ownNad) assertDnsLabel(ownNad, `network attachment name of ${name}`);
    const subnet = network.subnet as Subnet;
    const gateway = network.gateway === undefined ? undefined : parseAddress(network.gateway, '');
    const result = instanceAddress(subnet, network.offset!, index, gateway);
    if ('error' in result) {
      throw usageError(
        `${name}: address on network ${network.name} ${result.error} (${network.settings.ipam!.range}, offset ${network.offset})`,
        offsetHint(network, subnet, result.pastRange, settings.replicas),
      );
    }
    const ip = formatAddress(result.address);
    // A reserved address collides rather than being skipped: a reservation added later must never
    // move the address of an instance that is already running.
    const taken = network.reserved!.find((r) => result.address >= r.from && result.address <= r.to);
    if (taken) {
      throw usageError(
        `${name}: address on network ${network.name} ${ip} is reserved (ipam.reserved: ${taken.text})`,
        `start past it with an offset (networks: [{name: ${network.name}, offset: ${Number(taken.to - subnet.network + 1n)}}] in the spec), or lower replicas`,
      );
    }
    // The guests would send their DNS queries to this instance (the gateway is refused in instanceAddress).
    if (network.dns.some((d) => parseAddress(d, '') === result.address)) {
      throw usageError(
        `${name}: address on network ${network.name} ${ip} is a DNS server (ipam.dns) (${network.settings.ipam!.range}, offset ${network.offset})`,
        `start past it with an offset (networks: [{name: ${network.name}, offset: N}] in the spec), or lower replicas, or correct ipam.dns`,
      );
    }
    return {
      ...nic,
      ...(udn ? { mac: ovnDerivedMac(result.address) } : {}),
      ...(ownNad || nadName ? { nadRef: ownNad ?? nadName } : {}),
      ...(ownNad ? { ownNad } : {}),
      address: {
        ip,
        value: result.address,
        prefixLength: subnet.prefixLength,
        cidr: `${ip}/${subnet.prefixLength}`,
        netmask: subnet.netmask,
        gateway: network.gateway,
      },
    };
  });
  return { name, index, nics };
}
