// Planned addresses against what the namespace already holds: NAD static IPAM and VMI interface IPs (pure).
import { usageError, type VAutoError } from '../errors.js';
import type { Plan } from './plan-instances.js';
import { instanceLabel, isSpecs, managingSpec } from '../model/ownership.js';
import { addressesByNetwork } from '../model/vm-facts.js';
import { segmentKeys } from './address-conflicts.js';
import { UDN_ADDRESSES_ANNOTATION } from '../model/names.js';

/** A VM's or VMI's network: a Multus NAD (`name` or `namespace/name`), or the pod network. */
interface LiveNetwork {
  name: string;
  multus?: { networkName?: string };
  pod?: object;
}

/** The parts of a live object this check reads (a NetworkAttachmentDefinition, a VirtualMachine or its instance). */
export interface LiveObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    config?: string;
    networks?: LiveNetwork[];
    template?: { metadata?: { annotations?: Record<string, string> }; spec?: { networks?: LiveNetwork[] } };
  };
  status?: { interfaces?: { name?: string; ipAddress?: string; ipAddresses?: string[] }[] };
}

/** The warning when v-auto's objects in other namespaces could not be listed (RBAC). */
export const EVERYWHERE_UNREAD =
  "this user may not list v-auto's VMs, VMIs and NADs in every namespace: planned addresses were checked against this namespace only (an instance in another namespace on the same network may hold one)";

/** The plan with warnings about what the address checks could not see. */
export function withUnchecked(plan: Plan, warnings: readonly string[]): Plan {
  return warnings.length
    ? { ...plan, uncheckedAddresses: [...(plan.uncheckedAddresses ?? []), ...warnings] }
    : plan;
}

export interface LiveAddressConflict {
  address: string;
  network: string;
  instance: string;
  /** `NetworkAttachmentDefinition api-01-lan` */
  heldBy: string;
  /** `demo/api api-01` when v-auto manages the holder. */
  owner?: string;
}

type Ipam = { type?: string; addresses?: { address?: string }[] };
/** The CNI config of a NAD: a single plugin config, or a conflist with `plugins`. */
type CniConfig = { bridge?: string; vlan?: number; ipam?: Ipam; plugins?: CniConfig[] };

function cniConfig(nad: LiveObject): CniConfig {
  try {
    const config = JSON.parse(nad.spec?.config ?? '{}') as unknown;
    return config && typeof config === 'object' ? (config as CniConfig) : {};
  } catch {
    return {}; // a config that is not JSON holds no address we can read
  }
}

/** The addresses a live object holds: a NAD's static IPAM addresses, or a VMI's reported interface IPs. */
export function liveAddresses(o: LiveObject): string[] {
  if (o.kind === 'NetworkAttachmentDefinition') {
    const config = cniConfig(o);
    return [config.ipam, ...(config.plugins ?? []).map((p) => p.ipam)]
      .filter((ipam): ipam is Ipam => ipam?.type === 'static')
      .flatMap((ipam) =>
        (ipam.addresses ?? []).map((a) => String(a.address ?? '').split('/')[0]).filter(Boolean),
      );
  }
  if (o.kind === 'VirtualMachineInstance') return Object.values(addressesByNetwork(undefined, o)).flat();
  // A VM's UDN address request holds its address while it is stopped too: KubeVirt's IPAM claim keeps it.
  if (o.kind === 'VirtualMachine') return requestedAddresses(o);
  return [];
}

/** The addresses a VM asks for on its primary UDN (its template's `network.kubevirt.io/addresses`). */
export function requestedAddresses(vm: LiveObject): string[] {
  const text = vm.spec?.template?.metadata?.annotations?.[UDN_ADDRESSES_ANNOTATION];
  if (!text) return [];
  try {
    const byInterface = JSON.parse(text) as Record<string, unknown>;
    return Object.values(byInterface)
      .flatMap((v) => (Array.isArray(v) ? v : []))
      .filter((a): a is string => typeof a === 'string')
      .map((a) => a.split('/')[0]);
  } catch {
    return []; // KubeVirt cannot read it either: it asks for nothing
  }
}

/**
 * Whether the plan claims an address that its own instance's objects in the namespace (its NAD,
 * VM or VMI, by v-auto's labels) do not hold yet: a new instance or a moved address. Only then can
 * it take an address from someone else, and objects in other namespaces are worth reading.
 */
export function claimsNewAddresses(plan: Plan, live: readonly LiveObject[]): boolean {
  const held = new Set<string>();
  for (const o of live) {
    if (!isSpecs(o.metadata.labels, plan.settings)) continue;
    const instance = o.kind === 'VirtualMachineInstance' ? o.metadata.name : instanceLabel(o.metadata.labels);
    for (const address of liveAddresses(o)) held.add(`${instance} ${address}`);
  }
  return plan.instances.some((i) => i.nics.some((n) => n.address && !held.has(`${i.name} ${n.address.ip}`)));
}

/**
 * Every planned address that a live object holds while not being the instance that plans it
 * (this instance's own NAD or VMI, known by v-auto's labels, is no conflict). Linear: one map of
 * the planned addresses, one pass over the live objects.
 */
