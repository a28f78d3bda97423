// The warnings inspect and deploy give about a planned spec before anything is sent: one list.
import type { Plan } from '../plan/plan-instances.js';
import { cloudInitWarnings } from '../render/cloud-init.js';
import { addressDeliveryWarnings, cniTypeWarnings, setNameWarnings } from '../render/network-config.js';

/** What the spec asks for that may not do what it says (printed as `v-auto: warning: …` on stderr). */
export function planWarnings(plan: Plan): string[] {
  return [
    ...addressDeliveryWarnings(plan),
    ...cniTypeWarnings(plan),
    ...setNameWarnings(plan),
    ...cloudInitWarnings(plan),
    ...(plan.uncheckedAddresses ?? []),
  ];
}
