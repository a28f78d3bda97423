import { ExitCode } from '../../lib/errors.js';
import type { SpecPlan } from '../../lib/plan/address-conflicts.js';
import { addressLedger } from '../../lib/plan/address-ledger.js';
import type { LiveObject } from '../../lib/plan/live-address-conflicts.js';
import { findMacConflicts, macConflictError, withLiveMacs } from '../../lib/plan/mac-addresses.js';
import { macValue, parseMacRange } from '../../lib/plan/mac-range.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { errorOf, IMAGE, LAN, renderFor, settingsFor } from '../helpers/workspace.js';

const CATALOG = { networks: { lan: LAN, pod: { type: 'pod' } } };
const specPlan = (project: string, spec: string, extra: Record<string, unknown> = {}): SpecPlan => ({
  project,
  spec,
  plan: planInstances(
    settingsFor({
      project,
      specName: spec,
      config: CATALOG,
      spec: { ...IMAGE, networks: ['lan', 'pod'], ...extra },
    }),
  ),
});
const macsOf = (sp: SpecPlan) => sp.plan.instances.flatMap((i) => i.nics.map((n) => n.mac));

describe('planned MACs', () => {
  test('one per NIC, in the default range (outside kubemacpool default 02:XX:XX pool), the same on every plan', () => {
    const a = specPlan('demo', 'web', { replicas: 3 });
    const macs = macsOf(a);
    expect(macs).toHaveLength(6);
    expect(new Set(macs).size).toBe(6);
    for (const mac of macs) expect(mac).toMatch(/^0a:76(:[0-9a-f]{2}){4}$/);
    expect(macsOf(specPlan('demo', 'web', { replicas: 3 }))).toEqual(macs);
    // Another namespace, another instance: other MACs.
    expect(macsOf(specPlan('demo', 'web', { replicas: 3, namespace: 'other' }))).not.toContain(macs[0]);
  });

  test('mac_range decides where they fall', () => {
    const sp = specPlan('demo', 'web', { replicas: 4, mac_range: '0e:00:00:00:10:00-0e:00:00:00:10:ff' });
    for (const mac of macsOf(sp)) {
      expect(macValue(mac)).toBeGreaterThanOrEqual(macValue('0e:00:00:00:10:00'));
      expect(macValue(mac)).toBeLessThanOrEqual(macValue('0e:00:00:00:10:ff'));
    }
  });

  test.each([
    ['0a:76:00:00:00:00', '"0a:76:00:00:00:00" is not a MAC range start-end'],
    ['0a:76:00:00:00:ff-0a:76:00:00:00:00', '"0a:76:00:00:00:ff-0a:76:00:00:00:00" ends before it starts'],
    [
      '0b:00:00:00:00:00-0b:00:00:00:00:ff',
      '"0b:00:00:00:00:00-0b:00:00:00:00:ff" holds multicast addresses',
    ],
    [
      '0a:00:00:00:00:00-0c:00:00:00:00:00',
      '"0a:00:00:00:00:00-0c:00:00:00:00:00" holds multicast addresses',
    ],
  ])('mac_range %s is refused', (range, message) => {
    expect(() => parseMacRange(range, 'mac_range')).toThrow(`mac_range: ${message}`);
  });

  test('a malformed mac_range is exit 2 naming the file and line', () => {
    const err = errorOf(() =>
      renderFor({ config: CATALOG, spec: { ...IMAGE, network: 'lan', mac_range: 'lots' } }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(
      /^projects\/demo\/specs\/web\.yaml:\d+: mac_range: "lots" must be a MAC range start-end/,
    );
  });
});

describe('MAC duplicates across the workspace', () => {
  test('none for specs in their own ranges; every holder named when two NICs share one', () => {
    expect(
      findMacConflicts([
        specPlan('demo', 'web', { replicas: 20 }),
        specPlan('shop', 'web', { replicas: 20 }),
      ]),
    ).toEqual([]);
    // Two MACs for three NICs: at least one is planned twice.
    const tiny = specPlan('demo', 'api', {
      replicas: 3,
      networks: ['lan'],
      mac_range: '0a:00:00:00:00:00-0a:00:00:00:00:01',
    });
    const conflicts = findMacConflicts([specPlan('demo', 'web'), tiny]);
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) {
      expect(c.holders.length).toBeGreaterThan(1);
      expect(c.holders.every((h) => h.project === 'demo' && h.spec === 'api' && h.network === 'lan')).toBe(
        true,
      );
    }
    const err = macConflictError(conflicts, 'demo', 'api');
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(
      /^MAC address conflict: 0a:00:00:00:00:0[01]: demo\/api api-0\d \(lan\) and demo\/api api-0\d \(lan\)/,
    );
    expect(err.hint).toBe(
      'give projects/demo/specs/api.yaml a mac_range of its own (a VM already deployed keeps its MAC)',
    );
  });
});

describe('a deployed VM keeps its MAC', () => {
  const vm = (name: string, ifaces: { name: string; macAddress?: string }[]): LiveObject =>
    ({
      kind: 'VirtualMachine',
      metadata: { name },
      spec: { template: { spec: { domain: { devices: { interfaces: ifaces } } } } },
    }) as LiveObject;

  test('the live VM MAC replaces the planned one, per interface; other instances stay as planned', () => {
    const { plan } = specPlan('demo', 'web', { replicas: 2 });
    const planned = plan.instances.map((i) => i.nics.map((n) => n.mac));
    const { plan: kept, changed } = withLiveMacs(plan, [
      vm('web-01', [{ name: 'lan', macAddress: '02:00:00:00:00:07' }, { name: 'pod' }]),
    ]);
    expect(changed.map((i) => i.name)).toEqual(['web-01']);
    expect(kept.instances[0].nics.map((n) => n.mac)).toEqual(['02:00:00:00:00:07', planned[0][1]]);
    expect(kept.instances[1].nics.map((n) => n.mac)).toEqual(planned[1]);
  });

  test('a VM with the planned MACs changes nothing', () => {
    const { plan } = specPlan('demo', 'web');
    const live = [
      vm(
        'web-01',
        plan.instances[0].nics.map((n) => ({ name: n.network.name, macAddress: n.mac.toUpperCase() })),
      ),
    ];
    const result = withLiveMacs(plan, live);
    expect(result.changed).toEqual([]);
    expect(result.plan).toBe(plan);
  });

  test('the ledger shows the MAC in use: the live one where the VM exists, else the planned one', () => {
    const sp = specPlan('demo', 'web', { replicas: 2 });
    const live = new Map([['vm-demo', [vm('web-01', [{ name: 'lan', macAddress: '02:00:00:00:00:07' }])]]]);
    const ledger = addressLedger([sp], [], live);
    expect(ledger.entries.map((e) => [e.instance, e.mac])).toEqual([
      ['web-01', '02:00:00:00:00:07'],
      ['web-02', sp.plan.instances[1].nics[0].mac],
    ]);
  });
});
