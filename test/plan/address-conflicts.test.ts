import { ExitCode } from '../../lib/errors.js';
import {
  addressConflictError,
  conflictsOf,
  describeConflict,
  findAddressConflicts,
  type SpecPlan,
} from '../../lib/plan/address-conflicts.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { IMAGE, LAN } from '../helpers/workspace.js';
import { settingsFor } from '../helpers/workspace.js';

type Net = Record<string, unknown>;
/** One spec's plan: `networks` is the catalog entry (or entries) it defines and attaches. */
function specPlan(
  project: string,
  spec: string,
  networks: Record<string, Net>,
  extra: Record<string, unknown> = {},
): SpecPlan {
  const settings = settingsFor({ project, specName: spec, spec: { ...IMAGE, networks, ...extra } });
  return { project, spec, plan: planInstances({ ...settings, attach: Object.keys(networks) }) };
}
const lan = (ipam: Net = {}, entry: Net = {}): Net => ({ ...LAN, ...entry, ipam: { ...LAN.ipam, ...ipam } });

describe('findAddressConflicts', () => {
  test.each<[string, SpecPlan[], string[]]>([
    [
      'two specs of one project on one catalog entry',
      [specPlan('demo', 'web', { lan: lan() }), specPlan('demo', 'api', { lan: lan() })],
      ['10.215.100.101 on lan: demo/web web-01 and demo/api api-01'],
    ],
    [
      'two specs of two projects, other catalog names, same bridge and VLAN',
      [
        specPlan('demo', 'web', { lan: lan() }),
        specPlan('shop', 'front', { 'shop-lan': lan({}, { nad_name: 'shop-lan' }) }),
      ],
      ['10.215.100.101 on lan: demo/web web-01 and shop/front front-01 (network shop-lan)'],
    ],
    [
      'overlapping but unequal ranges',
      [
        specPlan('demo', 'web', { lan: lan({}, {}) }, { replicas: 3 }),
        specPlan('demo', 'api', {
          lan: lan({ range: '10.215.100.64/26', gateway: '10.215.100.65', offset: 38 }),
        }),
      ],
      ['10.215.100.102 on lan: demo/web web-02 and demo/api api-01'],
    ],
    [
      'the same NAD name in one namespace, on another bridge',
      [
        specPlan('demo', 'web', { lan: lan() }),
        specPlan('demo', 'api', { lan: lan({}, { bridge: 'br-other', vlan: 7 }) }),
      ],
      ['10.215.100.101 on lan: demo/web web-01 and demo/api api-01'],
    ],
    [
      'one VM, two catalog entries with one range on one segment',
      [specPlan('demo', 'web', { lan: lan(), lan2: lan({}, { nad_name: 'lan2' }) })],
      ['10.215.100.101 on lan: demo/web web-01 and demo/web web-01 (network lan2)'],
    ],
    [
      'one VM, one range on two VLANs',
      [specPlan('demo', 'web', { lan: lan(), lan2: lan({}, { nad_name: 'lan2', vlan: 200 }) })],
      ['10.215.100.101 on lan: demo/web web-01 and demo/web web-01 (network lan2)'],
    ],
    [
      'an instance on the gateway of another entry of the segment',
      [
        specPlan('demo', 'web', { lan: lan() }),
        specPlan('demo', 'api', { lan: lan({ gateway: '10.215.100.101', offset: 103 }) }),
      ],
      ["10.215.100.101 on lan: the gateway of demo/api's network lan and demo/web web-01"],
    ],
    [
      'an instance on a DNS server of another entry of the segment',
      [
        specPlan('demo', 'web', { lan: lan() }),
        specPlan('demo', 'api', { lan: lan({ dns: ['10.215.100.101'], offset: 103 }) }),
      ],
      ["10.215.100.101 on lan: a DNS server of demo/api's network lan and demo/web web-01"],
    ],
    [
      'the same range on another VLAN',
      [
        specPlan('demo', 'web', { lan: lan() }),
        specPlan('demo', 'api', { lan2: lan({}, { nad_name: 'lan2', vlan: 200 }) }),
      ],
      [],
    ],
    [
      'the same range and NAD name in another namespace on another bridge',
      [
        specPlan('demo', 'web', { lan: lan() }),
        specPlan('shop', 'api', { lan: lan({}, { bridge: 'br-shop' }) }),
      ],
      [],
    ],
    [
      'disjoint offsets on one segment',
      [
        specPlan('demo', 'web', { lan: lan() }, { replicas: 10 }),
        specPlan('demo', 'api', { lan: lan({ offset: 111 }) }),
      ],
      [],
    ],
    [
      'a shared gateway',
      [specPlan('demo', 'web', { lan: lan() }), specPlan('demo', 'api', { lan: lan({ offset: 120 }) })],
      [],
    ],
  ])('%s', (_what, specs, expected) => {
    expect(findAddressConflicts(specs).map(describeConflict)).toEqual(expected);
  });

  test('every address of a segment shared by many specs is reported once, with all its holders', () => {
    const specs = ['a', 'b', 'c'].map((s) => specPlan('demo', s, { lan: lan() }, { replicas: 2 }));
    const conflicts = findAddressConflicts(specs);
    expect(conflicts.map(describeConflict)).toEqual([
      '10.215.100.101 on lan: demo/a a-01 and demo/b b-01 and demo/c c-01',
      '10.215.100.102 on lan: demo/a a-02 and demo/b b-02 and demo/c c-02',
    ]);
    expect(conflicts[0].nextFree).toBe('10.215.100.103');
  });

  // 20 specs × 1,000 instances: one map entry per address, not a comparison per pair. With disjoint
  // offsets nothing conflicts; with one offset each address has 20 holders and is reported once.
  test('20 specs × 1,000 instances: one conflict per shared address, none for disjoint ones', () => {
    const wide = (spec: string, offset: number) =>
      specPlan(
        'demo',
        spec,
        { lan: lan({ range: '10.215.0.0/16', gateway: '10.215.0.1', offset }) },
        { replicas: 1000 },
      );
    const names = Array.from({ length: 20 }, (_, i) => `s${i}`);
    expect(findAddressConflicts(names.map((n, i) => wide(n, 1000 + i * 1000)))).toEqual([]);
    const shared = findAddressConflicts(names.map((n) => wide(n, 1000)));
    expect(shared).toHaveLength(1000);
    expect(shared.every((c) => c.holders.length === 20)).toBe(true);
  });
});

