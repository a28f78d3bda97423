// Planned addresses against what the namespace already holds: NAD static IPAM and VMI interface IPs (pure).
import { usageError, type VAutoError } from '../errors.js';
import type { Plan } from './plan-instances.js';
import { instanceLabel, isSpecs, managingSpec } from '../model/ownership.js';
import { addressesByNetwork } from '../model/vm-facts.js';
import { UDN_ADDRESSES_ANNOTATION } from '../model/names.js';

/** The parts of a live object this check reads (a NetworkAttachmentDefinition, a VirtualMachine or its instance). */
export interface LiveObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { config?: string; template?: { metadata?: { annotations?: Record<string, string> } } };
  status?: { interfaces?: { name?: string; ipAddress?: string; ipAddresses?: string[] }[] };
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

/** The addresses a live object holds: a NAD's static IPAM addresses, or a VMI's reported interface IPs. */
export function liveAddresses(o: LiveObject): string[] {
  if (o.kind === 'NetworkAttachmentDefinition') {
    try {
      type Ipam = { type?: string; addresses?: { address?: string }[] };
      // A single plugin config, or a conflist with `plugins`.
      const config = JSON.parse(o.spec?.config ?? '{}') as { ipam?: Ipam; plugins?: { ipam?: Ipam }[] };
      return [config.ipam, ...(config.plugins ?? []).map((p) => p.ipam)]
        .filter((ipam): ipam is Ipam => ipam?.type === 'static')
        .flatMap((ipam) =>
          (ipam.addresses ?? []).map((a) => String(a.address ?? '').split('/')[0]).filter(Boolean),
        );
    } catch {
      return []; // a config that is not JSON holds no address we can read
    }
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
 * Every planned address that a live object holds while not being the instance that plans it
 * (this instance's own NAD or VMI, known by v-auto's labels, is no conflict). Linear: one map of
 * the planned addresses, one pass over the live objects.
 */
export function findLiveAddressConflicts(plan: Plan, live: readonly LiveObject[]): LiveAddressConflict[] {
  const planned = new Map<string, { instance: string; network: string; nad?: string }>();
  for (const instance of plan.instances) {
    for (const nic of instance.nics)
      if (nic.address)
        planned.set(nic.address.ip, { instance: instance.name, network: nic.network.name, nad: nic.ownNad });
  }
  const conflicts: LiveAddressConflict[] = [];
  for (const o of live) {
    const { labels } = o.metadata;
    const holderInstance = o.kind === 'VirtualMachineInstance' ? o.metadata.name : instanceLabel(labels);
    for (const address of new Set(liveAddresses(o))) {
      const planned1 = planned.get(address);
      if (!planned1) continue;
      const { nad, ...mine } = planned1;
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
