// Each instance's MAC address per network, planned from the spec's range (pure); mac-addresses.ts checks them.
//
// Why v-auto plans MACs: the guest's network-config matches each NIC by MAC (its name differs
// between images), so the MAC must be known when the cloud-init Secret is rendered, before the VM
// exists. kubemacpool keeps a MAC the VM asks for (k8snetworkplumbingwg/kubemacpool@3f1a7185
// pkg/pool-manager/virtualmachine_pool.go): allocateRequestedVirtualMachineInterfaceMac only parses
// it (net.ParseMAC), with no check against its own range, and since #582 (08d18ed1, "Remove
// inter-VM duplicate MAC blocking") it records a MAC another VM holds instead of refusing it, only
// counting the collision (collision_gauge.go, the KubemacpoolMACCollisionDetected alert); it
// refuses only one VM with the same MAC twice (checkIntraVMDuplicateMACs). On update
// (UpdateMacAddressesForVirtualMachine) an interface that asks for its current MAC keeps it. So
// v-auto checks duplicates itself, and plans outside the pool kubemacpool hands out from: the
// network addons operator draws that range at random as 02:XX:XX:00:00:00–02:XX:XX:FF:FF:FF
// (kubevirt/cluster-network-addons-operator@0a8045cb pkg/network/kubemacpool.go
// fillDefaultsKubeMacPool), so the default range here starts with another locally administered
// octet, 0a.
import { createHash } from 'node:crypto';
import { usageError } from '../errors.js';

/** The default `mac_range`: 2^32 locally administered unicast MACs, outside kubemacpool's default pool. */
export const DEFAULT_MAC_RANGE = '0a:76:00:00:00:00-0a:76:ff:ff:ff:ff';

export interface MacRange {
  start: bigint;
  end: bigint;
  text: string;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Parses `start-end` (kubemacpool's RANGE_START/RANGE_END as one value); `where` names it in errors. */
export function parseMacRange(text: string, where: string): MacRange {
  const [from, to, ...rest] = text.split('-').map((s) => s.trim());
  const example = `write it like ${DEFAULT_MAC_RANGE}`;
  if (rest.length || to === undefined || !MAC.test(from) || !MAC.test(to))
    throw usageError(`${where}: "${text}" is not a MAC range start-end`, example);
  const [start, end] = [macValue(from), macValue(to)];
  if (end < start) throw usageError(`${where}: "${text}" ends before it starts`, example);
  // The first octet's lowest bit marks a multicast address, which no NIC may have; a range within
  // one first octet never crosses into one.
  const first = (v: bigint) => Number(v >> 40n);
  if (first(start) !== first(end) || (first(start) & 1) === 1)
    throw usageError(
      `${where}: "${text}" holds multicast addresses`,
      `keep the first octet the same at both ends, and even (unicast); ${example}`,
    );
  return { start, end, text };
}

/**
 * The MAC of `instance`'s NIC on `network`: a hash of namespace, instance and network into the
 * range. Deterministic (the same on every run and machine, whatever else the workspace holds), so
 * inspect shows what deploy will ask for.
 */
export function planMac(range: MacRange, namespace: string, instance: string, network: string): string {
  const digest = createHash('sha256').update(`${namespace}/${instance}/${network}`).digest();
  const size = range.end - range.start + 1n;
  return formatMac(range.start + (digest.readBigUInt64BE(0) % size));
}

/**
 * The MAC OVN-Kubernetes gives a pod on a user-defined network that requests none: 0a:58 and the four
 * octets of its first IPv4 address (ovn-kubernetes/ovn-kubernetes@8871cd9c
 * go-controller/pkg/allocator/pod/pod_annotation.go, a MAC request or else util.IPAddrToHWAddr).
 * KubeVirt gives a tap-attached VM NIC that asks for no MAC its pod interface's
 * (kubevirt/kubevirt@d923fdb8 pkg/network/domainspec/generators.go discoverDomainIfaceSpec), and
 * kubemacpool assigns none to a binding interface on the pod network (virtualmachine_pool.go: only
 * masquerade and Multus): so the guest's NIC on a primary UDN has this MAC.
 */
export function ovnDerivedMac(ipv4: bigint): string {
  return formatMac((0x0a58n << 32n) | ipv4);
}

export function macValue(mac: string): bigint {
  return BigInt(`0x${mac.replace(/:/g, '')}`);
}

export function formatMac(value: bigint): string {
  return value.toString(16).padStart(12, '0').match(/../g)!.join(':');
}
