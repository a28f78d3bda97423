// The guest's cloud-init network-config v2, written by v-auto when a static network is attached and the spec gives no network_data (pure).
//
// Format: cloud-init's "Networking config Version 2" (canonical/cloud-init@284c3ed0
// doc/rtd/reference/network-config-format-v2.rst; schema canonical/cloud-init@904c8d8d
// cloudinit/config/schemas/schema-network-config-v2.json, which takes `version: 2` at the top, as
// NoCloud's network-config does). Only the subset every renderer reads is used: `ethernets` keyed
// by interface name with no `match` ("It is valid to specify no match rules at all, in which case
// the ID field is simply the interface name to be matched"), `addresses`, `routes` (`to`/`via`:
// `gateway4` is deprecated), `nameservers.addresses`, `mtu`, `dhcp4`.
//
// Which guest NIC is which: by MAC (`match: {macaddress}`), which v-auto plans (plan/mac-range.ts),
// never by name: images name the same NIC enp1s0 (systemd's predictable names) or eth0 (RHEL and
// CentOS cloud images boot with net.ifnames=0), and a machine type moves PCI slots. The entry's ID
// is the catalog name; `set-name` only where the catalog asks for a name (`guest_interface`).
// cloud-init's own renderers (sysconfig, NetworkManager, networkd) name the device of an entry
// without set-name by looking its MAC up among the machine's NICs, the ID being only the fallback
// (canonical/cloud-init@04eacd06 cloudinit/net/network_state.py handle_ethernets, LP#1855945);
// netplan keeps the match as written.
//
// One default route, and it wins: when a static network has a gateway, its default route carries
// metric 50 and DHCP on the other NICs asks for route metric 200, so the static route wins whichever
// NIC comes up first (NetworkManager otherwise gives both its ethernet default, 100, and the kernel
// keeps the first). cloud-init writes a static route's metric for NetworkManager from 24.4 on
// (canonical/cloud-init d3b7e121, #5878) and a DHCP route-metric from 26.2 (8955c286, #6886).
import { usageError } from '../errors.js';
import { addressInGuestConfig, type Instance, type Plan } from '../plan/plan-instances.js';
import { templateStrings, templateVariables } from './template-variables.js';
import { dumpYaml } from './yaml-dump.js';

/** One `ethernets` entry of network-config v2. */
export interface EthernetV2 {
  match: { macaddress: string };
  'set-name'?: string;
  dhcp4?: true;
  'dhcp4-overrides'?: { 'route-metric': number };
  addresses?: string[];
  routes?: { to: string; via: string; metric: number }[];
  nameservers?: { addresses: string[] };
  mtu?: number;
}

export interface NetworkConfigV2 {
  version: 2;
  ethernets: Record<string, EthernetV2>;
}

/** Whether v-auto writes the guest's network-config: a static network is attached, no network_data given, not opted out. */
export function generatesNetworkData(plan: Plan): boolean {
  const s = plan.settings;
  return s.network_data === undefined && s.generate_network_data && plan.networks.some(addressInGuestConfig);
}

/** The metric of the static default route, and the one DHCP on other NICs asks for: the static one wins. */
export const STATIC_ROUTE_METRIC = 50;
export const DHCP_ROUTE_METRIC = 200;

/**
 * Every attached network on its guest NIC, matched by MAC: a static one with its address and
 * prefix, its DNS servers and MTU; the first static network with a gateway also carries the default
 * route (one default route: the guest could not choose between several). DHCP, pod and existing
 * networks ask DHCP, as the image would have for its first NIC without any network-config.
 */
