import { usageError } from '../../lib/errors.js';
import { findAddressConflicts, type SpecPlan } from '../../lib/plan/address-conflicts.js';
import { addressLedger, describeClusterView, type WorkspaceSpec } from '../../lib/plan/address-ledger.js';
import type { LiveObject } from '../../lib/plan/live-address-conflicts.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { IMAGE, LAN, settingsFor } from '../helpers/workspace.js';

const STORAGE = { nad_name: 'storage', bridge: 'br-st', vlan: 300, ipam: { range: '10.215.200.0/24' } };
function specPlan(project: string, spec: string, extra: Record<string, unknown> = {}): SpecPlan {
  const settings = settingsFor({
    project,
    specName: spec,
    config: { networks: { lan: LAN, storage: STORAGE, office: { nad_name: 'office', bridge: 'br-office' } } },
    spec: { ...IMAGE, ...(extra.networks ? {} : { network: 'lan' }), ...extra },
  });
  return { project, spec, plan: planInstances(settings) };
}
const labels = (spec: string, name: string) => ({
  'v-auto/managed': 'true',
  'v-auto/project': 'demo',
  'v-auto/spec': spec,
  'v-auto/name': name,
});
const vmi = (
  name: string,
  interfaces: { name: string; ipAddress?: string }[],
  l: Record<string, string> | undefined = labels('web', name),
): LiveObject => ({
  kind: 'VirtualMachineInstance',
  metadata: { name, labels: l },
  status: {
    interfaces: interfaces.map((i) => ({ ...i, ...(i.ipAddress ? { ipAddresses: [i.ipAddress] } : {}) })),
  },
});
const vm = (name: string, l: Record<string, string> | undefined = labels('web', name)): LiveObject => ({
  kind: 'VirtualMachine',
  metadata: { name, labels: l },
});
const nad = (name: string, address: string): LiveObject => ({
  kind: 'NetworkAttachmentDefinition',
  metadata: { name },
  spec: {
    config: JSON.stringify({ type: 'cnv-bridge', ipam: { type: 'static', addresses: [{ address }] } }),
  },
});
const rows = (specs: WorkspaceSpec[], live?: LiveObject[], target?: string) =>
  addressLedger(
    specs,
    findAddressConflicts(specs.filter((s): s is SpecPlan => 'plan' in s)),
    live && new Map([['vm-demo', live]]),
    target,
  );

describe('addressLedger', () => {
  test('one entry per planned static address, by network then address; DHCP and pod networks have none', () => {
    const web = specPlan('demo', 'web', {
      replicas: 2,
      networks: ['office', 'lan', { name: 'storage', offset: 20 }],
    });
    const api = specPlan('demo', 'api', { networks: [{ name: 'lan', offset: 110 }] });
    const ledger = rows([web, api]);
    expect(
      ledger.entries.map((e) => `${e.network} ${e.address} ${e.project}/${e.spec} ${e.instance}`),
    ).toEqual([
      'lan 10.215.100.101 demo/web web-01',
      'lan 10.215.100.102 demo/web web-02',
      'lan 10.215.100.110 demo/api api-01',
      'storage 10.215.200.20 demo/web web-01',
      'storage 10.215.200.21 demo/web web-02',
    ]);
    expect(ledger.entries.every((e) => e.cluster === undefined)).toBe(true);
    expect(ledger.conflicts).toEqual([]);
    expect(ledger.unplanned).toEqual([]);
  });

  test('addresses sort as numbers, not as text (.9 before .10 before .100)', () => {
    const ledger = rows([
      specPlan('demo', 'web', { replicas: 2, networks: [{ name: 'lan', offset: 9 }] }),
      specPlan('demo', 'api', { networks: [{ name: 'lan', offset: 100 }] }),
    ]);
    expect(ledger.entries.map((e) => e.address)).toEqual(['10.215.100.9', '10.215.100.10', '10.215.100.100']);
  });

  test('a spec that cannot be planned is kept with its error and hint; the others are still listed', () => {
    const broken: WorkspaceSpec = {
      project: 'demo',
      spec: 'broken',
      error: usageError('broken-01: address on network lan is the broadcast address', 'lower replicas'),
    };
    const ledger = rows([specPlan('demo', 'web'), broken]);
    expect(ledger.entries.map((e) => e.instance)).toEqual(['web-01']);
    expect(ledger.unplanned).toEqual([
      {
        project: 'demo',
        spec: 'broken',
        message: 'broken-01: address on network lan is the broadcast address',
        hint: 'lower replicas',
      },
    ]);
  });

  test('workspace conflicts are kept when a listed spec is among the holders', () => {
    const web = specPlan('demo', 'web');
    const api = specPlan('demo', 'api');
    const conflicts = findAddressConflicts([web, api]);
    expect(addressLedger([web], conflicts).conflicts).toEqual([
      '10.215.100.101 on lan: demo/web web-01 and demo/api api-01',
    ]);
    expect(addressLedger([specPlan('demo', 'db', { networks: ['office'] })], conflicts).conflicts).toEqual(
      [],
    );
  });

  test('--target keeps one instance', () => {
    expect(
      rows([specPlan('demo', 'web', { replicas: 3 })], undefined, 'web-02').entries.map((e) => e.address),
    ).toEqual(['10.215.100.102']);
  });

  test.each<[string, LiveObject[], string[]]>([
    ['nothing in the namespace', [], ['not deployed', 'not deployed']],
    [
      'a VMI reporting the planned address; a VM without VMI',
      [
        vmi('web-01', [{ name: 'default' }, { name: 'lan', ipAddress: '10.215.100.101' }]),
        vm('web-01'),
        vm('web-02'),
      ],
      ['VMI 10.215.100.101', 'VM stopped (no VMI)'],
    ],
    [
      'a VMI with no address yet, a VMI with another address',
      [vmi('web-01', [{ name: 'lan' }]), vmi('web-02', [{ name: 'lan', ipAddress: '10.215.100.7' }])],
      ['VMI reports no address yet', 'VMI reports 10.215.100.7, not the planned address'],
    ],
    [
      'the address on another network of the VMI does not count',
      [vmi('web-01', [{ name: 'default', ipAddress: '10.215.100.101' }, { name: 'lan' }])],
      ['VMI reports no address yet', 'not deployed'],
    ],
    [
      'a NAD made by hand',
      [nad('legacy', '10.215.100.102/24')],
      ['not deployed', 'held by NetworkAttachmentDefinition legacy'],
    ],
    [
      'a VMI of another spec with the address',
      [vmi('api-01', [{ name: 'lan', ipAddress: '10.215.100.101' }], labels('api', 'api-01'))],
      ['held by VirtualMachineInstance api-01 (demo/api api-01)', 'not deployed'],
    ],
    [
      "a VM of the instance's name that is not this spec's",
      [vm('web-02', {})],
      ['not deployed', "held by VirtualMachine web-02 (not this spec's)"],
    ],
  ])('cluster column: %s', (_what, live, expected) => {
    const ledger = rows([specPlan('demo', 'web', { replicas: 2 })], live);
    expect(ledger.entries.map((e) => describeClusterView(e.cluster!))).toEqual(expected);
  });

  test('a namespace that was not read leaves its entries without a cluster view', () => {
    const other = specPlan('shop', 'front', {
      namespace: 'vm-shop',
      networks: [{ name: 'lan', offset: 150 }],
    });
    const ledger = addressLedger([specPlan('demo', 'web'), other], [], new Map([['vm-demo', []]]));
    expect(ledger.entries.map((e) => e.cluster?.state)).toEqual(['not-deployed', undefined]);
  });
});

