// Static address arithmetic: network address + offset + (index - 1), with ip-num.
import { IPv4, IPv4CidrRange, Validator } from 'ip-num';
import { usageError } from '../errors.js';

/** A subnet parsed from a range that may be written with a host address (10.0.0.7/24). */
export interface Subnet {
  network: bigint;
  broadcast: bigint;
  prefixLength: number;
  netmask: string;
}

/** Parses an IPv4 CIDR range; `where` names it in errors. */
export function parseSubnet(range: string, where: string): Subnet {
  const [ok] = Validator.isValidIPv4CidrNotation(range);
  if (!ok)
    throw usageError(`${where}: "${range}" is not an IPv4 CIDR range`, 'write it like 10.215.100.0/24');
  // ip-num keeps the host bits of 10.0.0.7/24; the first address of the range is the network.
  const cidr = IPv4CidrRange.fromCidr(range);
  return {
    network: cidr.getFirst().getValue(),
    broadcast: cidr.getLast().getValue(),
    prefixLength: Number(cidr.getPrefix().getValue()),
    netmask: cidr.getPrefix().toMask().toString(),
  };
}

export function parseAddress(text: string, where: string): bigint {
  const [ok] = Validator.isValidIPv4String(text);
  if (!ok) throw usageError(`${where}: "${text}" is not an IPv4 address`);
  return IPv4.fromDecimalDottedString(text).getValue();
}

export function formatAddress(value: bigint): string {
  return IPv4.fromNumber(value).toString();
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
