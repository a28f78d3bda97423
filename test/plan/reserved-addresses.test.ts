import { ExitCode } from '../../lib/errors.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { errorOf, IMAGE, LAN, settingsFor } from '../helpers/workspace.js';

const withReserved = (reserved: unknown, spec: Record<string, unknown> = {}) =>
  settingsFor({
    config: { networks: { lan: { ...LAN, ipam: { ...LAN.ipam, reserved } } } },
    spec: { ...IMAGE, replicas: 3, ...(spec.networks ? {} : { network: 'lan' }), ...spec },
  });

describe('ipam.reserved: addresses taken by hand', () => {
  test('addresses that miss the reservations plan as before', () => {
    const plan = planInstances(withReserved(['10.215.100.150', '10.215.100.160-10.215.100.170']));
    expect(plan.instances.map((i) => i.nics[0].address!.ip)).toEqual([
      '10.215.100.101',
      '10.215.100.102',
      '10.215.100.103',
    ]);
  });

  test.each<[string, unknown, Record<string, unknown>, string, string | undefined]>([
    [
      'a single reserved address',
      ['10.215.100.102'],
      {},
      'web-02: address on network lan 10.215.100.102 is reserved (ipam.reserved: 10.215.100.102)',
      'start past it with an offset (networks: [{name: lan, offset: 103}] in the spec), or lower replicas',
    ],
    [
      'a reserved range',
      ['10.215.100.160-10.215.100.170'],
      { networks: [{ name: 'lan', offset: 158 }] },
      'web-03: address on network lan 10.215.100.160 is reserved (ipam.reserved: 10.215.100.160-10.215.100.170)',
      'start past it with an offset (networks: [{name: lan, offset: 171}] in the spec), or lower replicas',
    ],
    [
      'not an address',
      ['10.215.100.x'],
      {},
      'projects/demo/config.yaml:6: networks.lan.ipam.reserved[0]: "10.215.100.x" is not an IPv4 address',
      undefined,
    ],
    [
      'a range written backwards',
      ['10.215.100.170-10.215.100.160'],
      {},
      'projects/demo/config.yaml:6: networks.lan.ipam.reserved[0]: "10.215.100.170-10.215.100.160" ends before it starts',
      'write a range low-high, like 10.215.100.160-10.215.100.170',
    ],
    [
      'outside the range',
      ['10.9.9.9'],
      {},
      'projects/demo/config.yaml:6: networks.lan.ipam.reserved[0]: "10.9.9.9" is not within the host addresses of 10.215.100.0/24',
      undefined,
    ],
    [
      'not a list',
      '10.215.100.150',
      {},
      'projects/demo/config.yaml:11: networks.lan.ipam.reserved: expected a list of addresses or ranges like 10.215.100.160-10.215.100.170, got "10.215.100.150"',
      undefined,
    ],
  ])('%s is exit 2', (_what, reserved, spec, message, hint) => {
    const err = errorOf(() => planInstances(withReserved(reserved, spec)));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
    expect(err.hint).toBe(hint);
  });

  test('the gateway stays an error of its own', () => {
    const err = errorOf(() => planInstances(withReserved([], { networks: [{ name: 'lan', offset: 1 }] })));
    expect(err.message).toMatch(/^web-01: address on network lan 10\.215\.100\.1 is the gateway/);
  });
});
