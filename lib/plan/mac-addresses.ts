// The planned MACs checked: for duplicates across the workspace, and against what live VMs already have (pure).
// How a MAC is planned, and why v-auto plans them: mac-range.ts.
import { byText } from '../text-order.js';
import { usageError, type VAutoError } from '../errors.js';
import { macsByNetwork } from '../model/vm-facts.js';
import type { SpecPlan } from './address-conflicts.js';
import type { LiveObject } from './live-address-conflicts.js';
import type { Instance, Plan } from './plan-instances.js';

/** One MAC planned for two NICs of the workspace. */
export interface MacConflict {
  mac: string;
  holders: { project: string; spec: string; instance: string; network: string }[];
}

/** Every MAC planned more than once across the specs (of any namespace: kubemacpool counts collisions cluster-wide). */
export function findMacConflicts(specs: readonly SpecPlan[]): MacConflict[] {
  const byMac = new Map<string, MacConflict['holders']>();
  for (const { project, spec, plan } of specs)
    for (const instance of plan.instances)
      for (const nic of instance.nics.filter((n) => !n.platformMac)) {
        const holder = { project, spec, instance: instance.name, network: nic.network.name };
        const list = byMac.get(nic.mac);
        if (list) list.push(holder);
        else byMac.set(nic.mac, [holder]);
      }
  return [...byMac]
    .filter(([, holders]) => holders.length > 1)
    .map(([mac, holders]) => ({ mac, holders }))
    .sort((a, b) => byText(a.mac, b.mac));
}

/** `0a:76:…: demo/web web-01 (lan) and demo/api api-01 (lan)` */
export function describeMacConflict(c: MacConflict): string {
  return `${c.mac}: ${c.holders.map((h) => `${h.project}/${h.spec} ${h.instance} (${h.network})`).join(' and ')}`;
}

/** The exit-2 error for a spec one of whose planned MACs another NIC of the workspace also has. */
export function macConflictError(
  conflicts: readonly MacConflict[],
  project: string,
  spec: string,
): VAutoError {
  const [first, ...rest] = conflicts.map(describeMacConflict);
  return usageError(
    `MAC address conflict: ${first}${rest.map((l) => `\n  also: ${l}`).join('')}`,
    `give projects/${project}/specs/${spec}.yaml a mac_range of its own (a VM already deployed keeps its MAC)`,
  );
}

/** Each VirtualMachine's MACs by interface (network) name, as its spec holds them. */
export function liveMacsOf(live: readonly LiveObject[]): Map<string, Map<string, string>> {
  return new Map(
    live
      .filter((o) => o.kind === 'VirtualMachine')
      .map((o) => [o.metadata.name, new Map(Object.entries(macsByNetwork(o)))]),
  );
}

/**
 * The plan with each NIC's MAC taken from the live VM of the same name where it has one: a VM
 * deployed by an earlier v-auto (its MAC from kubemacpool's pool), or under another mac_range,
 * keeps its MAC, and its network-config is rendered for that MAC. `changed`: the instances that
 * differ from the plan, to render again.
 */
export function withLiveMacs(plan: Plan, live: readonly LiveObject[]): { plan: Plan; changed: Instance[] } {
  const macs = liveMacsOf(live);
  const changed: Instance[] = [];
  const instances = plan.instances.map((instance) => {
    const have = macs.get(instance.name);
    if (!have || instance.nics.every((n) => (have.get(n.network.name) ?? n.mac) === n.mac)) return instance;
    const kept = {
      ...instance,
      nics: instance.nics.map((n) => ({ ...n, mac: have.get(n.network.name) ?? n.mac })),
    };
    changed.push(kept);
    return kept;
  });
  return { plan: changed.length ? { ...plan, instances } : plan, changed };
}
