// Static address arithmetic: network address + offset + (index - 1); ip-num decides what is an address.
//
// Only ip-num's Validator and BinaryUtils modules, not its index: IPv4 and IPv4CidrRange live in
// its IPNumber module, whose load builds IPv6 constants (seven IPv6CidrRange.fromCidr through its
// IPv6 regexes), 10–25 ms of every run that plans an address (issue #30) for ranges v-auto never
// asks about. Which strings are accepted is still ip-num's Validator, the same calls as
// IPv4CidrRange.fromCidr and IPv4.fromDecimalDottedString make; the arithmetic that follows is
// on bigints (test/plan/addresses.test.ts checks both against ip-num's classes). Those module paths
// are not ip-num's public entry, so package.json pins its exact version: an upgrade is a deliberate
// change that runs that test.
import {
  dottedDecimalNotationToBinaryString,
  parseBinaryStringToBigInt,
} from 'ip-num/dist/src/BinaryUtils.js';
import { Validator } from 'ip-num/dist/src/Validator.js';
import { usageError } from '../errors.js';

/** A subnet parsed from a range that may be written with a host address (10.0.0.7/24). */
export interface Subnet {
  network: bigint;
  broadcast: bigint;
  prefixLength: number;
  netmask: string;
}

const ALL_ONES = (1n << 32n) - 1n;

/** Parses an IPv4 CIDR range; `where` names it in errors. */
export function parseSubnet(range: string, where: string): Subnet {
  const [ok] = Validator.isValidIPv4CidrNotation(range);
  if (!ok)
    throw usageError(`${where}: "${range}" is not an IPv4 CIDR range`, 'write it like 10.215.100.0/24');
  const [ip, prefix] = range.split('/');
  const prefixLength = parseInt(prefix, 10);
  const mask = (ALL_ONES << BigInt(32 - prefixLength)) & ALL_ONES;
  // The host bits of 10.0.0.7/24 are kept in the text; the first address of the range is the network.
  const network = addressValue(ip) & mask;
  return { network, broadcast: network | (ALL_ONES ^ mask), prefixLength, netmask: formatAddress(mask) };
}

export function parseAddress(text: string, where: string): bigint {
  const [ok] = Validator.isValidIPv4String(text);
  if (!ok) throw usageError(`${where}: "${text}" is not an IPv4 address`);
  return addressValue(text);
}

/** An address as dotted decimals; beyond 32 bits, the Error ip-num's IPv4.fromNumber throws. */
export function formatAddress(value: bigint): string {
  const [ok, messages] = Validator.isValidIPv4Number(value);
  if (!ok) throw new Error(messages.filter((m) => m !== '').toString());
  return [24n, 16n, 8n, 0n].map((shift) => (value >> shift) & 255n).join('.');
}

/** The value of an address that ip-num's Validator accepted. */
function addressValue(text: string): bigint {
  return parseBinaryStringToBigInt(dottedDecimalNotationToBinaryString(text));
}

/** The address of instance `index` (1-based), or the reason it cannot have one. */
export function instanceAddress(
  subnet: Subnet,
  offset: number,
  index: number,
  gateway?: bigint,
): { address: bigint } | { error: string; pastRange: boolean } {
  const address = subnet.network + BigInt(offset + index - 1);
  if (address >= subnet.broadcast) {
    const reason = address === subnet.broadcast ? 'is the broadcast address' : 'falls outside the subnet';
    return { error: `${formatAddress(address)} ${reason}`, pastRange: true };
  }
  if (address === gateway) return { error: `${formatAddress(address)} is the gateway`, pastRange: false };
  return { address };
}
