// Instance and resource names: two-digit numbering and DNS-1123 label checks.
import { DNS_LABEL } from '../config/rules.js';
import { usageError } from '../errors.js';

/** `web`, 1 → `web-01`; numbers past 99 keep all their digits (`web-100`). */
export function instanceName(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(2, '0')}`;
}

/** Throws unless `name` is a DNS-1123 label of at most 63 characters. */
export function assertDnsLabel(name: string, what: string): void {
  if (name.length > 63) {
    throw usageError(`${what} "${name}" is ${name.length} characters; Kubernetes names are limited to 63`, 'shorten name_prefix or the network nad_name');
  }
  if (!DNS_LABEL.test(name)) {
    throw usageError(`${what} "${name}" is not a valid name: use lower case letters, digits and "-" (DNS-1123 label)`);
  }
}
