// The OVN-Kubernetes networks a plan attaches, checked against the NADs the namespace holds before anything is sent (pure).
import { usageError, type VAutoError } from '../errors.js';
import { parseAddress, parseSubnet } from './addresses.js';
import { requestedAddresses, type LiveObject } from './live-address-conflicts.js';
import { PRIMARY_UDN_NAMESPACE_LABEL } from '../model/names.js';
import { isSpecs } from '../model/ownership.js';
import type { Plan, PlannedNetwork } from './plan-instances.js';

/**
 * The fields of the CNI config OVN-Kubernetes writes into the NADs it generates
 * (ovn-kubernetes/ovn-kubernetes@8871cd9c go-controller/pkg/clustermanager/userdefinednetwork/template/
 * net-attach-def-template.go renderCNINetworkConfig): comma-separated CIDR lists, `vlanID` only when set.
 */
interface OvnNetConf {
  type?: string;
  topology?: string;
  role?: string;
  subnets?: string;
  excludeSubnets?: string;
  infrastructureSubnets?: string;
  allowPersistentIPs?: boolean;
  physicalNetworkName?: string;
  vlanID?: number;
}

function netConf(nad: LiveObject): OvnNetConf {
  try {
    return JSON.parse(nad.spec?.config ?? '{}') as OvnNetConf;
  } catch {
    return {};
  }
}

const cidrs = (list: string | undefined) =>
  (list ?? '').split(',').filter((c) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c.trim()));

function inAny(address: bigint, list: string | undefined): string | undefined {
  return cidrs(list).find((c) => {
    const s = parseSubnet(c.trim(), c);
    return address >= s.network && address <= s.broadcast;
  });
}

/** What the namespace looks like to deploy: whether it exists, and its labels when they could be read. */
export interface NamespaceView {
  exists: boolean | undefined;
  labels?: Record<string, string>;
}

/** Whether the plan needs the namespace's labels to explain a missing primary network. */
export function needsNamespaceLabels(plan: Plan, live: readonly LiveObject[]): boolean {
  return plan.networks.some((n) => n.settings.type === 'udn') && !primaryNad(live);
}

/**
 * The namespace's primary network: the NAD whose config says role primary, as KubeVirt's IPAM
 * extensions find it (kubevirt/ipam-extensions@edb24dec pkg/udn/primary_network.go FindPrimaryNetwork).
 */
function primaryNad(live: readonly LiveObject[]): LiveObject | undefined {
  return live.find((o) => o.kind === 'NetworkAttachmentDefinition' && netConf(o).role === 'primary');
}

/**
 * Every problem with the localnet and UDN entries a plan attaches, as one exit-2 error (undefined
 * when there is none). A localnet's NAD must exist (OVN-Kubernetes makes it; v-auto never does) and
 * be the localnet the entry describes. A UDN address must be one OVN-Kubernetes will give: the
 * namespace has a primary layer2 network that keeps addresses (an address request is only read for
 * a network with allowPersistentIPs: kubevirt/ipam-extensions@edb24dec
 * pkg/ipamclaimswebhook/podmutator.go findPrimaryUDNInterface; only for layer2:
 * ovn-kubernetes/ovn-kubernetes@8871cd9c go-controller/pkg/allocator/pod/pod_annotation.go
 * validateStaticIPRequest), within its subnets and outside its excluded and infrastructure ranges
 * (else the allocator fails the launcher pod: pkg/allocator/ip/allocator.go Allocate, ErrNotInRange).
 * A namespace v-auto is about to create has no NADs yet: it gets the label, and OVN makes them.
 */
