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
// Which guest NIC is which: not by MAC, which kubemacpool assigns only when the VM is created. By
// name, from the interface order: KubeVirt gives the domain one virtio NIC per entry of
// spec.domain.devices.interfaces, in that order, and libvirt places network interfaces before
// disks, each on the next free PCI slot (libvirt/libvirt@b8b6abbc src/qemu/qemu_domain_address.c,
// qemuDomainAssignDevicePCISlots); on KubeVirt's q35 machine every slot is its own PCIe root port,
// so the k-th NIC is bus k and systemd's predictable name is `enp<k>s0`. `guest_interface` in the
// catalog entry overrides the name for images that name NICs otherwise (eth0 with net.ifnames=0).
import { usageError } from '../errors.js';
import { addressInGuestConfig, type Instance, type Plan } from '../plan/plan-instances.js';
import { templateStrings, templateVariables } from './template-variables.js';
import { dumpYaml } from './yaml-dump.js';

/** One `ethernets` entry of network-config v2. */
export interface EthernetV2 {
  dhcp4?: true;
  addresses?: string[];
  routes?: { to: string; via: string }[];
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

/**
 * Every attached network on its guest NIC: a static one with its address and prefix, its DNS
 * servers and MTU; the first static network with a gateway also carries the default route (one
 * default route: the guest could not choose between several). DHCP, pod and existing networks ask
 * DHCP, as the image would have for its first NIC without any network-config.
 */
export function networkConfig(plan: Plan, instance: Instance): NetworkConfigV2 {
  const ethernets: Record<string, EthernetV2> = {};
  let defaultRoute = false;
  for (const nic of instance.nics) {
    if (Object.hasOwn(ethernets, nic.guestInterface)) {
      throw usageError(
        `${instance.name}: two attached networks use the guest interface ${nic.guestInterface}`,
        'give each catalog entry its own guest_interface, or set generate_network_data: false and write network_data',
      );
    }
    const entry: EthernetV2 = {};
    const a = addressInGuestConfig(nic.network) ? nic.address : undefined;
    if (a) {
      entry.addresses = [a.cidr];
      if (a.gateway && !defaultRoute) {
        entry.routes = [{ to: '0.0.0.0/0', via: a.gateway }];
        defaultRoute = true;
      }
      if (nic.network.dns.length) entry.nameservers = { addresses: [...nic.network.dns] };
    } else {
      entry.dhcp4 = true;
    }
    if (nic.network.settings.mtu !== undefined) entry.mtu = nic.network.settings.mtu;
    ethernets[nic.guestInterface] = entry;
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
