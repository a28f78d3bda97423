// lib/plan/addresses.ts against ip-num's own classes: the same strings accepted and refused, the
// same network, broadcast, prefix and netmask as IPv4CidrRange, the same values and text as IPv4.
import { IPv4, IPv4CidrRange } from 'ip-num';
import util from 'node:util';
import { formatAddress, parseAddress, parseSubnet } from '../../lib/plan/addresses.js';

/** What ip-num's classes make of a range, or that they refuse it. */
function ipNumSubnet(range: string) {
  try {
    const cidr = IPv4CidrRange.fromCidr(range);
    return {
      network: cidr.getFirst().getValue(),
      broadcast: cidr.getLast().getValue(),
      prefixLength: Number(cidr.getPrefix().getValue()),
      netmask: cidr.getPrefix().toMask().toString(),
    };
  } catch {
    return 'refused';
  }
}

function ours<T>(f: () => T): T | 'refused' {
  try {
    return f();
  } catch {
    return 'refused';
  }
}

const HAND_PICKED_ADDRESSES = [
  '10.215.100.7',
  '0.0.0.0',
  '255.255.255.255',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '01.2.3.4',
  '1.2.3.04',
  '1.2.3.0',
  '1..3.4',
  '1.2.3.',
  '.1.2.3',
  ' 1.2.3.4',
  '1.2.3.4 ',
  '1.2.3.-4',
  '1.2.3.+4',
  '1.2.3.4e0',
  '0x1.2.3.4',
  '１.2.3.4',
  '1.2.3.4/24',
  '',
  'router',
];
const HAND_PICKED_RANGES = [
  '10.215.100.0/24',
  '10.215.100.7/24',
  '0.0.0.0/0',
  '1.2.3.4/0',
  '255.255.255.255/32',
  '10.0.0.1/31',
  '10.0.0.0/33',
  '10.0.0.0/010',
  '10.0.0.0/08',
  '10.0.0.0/-1',
  '10.0.0.0/+8',
  '10.0.0.0/ 8',
  '10.0.0.0 /8',
  '10.0.0.0/8/8',
  '10.0.0.0/',
  '/8',
  '10.0.0/8',
  '010.0.0.0/8',
  '10.0.0.0',
  'ten.0.0.0/24',
  '10.0.0.0/1e1',
  '10.0.0.0/99999999999999999999',
  '',
];

/** A fixed pseudo-random sequence (mulberry32), so that a failure names an input that repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings near an IPv4 address or range: octets in and out of range, leading zeros, stray characters. */
function nearAddresses(count: number, withPrefix: boolean): string[] {
  const next = random(withPrefix ? 30 : 4);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const part = () =>
    next() < 0.85
      ? String(Math.floor(next() * 256))
      : pick(['256', '299', '1000', '00', '07', '010', '', '-1', '+1', 'x', ' 7', '1 ', '0x1', '1e1']);
  return Array.from({ length: count }, () => {
    const octets = Array.from({ length: next() < 0.9 ? 4 : pick([3, 5]) }, part).join('.');
    if (!withPrefix) return octets;
    return `${octets}/${next() < 0.85 ? Math.floor(next() * 36) : pick(['', '08', '032', '-1', '32 ', 'a', '1e1'])}`;
  });
}

describe('IPv4 addresses and ranges, as ip-num reads them', () => {
  test.each(HAND_PICKED_RANGES)('range %j', (range) => {
    expect(ours(() => parseSubnet(range, 'x'))).toEqual(ipNumSubnet(range));
  });

  test.each(HAND_PICKED_ADDRESSES)('address %j', (text) => {
    expect(ours(() => parseAddress(text, 'x'))).toEqual(
      ours(() => IPv4.fromDecimalDottedString(text).getValue()),
    );
  });

  test('2,000 generated ranges and 2,000 addresses, about half of them refused', () => {
    const ranges = nearAddresses(2000, true).map((range) => ({
      range,
      ours: ours(() => parseSubnet(range, 'x')),
      ipNum: ipNumSubnet(range),
    }));
    const addresses = nearAddresses(2000, false).map((text) => ({
      text,
      ours: ours(() => parseAddress(text, 'x')),
      ipNum: ours(() => IPv4.fromDecimalDottedString(text).getValue()),
    }));
    expect([...ranges, ...addresses].filter((c) => !util.isDeepStrictEqual(c.ours, c.ipNum))).toEqual([]);
    for (const cases of [ranges, addresses]) {
      const refused = cases.filter((c) => c.ipNum === 'refused').length;
      expect(refused).toBeGreaterThan(cases.length / 5);
      expect(refused).toBeLessThan((cases.length * 4) / 5);
    }
  });

  test('every prefix length, on the network address and on a host address', () => {
    for (let prefix = 0; prefix <= 32; prefix++)
      for (const ip of ['0.0.0.0', '10.215.100.7', '255.255.255.255'])
        expect(parseSubnet(`${ip}/${prefix}`, 'x')).toEqual(ipNumSubnet(`${ip}/${prefix}`));
  });

  test.each([0n, 1n, 255n, 256n, 65535n, 0x0ad76407n, 0xffffffffn, 0x100000000n, -1n])(
    'formatAddress(%p) prints what IPv4.fromNumber does, or throws its error',
    (value) => {
      const expected = ours(() => IPv4.fromNumber(value).toString());
      if (expected === 'refused')
        expect(() => formatAddress(value)).toThrow(
          (() => {
            try {
              IPv4.fromNumber(value);
            } catch (err) {
              return (err as Error).message;
            }
          })(),
        );
      else expect(formatAddress(value)).toBe(expected);
    },
  );

  test('a refused range or address is a usage error naming where it was written', () => {
    expect(() => parseSubnet('10.0.0.0/33', 'networks.lan.ipam.range')).toThrow(
      'networks.lan.ipam.range: "10.0.0.0/33" is not an IPv4 CIDR range',
    );
    expect(() => parseAddress('01.2.3.4', 'networks.lan.ipam.gateway')).toThrow(
      'networks.lan.ipam.gateway: "01.2.3.4" is not an IPv4 address',
    );
  });
});