describe('addressLedger: instances the plan no longer has, and holders in other namespaces', () => {
  const ownNad = (namespace: string, instance: string, address: string, spec = 'web'): LiveObject => ({
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: `${instance}-lan`, namespace, labels: labels(spec, instance) },
    spec: {
      config: JSON.stringify({
        type: 'cnv-bridge',
        bridge: 'br-lan',
        vlan: 100,
        ipam: { type: 'static', addresses: [{ address }] },
      }),
    },
  });
  const line = (e: ReturnType<typeof rows>['entries'][number]) =>
    `${e.address} ${e.project}/${e.spec} ${e.instance} ${e.namespace}: ${describeClusterView(e.cluster!)}`;

  test('a surplus instance (replicas lowered without --prune) keeps its address in the ledger, marked', () => {
    const web = specPlan('demo', 'web', { replicas: 1 });
    const live = [
      vm('web-01'),
      ownNad('vm-demo', 'web-01', '10.215.100.101/24'),
      vm('web-02'),
      vmi('web-02', [{ name: 'lan', ipAddress: '10.215.100.102' }]),
      ownNad('vm-demo', 'web-02', '10.215.100.102/24'),
    ];
    expect(rows([web], live).entries.map(line)).toEqual([
      '10.215.100.101 demo/web web-01 vm-demo: VM stopped (no VMI)',
      '10.215.100.102 demo/web web-02 vm-demo: surplus, kept without --prune: VMI runs',
    ]);
    // --target names one instance: another's surplus is not listed.
    expect(rows([web], live, 'web-01').entries.map(line)).toHaveLength(1);
  });

  test("instances left in the spec's old namespace: listed as kept, and holding the planned addresses", () => {
    const web = specPlan('demo', 'web', { replicas: 1 });
    const old = [vm('web-01'), ownNad('vm-old', 'web-01', '10.215.100.101/24')].map((o) => ({
      ...o,
      metadata: { ...o.metadata, namespace: 'vm-old' },
    }));
    const ledger = addressLedger([web], [], new Map([['vm-demo', []]]), undefined, old);
    expect(ledger.entries.map(line)).toEqual([
      '10.215.100.101 demo/web web-01 vm-demo: held by NetworkAttachmentDefinition vm-old/web-01-lan (demo/web web-01)',
      '10.215.100.101 demo/web web-01 vm-old: left in a namespace the spec moved from: VM stopped (no VMI)',
    ]);
  });

  test("another project's surplus on the same bridge and VLAN holds a planned address", () => {
    const api = specPlan('demo', 'api', { networks: [{ name: 'lan', offset: 102 }] });
    const theirs = ownNad('vm-shop', 'front-02', '10.215.100.102/24', 'front');
    theirs.metadata.labels = { ...theirs.metadata.labels, 'v-auto/project': 'shop' };
    const ledger = addressLedger([api], [], new Map([['vm-demo', []]]), undefined, [theirs]);
    expect(ledger.entries.map(line)).toEqual([
      '10.215.100.102 demo/api api-01 vm-demo: held by NetworkAttachmentDefinition vm-shop/front-02-lan (shop/front front-02)',
    ]);
  });
});
