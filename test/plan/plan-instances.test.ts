import { ExitCode } from '../../lib/errors.js';
import { assertDnsLabel, instanceName } from '../../lib/model/names.js';
import { parseSubnet } from '../../lib/plan/addresses.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { errorOf, IMAGE, LAN, settingsFor } from '../helpers/workspace.js';

/** Settings with the `lan` network attached, its ipam replaced by `ipam`. */
const withLan = (ipam: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  settingsFor({
    config: { networks: { lan: { ...LAN, ipam } } },
    spec: { ...IMAGE, network: 'lan', ...extra },
  });

describe('instance names', () => {
  test.each([
    [1, 'web-01'],
    [2, 'web-02'],
    [10, 'web-10'],
    [99, 'web-99'],
    [100, 'web-100'],
  ])('%i → %s', (index, name) => {
    expect(instanceName('web', index)).toBe(name);
  });

  test('a plan names every instance, two digits whatever the count', () => {
    expect(planInstances(settingsFor({ replicas: 3 })).instances.map((i) => i.name)).toEqual([
      'web-01',
      'web-02',
      'web-03',
    ]);
    const big = planInstances(settingsFor({ replicas: 100 })).instances;
    expect([big[0].name, big[98].name, big[99].name]).toEqual(['web-01', 'web-99', 'web-100']);
  });

  test('name_prefix replaces the spec name', () => {
    expect(planInstances(settingsFor({ spec: { ...IMAGE, name_prefix: 'front' } })).instances[0].name).toBe(
      'front-01',
    );
  });

  test.each([
    [
      'upper case',
      'Web',
      'projects/demo/specs/Web.yaml: the instance names (Web-01, …) come from the spec file\'s name "Web", which is not a valid Kubernetes name (lower case letters, digits and "-")',
    ],
    [
      'underscore',
      'web_app',
      'projects/demo/specs/web_app.yaml: the instance names (web_app-01, …) come from the spec file\'s name "web_app", which is not a valid Kubernetes name (lower case letters, digits and "-")',
    ],
  ])('a spec name with %s is not a DNS-1123 label', (_what, specName, message) => {
    const err = errorOf(() => planInstances(settingsFor({ specName })));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });

  test('a name that fits alone but not with -cloud-init is refused', () => {
    const prefix = 'a'.repeat(50); // a-…-01 is 53, a-…-01-cloud-init is 64
    const err = errorOf(() => planInstances(settingsFor({ spec: { ...IMAGE, name_prefix: prefix } })));
    expect(err.message).toBe(
      `secret name of ${prefix}-01 "${prefix}-01-cloud-init" is 64 characters; Kubernetes names are limited to 63`,
    );
  });

  test('a name that fits with -cloud-init but not with -<nad_name> is refused', () => {
    const prefix = 'a'.repeat(40);
    const s = settingsFor({
      config: { networks: { lan: { ...LAN, nad_name: 'storage-backend-vlan' } } },
      spec: { ...IMAGE, name_prefix: prefix, network: 'lan' },
    });
    const err = errorOf(() => planInstances(s));
    expect(err.message).toBe(
      `network attachment name of ${prefix}-01 "${prefix}-01-storage-backend-vlan" is 64 characters; Kubernetes names are limited to 63`,
    );
  });

  test.each([
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-web', false],
    ['web-', false],
    ['web.01', false],
    ['w3b-01', true],
  ])('assertDnsLabel(%s) accepts: %s', (name, ok) => {
    if (ok) expect(() => assertDnsLabel(name, 'name')).not.toThrow();
    else expect(errorOf(() => assertDnsLabel(name, 'name')).exitCode).toBe(ExitCode.USAGE);
  });
});

describe('addresses: network address + offset + (i - 1)', () => {
  const ips = (s: ReturnType<typeof withLan>) =>
    planInstances(s).instances.map((i) => i.nics[0].address?.cidr);

  test.each([
    [
      '10.215.100.0/24, default offset',
      { range: '10.215.100.0/24' },
      2,
      ['10.215.100.101/24', '10.215.100.102/24'],
    ],
    [
      'a host-address range uses its network address',
      { range: '10.215.100.7/24' },
      2,
      ['10.215.100.101/24', '10.215.100.102/24'],
    ],
    [
      'offset 10',
      { range: '10.215.100.0/24', offset: 10 },
      3,
      ['10.215.100.10/24', '10.215.100.11/24', '10.215.100.12/24'],
    ],
    [
      'a /16 crosses octets',
      { range: '172.16.0.0/16', offset: 255 },
      2,
      ['172.16.0.255/16', '172.16.1.0/16'],
    ],
    [
      'the last host address is allowed',
      { range: '10.0.0.0/29', offset: 5 },
      2,
      ['10.0.0.5/29', '10.0.0.6/29'],
    ],
  ])('%s', (_name, ipam, replicas, expected) => {
    expect(ips(withLan(ipam, { replicas }))).toEqual(expected);
  });

  test('the planned address carries prefix, netmask and gateway', () => {
    const nic = planInstances(withLan({ range: '10.215.100.0/24', gateway: '10.215.100.1' })).instances[0]
      .nics[0];
    expect(nic.address).toEqual({
      ip: '10.215.100.101',
      value: 0x0ad76465n,
      prefixLength: 24,
      cidr: '10.215.100.101/24',
      netmask: '255.255.255.0',
      gateway: '10.215.100.1',
    });
    expect(nic).toMatchObject({ guestInterface: 'enp1s0', nadRef: 'web-01-lan', ownNad: 'web-01-lan' });
  });

  test('parseSubnet', () => {
    expect(parseSubnet('10.215.100.7/24', 'r')).toEqual({
      network: 0x0ad76400n,
      broadcast: 0x0ad764ffn,
      prefixLength: 24,
      netmask: '255.255.255.0',
    });
  });

  test.each([
    [
      'outside the subnet',
      { range: '10.0.0.0/24', offset: 300 },
      1,
      'web-01: address on network lan 10.0.1.44 falls outside the subnet (10.0.0.0/24, offset 300)',
    ],
    [
      'the broadcast address',
      { range: '10.0.0.0/29', offset: 6 },
      3,
      'web-02: address on network lan 10.0.0.7 is the broadcast address (10.0.0.0/29, offset 6)',
    ],
    [
      'the gateway',
      { range: '10.215.100.0/24', gateway: '10.215.100.102' },
      3,
      'web-02: address on network lan 10.215.100.102 is the gateway (10.215.100.0/24, offset 101)',
    ],
  ])('an address on %s is an error naming the instance', (_what, ipam, replicas, message) => {
    const err = errorOf(() => planInstances(withLan(ipam, { replicas })));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });

  test.each([
    [
      { range: '10.0.0.0/24', offset: 300 },
      1,
      'the largest offset that fits 1 instance in 10.0.0.0/24 is 254',
    ],
    [{ range: '10.0.0.0/29', offset: 6 }, 3, 'the largest offset that fits 3 instances in 10.0.0.0/29 is 4'],
    // The default offset (101) in a /26: a range too small for the default, not for the replicas.
    [{ range: '10.0.0.0/26' }, 2, 'the largest offset that fits 2 instances in 10.0.0.0/26 is 61'],
  ])(
    'past the range (%j, %i replicas): the hint names the largest offset that fits',
    (ipam, replicas, hint) => {
      const err = errorOf(() => planInstances(withLan(ipam, { replicas })));
      expect(err.hint).toBe(
        `${hint}: give it as networks: [{name: lan, offset: N}] in the spec (or ipam.offset in the catalog), or lower replicas, or use a larger range`,
      );
    },
  );

  test('a range with no room for the replicas at any offset says how many it holds', () => {
    const err = errorOf(() => planInstances(withLan({ range: '10.0.0.0/30', offset: 1 }, { replicas: 3 })));
    expect(err.hint).toBe('10.0.0.0/30 has room for 2 instances: lower replicas to 2, or use a larger range');
  });

  test('the gateway: start past it', () => {
    const err = errorOf(() =>
      planInstances(withLan({ range: '10.215.100.0/24', gateway: '10.215.100.102' }, { replicas: 3 })),
    );
    expect(err.hint).toBe('lower replicas or the ipam offset, or use a larger range');
  });

  test.each([
    [
      'an invalid CIDR',
      { range: '10.215.100.0/33' },
      'projects/demo/config.yaml:7: networks.lan.ipam.range: "10.215.100.0/33" is not an IPv4 CIDR range',
    ],
    [
      'a range without prefix',
      { range: '10.215.100.0' },
      'projects/demo/config.yaml:7: networks.lan.ipam.range: "10.215.100.0" is not an IPv4 CIDR range',
    ],
    [
      'a gateway outside the subnet',
      { range: '10.215.100.0/24', gateway: '10.215.101.1' },
      'projects/demo/config.yaml:6: networks.lan.ipam.gateway: 10.215.101.1 is not a host address of 10.215.100.0/24',
    ],
    [
      'a gateway on the network address',
      { range: '10.215.100.0/24', gateway: '10.215.100.0' },
      'projects/demo/config.yaml:6: networks.lan.ipam.gateway: 10.215.100.0 is not a host address of 10.215.100.0/24',
    ],
    [
      'a gateway that is no address',
      { range: '10.215.100.0/24', gateway: 'router' },
      'projects/demo/config.yaml:8: networks.lan.ipam.gateway: "router" is not an IPv4 address',
    ],
    [
      'a bad DNS server',
      { range: '10.215.100.0/24', dns: ['1.1.1'] },
      'projects/demo/config.yaml:6: networks.lan.ipam.dns[0]: "1.1.1" is not an IPv4 address',
    ],
  ])('%s is an error naming the network key', (_what, ipam, message) => {
    const err = errorOf(() => planInstances(withLan(ipam)));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });
});

describe('networks and targets', () => {
  const config = {
    networks: {
      lan: LAN,
      office: { nad_name: 'office', bridge: 'br-office' },
      corp: { nad_name: 'corp-net' },
      pod: { type: 'pod' },
    },
  };

  test('kinds: static, dhcp (shared NAD), existing, pod; NICs numbered enp<k>s0', () => {
    const plan = planInstances(
      settingsFor({ config, spec: { ...IMAGE, networks: ['lan', 'office', 'corp', 'pod'] } }),
    );
    expect(plan.networks.map((n) => [n.name, n.kind])).toEqual([
      ['lan', 'static'],
      ['office', 'dhcp'],
      ['corp', 'existing'],
      ['pod', 'pod'],
    ]);
    expect(plan.sharedNads.map((n) => n.name)).toEqual(['office']);
    expect(plan.instances[0].nics.map((n) => [n.guestInterface, n.nadRef ?? null])).toEqual([
      ['enp1s0', 'web-01-lan'],
      ['enp2s0', 'office'],
      ['enp3s0', 'corp-net'],
      ['enp4s0', null],
    ]);
  });

  test('no networks: the pod network alone; a catalog "default" entry is attached by default', () => {
    expect(planInstances(settingsFor()).networks.map((n) => [n.name, n.kind])).toEqual([['default', 'pod']]);
    const s = settingsFor({ config: { networks: { default: LAN } } });
    expect(planInstances(s).networks.map((n) => [n.name, n.kind])).toEqual([['default', 'static']]);
  });

  test('--target keeps one instance with its own index and address', () => {
    const plan = planInstances(withLan({ range: '10.215.100.0/24' }, { replicas: 3 }), { target: 'web-02' });
    expect(plan.instances.map((i) => [i.name, i.index, i.nics[0].address?.ip])).toEqual([
      ['web-02', 2, '10.215.100.102'],
    ]);
  });

  test('an unknown --target lists the instances', () => {
    const err = errorOf(() => planInstances(settingsFor({ replicas: 2 }), { target: 'web-03' }));
    expect(err.message).toBe('--target web-03: no such instance in demo/web');
    expect(err.hint).toBe('instances: web-01, web-02');
  });
});

describe('a DNS server or gateway on a planned instance address', () => {
  test('a DNS server equal to an instance address is exit 2, naming the network, the address and the instance', () => {
    const err = errorOf(() =>
      planInstances(
        withLan({ range: '10.215.100.0/24', dns: ['10.215.100.53', '10.215.100.102'] }, { replicas: 3 }),
      ),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'web-02: address on network lan 10.215.100.102 is a DNS server (ipam.dns) (10.215.100.0/24, offset 101)',
    );
    expect(err.hint).toMatch(/offset/);
  });

  test('a gateway equal to an instance address is exit 2 the same way', () => {
    const err = errorOf(() =>
      planInstances(withLan({ range: '10.215.100.0/24', gateway: '10.215.100.103' }, { replicas: 3 })),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'web-03: address on network lan 10.215.100.103 is the gateway (10.215.100.0/24, offset 101)',
    );
  });
});