export function findLiveAddressConflicts(
  plan: Plan,
  live: readonly LiveObject[],
  elsewhere: readonly LiveObject[] = [],
): LiveAddressConflict[] {
  const planned = new Map<string, { instance: string; network: string; nad?: string; segment: string[] }>();
  const { namespace } = plan.settings;
  for (const instance of plan.instances) {
    for (const nic of instance.nics)
      if (nic.address)
        planned.set(nic.address.ip, {
          instance: instance.name,
          network: nic.network.name,
          nad: nic.ownNad,
          segment: segmentKeys(namespace, nic.network),
        });
  }
  const conflicts: LiveAddressConflict[] = [];
  // Another namespace's holder (an instance left behind by a `namespace:` change, a surplus of
  // another project) collides only on the same segment, by the workspace check's rule; even this
  // spec's own instance of the same name there is another VM.
  for (const held of heldElsewhere(namespace, elsewhere)) {
    const mine = planned.get(held.address);
    if (!mine || !mine.segment.some((k) => held.segment.includes(k))) continue;
    const { o } = held;
    conflicts.push({
      address: held.address,
      instance: mine.instance,
      network: mine.network,
      heldBy: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
      owner: managingSpec(o.metadata.labels, o.metadata.name),
    });
  }
  for (const o of live) {
    const { labels } = o.metadata;
    const holderInstance = o.kind === 'VirtualMachineInstance' ? o.metadata.name : instanceLabel(labels);
    for (const address of new Set(liveAddresses(o))) {
      const planned1 = planned.get(address);
      if (!planned1) continue;
      const { nad, segment: _segment, ...mine } = planned1;
      // The object this instance itself renders (its NAD, its VMI): whose it is, and whether it may
      // be taken over, is the change plan's decision, not an address conflict.
      const sameObject =
        o.kind === 'VirtualMachineInstance' || o.kind === 'VirtualMachine'
          ? o.metadata.name === mine.instance
          : o.metadata.name === nad;
      const self = isSpecs(labels, plan.settings) && holderInstance === mine.instance;
      if (sameObject || self) continue;
      const owner = managingSpec(labels, o.metadata.name);
      conflicts.push({ address, ...mine, heldBy: `${o.kind} ${o.metadata.name}`, owner });
    }
  }
  return conflicts;
}

/**
 * The addresses objects outside `namespace` hold, each with the segment keys of the network it is
 * on (segmentKeys, as the workspace check decides "one segment"): a NAD's bridge and VLAN from its
 * CNI config; a VMI interface's network through its Multus NAD (a bridge NAD read beside it, else
 * the localnet NAD OVN-Kubernetes names after the network) or the namespace's primary UDN; a VM's
 * UDN address request, on that namespace's UDN.
 */
function heldElsewhere(
  namespace: string,
  objects: readonly LiveObject[],
): { o: LiveObject & { metadata: { namespace: string } }; address: string; segment: string[] }[] {
  const others = objects.filter(
    (o): o is LiveObject & { metadata: { namespace: string } } =>
      o.metadata.namespace !== undefined && o.metadata.namespace !== namespace,
  );
  const key = (o: LiveObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const nads = new Map(
    others.filter((o) => o.kind === 'NetworkAttachmentDefinition').map((o) => [key(o), o]),
  );
  const vms = new Map(others.filter((o) => o.kind === 'VirtualMachine').map((o) => [key(o), o]));
  const bridgeKeys = (nad: LiveObject) => {
    const config = cniConfig(nad);
    const plugin = [config, ...(config.plugins ?? [])].find((p) => p.bridge !== undefined);
    return plugin
      ? segmentKeys(nad.metadata.namespace!, {
          settings: { bridge: plugin.bridge, vlan: plugin.vlan, nad_name: nad.metadata.name },
        })
      : [];
  };
  const held = [];
  for (const o of others) {
    const ns = o.metadata.namespace;
    const udn = segmentKeys(ns, { settings: { type: 'udn' } });
    if (o.kind === 'NetworkAttachmentDefinition') {
      const segment = bridgeKeys(o);
      for (const address of liveAddresses(o)) held.push({ o, address, segment });
    } else if (o.kind === 'VirtualMachine') {
      for (const address of requestedAddresses(o)) held.push({ o, address, segment: udn });
    } else if (o.kind === 'VirtualMachineInstance') {
      const networks = vms.get(key(o))?.spec?.template?.spec?.networks ?? o.spec?.networks ?? [];
      for (const [name, addresses] of Object.entries(addressesByNetwork(undefined, o))) {
        const network = networks.find((n) => n.name === name);
        const ref = network?.multus?.networkName;
        let segment: string[] = [];
        if (network?.pod) segment = udn;
        else if (ref) {
          const [nadNs, nadName] = ref.includes('/') ? ref.split('/', 2) : [ns, ref];
          const nad = nads.get(`${nadNs}/${nadName}`);
          segment = nad
            ? bridgeKeys(nad)
            : segmentKeys(nadNs, { settings: { type: 'localnet', nad_name: nadName } });
        }
        for (const address of addresses) held.push({ o, address, segment });
      }
    }
  }
  return held;
}

/** `10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition api-01-lan (demo/api api-01)` */
export function describeLiveConflict(plan: Plan, c: LiveAddressConflict): string {
  return `${c.address} on ${c.network}: planned for ${plan.settings.project}/${plan.settings.spec} ${c.instance}, held by ${c.heldBy}${c.owner ? ` (${c.owner})` : ''}`;
}

/** The exit-2 error deploy gives before applying anything when the namespace already holds a planned address. */
export function liveConflictError(plan: Plan, conflicts: readonly LiveAddressConflict[]): VAutoError {
  const lines = conflicts.map((c) => describeLiveConflict(plan, c));
  const more =
    lines.length > 1
      ? `\n${lines
          .slice(1)
          .map((l) => `  also: ${l}`)
          .join('\n')}`
      : '';
  return usageError(
    `address already in use: ${lines[0]}${more}`,
    'move this spec past it with an offset ({name: NETWORK, offset: N} in its networks list) or list it in ipam.reserved; or remove what holds it',
  );
}