export function platformNetworkProblems(
  plan: Plan,
  live: readonly LiveObject[],
  namespace: NamespaceView,
): VAutoError | undefined {
  const ns = plan.settings.namespace;
  const nads = live.filter((o) => o.kind === 'NetworkAttachmentDefinition');
  const problems: string[] = [];
  const hints: string[] = [];
  for (const net of plan.networks) {
    if (net.settings.type === 'localnet') {
      const found = nads.find((o) => o.metadata.name === net.settings.nad_name);
      if (!found) {
        const there = nads.map((o) => o.metadata.name).sort();
        problems.push(
          `network ${net.name}: NetworkAttachmentDefinition ${net.settings.nad_name} does not exist in namespace ${ns}${namespace.exists === false ? ' (the namespace does not exist yet)' : ''}; networks there: ${there.length ? there.join(', ') : 'none'}`,
        );
        hints.push(
          `OVN-Kubernetes makes a localnet's NAD in each namespace its ClusterUserDefinedNetwork selects, named after it: ask for namespace ${ns} to be selected${namespace.exists === false ? ' (create the namespace first)' : ''}, or correct nad_name`,
        );
      } else {
        const mismatches = localnetMismatches(net, found);
        problems.push(...mismatches);
        if (mismatches.length) hints.push(`correct network ${net.name}'s settings, or nad_name`);
      }
    }
    if (net.settings.type === 'udn') {
      const addresses = plan.instances.flatMap((i) =>
        i.nics
          .filter((n) => n.network === net && n.address)
          .map((n) => ({ instance: i.name, ip: n.address!.ip })),
      );
      const primary = primaryNad(live);
      if (!primary) {
        if (namespace.exists === false) continue; // created with the label below
        const unlabeled =
          namespace.labels !== undefined && !(PRIMARY_UDN_NAMESPACE_LABEL in namespace.labels);
        problems.push(
          unlabeled
            ? `network ${net.name}: namespace ${ns} exists without the label ${PRIMARY_UDN_NAMESPACE_LABEL}, so it can have no primary user-defined network`
            : `network ${net.name}: namespace ${ns} has no primary user-defined network (no NetworkAttachmentDefinition with role primary)`,
        );
        hints.push(
          unlabeled
            ? `the label can only be given when a namespace is created (OVN-Kubernetes refuses adding it later): set namespace: to a new one in the spec, which deploy creates with the label`
            : `OVN-Kubernetes makes the primary NAD from a UserDefinedNetwork in namespace ${ns} or a ClusterUserDefinedNetwork selecting it: ask for one`,
        );
        continue;
      }
      if (!addresses.length) continue;
      // KubeVirt's IPAMClaim <vm>.<interface> keeps a deployed VM's first address for the VM's life, and
      // OVN-Kubernetes refuses a request the claim does not hold ("the pod references an ipam claim with
      // IPs not containing the requested IP": pod_annotation.go validateStaticIPRequest).
      for (const { instance, ip } of addresses) {
        const vm = live.find((o) => o.kind === 'VirtualMachine' && o.metadata.name === instance);
        const held = vm && isSpecs(vm.metadata.labels, plan.settings) ? requestedAddresses(vm) : [];
        if (held.length && !held.includes(ip)) {
          problems.push(
            `${instance}: its address on network ${net.name} would change from ${held.join(', ')} to ${ip}, but its IPAMClaim ${instance}.${net.name} keeps ${held.join(', ')}: OVN-Kubernetes would refuse to start the VM again`,
          );
          hints.push(
            `keep the deployed addresses (the network's range, offset and reserved as they were), or run "v-auto ${plan.settings.project} ${plan.settings.spec} delete --target ${instance}" and deploy again`,
          );
        }
      }
      const conf = netConf(primary);
      const where = `network ${net.name}: the primary network of namespace ${ns} (NetworkAttachmentDefinition ${primary.metadata.name})`;
      if (conf.topology !== 'layer2') {
        problems.push(
          `${where} has topology ${conf.topology ?? 'unknown'}: OVN-Kubernetes honours an address request only on a layer2 network`,
        );
        continue;
      }
      if (conf.allowPersistentIPs !== true)
        problems.push(
          `${where} does not keep addresses (its ipam.lifecycle is not Persistent): KubeVirt ignores the address request, and the VMs would get any address`,
        );
      for (const { instance, ip } of addresses) {
        const value = parseAddress(ip, ip);
        const subnets = cidrs(conf.subnets);
        const outside = !inAny(value, conf.subnets);
        const excluded = inAny(value, conf.excludeSubnets) ?? inAny(value, conf.infrastructureSubnets);
        if (outside)
          problems.push(
            `${instance}: address ${ip} on network ${net.name} is outside the subnets of ${ns}'s primary network (${subnets.join(', ') || 'none'})`,
          );
        else if (excluded)
          problems.push(
            `${instance}: address ${ip} on network ${net.name} is in ${excluded}, which ${ns}'s primary network keeps from workloads`,
          );
      }
      if (problems.length)
        hints.push(
          `make ipam.range, offset and reserved of network ${net.name} match the UserDefinedNetwork's subnets`,
        );
    }
  }
  if (!problems.length) return undefined;
  const more =
    problems.length > 1
      ? `\n${problems
          .slice(1)
          .map((p) => `  also: ${p}`)
          .join('\n')}`
      : '';
  return usageError(`${problems[0]}${more}`, hints[0]);
}

/** A localnet entry's physical_network and vlan against the NAD OVN made (say what differs). */
function localnetMismatches(net: PlannedNetwork, nad: LiveObject): string[] {
  const conf = netConf(nad);
  const at = `network ${net.name}: NetworkAttachmentDefinition ${nad.metadata.name}`;
  if (conf.type !== 'ovn-k8s-cni-overlay' || conf.topology !== 'localnet')
    return [
      `${at} is not an OVN-Kubernetes localnet (type ${conf.type ?? 'unknown'}, topology ${conf.topology ?? 'none'}): use type: localnet only for one`,
    ];
  const out: string[] = [];
  const s = net.settings;
  if (s.physical_network !== undefined && conf.physicalNetworkName !== s.physical_network)
    out.push(
      `${at} is on physical network ${conf.physicalNetworkName ?? '(none)'}, not ${s.physical_network} as physical_network says`,
    );
  if (s.vlan !== undefined && conf.vlanID !== s.vlan)
    out.push(`${at} is on VLAN ${conf.vlanID ?? '(untagged)'}, not ${s.vlan} as vlan says`);
  return out;
}