describe('addressConflictError', () => {
  const specs = [
    specPlan('demo', 'web', { lan: lan() }, { replicas: 3 }),
    specPlan('demo', 'api', { lan: lan() }, { replicas: 2 }),
  ];

  test('exit 2 naming both holders of each address, and the offset that moves this spec past them', () => {
    const err = addressConflictError(conflictsOf(findAddressConflicts(specs), 'demo', 'api'), 'demo', 'api');
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'address conflict: 10.215.100.101 on lan: demo/web web-01 and demo/api api-01\n  also: 10.215.100.102 on lan: demo/web web-02 and demo/api api-02',
    );
    expect(err.hint).toBe(
      'give demo/api addresses of its own on this segment: in projects/demo/specs/api.yaml attach it as {name: lan, offset: 104} in the networks list (past every planned address), or use another range or VLAN',
    );
  });

  test('this spec deployed, the other not yet: the hint moves the one not deployed', () => {
    const conflicts = conflictsOf(findAddressConflicts(specs), 'demo', 'web');
    const webRuns = (h: { spec: string }) => h.spec === 'web';
    expect(addressConflictError(conflicts, 'demo', 'web', webRuns).hint).toBe(
      'demo/web web-01 is deployed and demo/api api-01 is not yet: give demo/api addresses of its own on this segment: in projects/demo/specs/api.yaml attach it as {name: lan, offset: 104} in the networks list (past every planned address), or use another range or VLAN',
    );
    // Both deployed, or this one not: this spec moves, as before.
    for (const deployed of [() => true, () => false])
      expect(addressConflictError(conflicts, 'demo', 'web', deployed).hint).toMatch(
        /^give demo\/web addresses/,
      );
  });

  test('a spec not involved has no conflicts', () => {
    expect(
      conflictsOf(
        findAddressConflicts([
          ...specs,
          specPlan('demo', 'db', { lan2: lan({}, { nad_name: 'lan2', vlan: 200 }) }),
        ]),
        'demo',
        'db',
      ),
    ).toEqual([]);
  });

  test('one VM with two entries: the hint says to give one entry another range', () => {
    const same = [specPlan('demo', 'web', { lan: lan(), lan2: lan({}, { nad_name: 'lan2' }) })];
    expect(addressConflictError(findAddressConflicts(same), 'demo', 'web').hint).toBe(
      'web-01 attaches two catalog entries on one segment with the same addresses: give one of them another range or offset, or attach only one',
    );
  });
});