export function networkConfig(plan: Plan, instance: Instance): NetworkConfigV2 {
  const ethernets: Record<string, EthernetV2> = {};
  const gatewayNic = instance.nics.find((nic) => addressInGuestConfig(nic.network) && nic.address?.gateway);
  const names = new Set<string>();
  for (const nic of instance.nics) {
    // A primary UDN without a planned address: its MAC is OVN-Kubernetes' choice, so no entry can match it.
    if (!nic.mac) continue;
    if (nic.setName !== undefined) {
      if (names.has(nic.setName))
        throw usageError(
          `${instance.name}: two attached networks use the guest interface ${nic.setName}`,
          'give each catalog entry its own guest_interface, or leave it out: the NICs are matched by MAC',
        );
      names.add(nic.setName);
    }
    const entry: EthernetV2 = {
      match: { macaddress: nic.mac },
      ...(nic.setName !== undefined ? { 'set-name': nic.setName } : {}),
    };
    const a = addressInGuestConfig(nic.network) ? nic.address : undefined;
    if (a) {
      entry.addresses = [a.cidr];
      if (nic === gatewayNic)
        entry.routes = [{ to: '0.0.0.0/0', via: a.gateway!, metric: STATIC_ROUTE_METRIC }];
      if (nic.network.dns.length) entry.nameservers = { addresses: [...nic.network.dns] };
    } else {
      entry.dhcp4 = true;
      if (gatewayNic) entry['dhcp4-overrides'] = { 'route-metric': DHCP_ROUTE_METRIC };
    }
    if (nic.network.settings.mtu !== undefined) entry.mtu = nic.network.settings.mtu;
    ethernets[nic.network.name] = entry;
  }
  return { version: 2, ethernets };
}

/** The text of the generated network-config, as the Secret's `networkdata` holds it. */
export function networkConfigText(plan: Plan, instance: Instance): string {
  return dumpYaml(networkConfig(plan, instance));
}

/**
 * A warning for each static network whose address reaches no guest configuration: v-auto writes
 * none (network_data given, or generate_network_data: false) and no cloud_init or network_data
 * template reads it (`interfaces`, or for the first static network `static_ip` / `ip`). A NAD's
 * static IPAM does not count: OpenShift does not support IPAM in a NAD for VMs.
 */
export function addressDeliveryWarnings(plan: Plan): string[] {
  if (generatesNetworkData(plan)) return [];
  const used = templatesRead(plan);
  const why =
    plan.settings.network_data === undefined ? 'generate_network_data is false' : 'network_data is given';
  return plan.networks
    .filter(addressInGuestConfig)
    .filter((_n, i) => !used.has('interfaces') && !(i === 0 && (used.has('static_ip') || used.has('ip'))))
    .map(
      (n) =>
        `network ${n.name}: no cloud-init configuration gives the guest its static address (${why}, and no cloud_init or network_data template uses ${n === plan.networks.find(addressInGuestConfig) ? 'static_ip, ip or ' : ''}interfaces): the VM boots without it`,
    );
}

/**
 * A warning for each attached network whose NAD v-auto writes with `cni_type: cnv-bridge`: the
 * OpenShift Virtualization 4.19, 4.20, 4.21 and 4.22 release notes list as a known issue that VMs
 * on cnv-bridge fail to live-migrate after an update from 4.12; the documented type is bridge.
 */
export function cniTypeWarnings(plan: Plan): string[] {
  return plan.networks
    .filter((n) => (n.kind === 'static' || n.kind === 'dhcp') && n.settings.cni_type === 'cnv-bridge')
    .map(
      (n) =>
        `network ${n.name}: cni_type cnv-bridge: VMs on cnv-bridge fail to live-migrate after an update from OpenShift 4.12 (a known issue in the 4.19–4.22 release notes); remove cni_type to use bridge, the documented type`,
    );
}

/**
 * A warning for each static network that asks for a guest name (set-name) and has DNS servers, in a
 * generated network-config: cloud-init 22.3 to 24.3 look the interface up by its current name for
 * its nameservers while it is registered under the set-name, and stop with a KeyError, leaving the
 * guest without its network configuration (found with cloud-init 22.4's net-convert; fixed in
 * canonical/cloud-init a8f69409e, #5674, in 24.4).
 */
export function setNameWarnings(plan: Plan): string[] {
  if (!generatesNetworkData(plan)) return [];
  return plan.networks
    .filter((n) => n.kind === 'static' && n.settings.guest_interface !== undefined && n.dns.length)
    .map(
      (n) =>
        `network ${n.name}: guest_interface with ipam.dns: cloud-init 22.3 to 24.3 fail on a renamed NIC with its own DNS servers (the guest then gets no network configuration); remove guest_interface (the NIC is matched by MAC) unless the image has cloud-init 24.4 or later`,
    );
}

/** The variables the spec's cloud_init and network_data templates read (a template that does not parse reads nothing here: compiling it reports the error). */
function templatesRead(plan: Plan): Set<string> {
  const s = plan.settings;
  const names = new Set<string>();
  for (const source of [...templateStrings(s.cloud_init), ...templateStrings(s.network_data)]) {
    try {
      for (const name of templateVariables(source)) names.add(name);
    } catch {
      // reported when compiled
    }
  }
  return names;
}
