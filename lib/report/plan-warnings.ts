// The warnings inspect and deploy print about a planned spec before anything is sent: one list, one format.
import type { Plan } from '../plan/plan-instances.js';
import { cloudInitWarnings } from '../render/cloud-init.js';
import { addressDeliveryWarnings } from '../render/network-config.js';
import type { Output } from './output.js';

/** `v-auto: warning: …` on stderr for each thing the spec asks for that may not do what it says. */
export function printPlanWarnings(plan: Plan, output: Output): void {
  for (const warning of [...addressDeliveryWarnings(plan), ...cloudInitWarnings(plan)])
    output.err(`v-auto: warning: ${warning}\n`);
}
