// Which kubectl the end-to-end tests drive: $KUBECTL, else /usr/bin/kubectl; none found fails loudly.
import { existsSync } from 'node:fs';

const SYSTEM_KUBECTL = '/usr/bin/kubectl';

/** The kubectl to test with, or undefined when this machine has none. */
export function findKubectl(): string | undefined {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  if (existsSync(SYSTEM_KUBECTL)) return SYSTEM_KUBECTL;
  return undefined;
}

/** The kubectl to test with; throws (so the suite fails, never skips) when there is none. */
export function requireKubectl(): string {
  const found = findKubectl();
  if (!found) throw new Error(`no kubectl to run the end-to-end tests with: set $KUBECTL or install ${SYSTEM_KUBECTL}`);
  return found;
}
