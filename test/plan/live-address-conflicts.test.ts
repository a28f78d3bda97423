import { ExitCode } from '../../lib/errors.js';
import {
  claimsNewAddresses,
  describeLiveConflict,
  findLiveAddressConflicts,
  liveConflictError,
  type LiveObject,
} from '../../lib/plan/live-address-conflicts.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { IMAGE, LAN, settingsFor } from '../helpers/workspace.js';

const plan = planInstances(
  settingsFor({ config: { networks: { lan: LAN } }, spec: { ...IMAGE, network: 'lan', replicas: 2 } }),
);
const labels = (project: string, spec: string, name?: string) => ({
  'v-auto/managed': 'true',
  'v-auto/project': project,
  'v-auto/spec': spec,
  ...(name ? { 'v-auto/name': name } : {}),
});
const nad = (name: string, address: string, l?: Record<string, string>, type = 'static'): LiveObject => ({
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, labels: l },
  spec: {
    config: JSON.stringify({
      cniVersion: '0.3.1',
      type: 'cnv-bridge',
      ipam: { type, addresses: [{ address }] },
    }),
  },
});
const vmi = (name: string, ips: string[], l?: Record<string, string>): LiveObject => ({
  kind: 'VirtualMachineInstance',
  metadata: { name, labels: l },
  status: { interfaces: [{ ipAddress: ips[0], ipAddresses: ips }] },
});

describe('findLiveAddressConflicts', () => {
  test.each<[string, LiveObject[], string[]]>([
    [
      "this instance's own NAD and VMI",
      [
        nad('web-01-lan', '10.215.100.101/24', labels('demo', 'web', 'web-01')),
        vmi('web-01', ['10.215.100.101'], labels('demo', 'web', 'web-01')),
      ],
      [],
    ],
    [
      'a NAD of another spec with the static address',
      [nad('api-01-lan', '10.215.100.101/24', labels('demo', 'api', 'api-01'))],
      [
        '10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition api-01-lan (demo/api api-01)',
      ],
    ],
    [
      "an object with this instance's own NAD name: the change plan decides its owner",
      [nad('web-01-lan', '10.215.100.101/24')],
      [],
    ],
    [
      'a NAD made by hand',
      [nad('legacy', '10.215.100.102/24')],
      ['10.215.100.102 on lan: planned for demo/web web-02, held by NetworkAttachmentDefinition legacy'],
    ],
    [
      "a VMI reporting another instance's address",
      [vmi('web-01', ['10.215.100.102'], labels('demo', 'web', 'web-01'))],
      [
        '10.215.100.102 on lan: planned for demo/web web-02, held by VirtualMachineInstance web-01 (demo/web web-01)',
      ],
    ],
    [
      'a VMI not managed by v-auto',
      [vmi('old-vm', ['10.128.0.5', '10.215.100.101'])],
      ['10.215.100.101 on lan: planned for demo/web web-01, held by VirtualMachineInstance old-vm'],
    ],
    [
      'a conflist NAD',
      [
        {
          kind: 'NetworkAttachmentDefinition',
          metadata: { name: 'list' },
          spec: {
            config: JSON.stringify({
              plugins: [
                { type: 'bridge', ipam: { type: 'static', addresses: [{ address: '10.215.100.101/24' }] } },
              ],
            }),
          },
        },
      ],
      ['10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition list'],
    ],
    [
      'a NAD with empty IPAM, a VMI with other addresses',
      [nad('office', '10.215.100.101/24', undefined, 'dhcp'), vmi('x', ['10.215.100.200'])],
      [],
    ],
  ])('%s', (_what, live, expected) => {
    expect(findLiveAddressConflicts(plan, live).map((c) => describeLiveConflict(plan, c))).toEqual(expected);
  });

  test('the error is exit 2 and lists every address', () => {
    const err = liveConflictError(
      plan,
      findLiveAddressConflicts(plan, [nad('a', '10.215.100.101/24'), nad('b', '10.215.100.102/24')]),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'address already in use: 10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition a\n  also: 10.215.100.102 on lan: planned for demo/web web-02, held by NetworkAttachmentDefinition b',
    );
  });
});

describe('findLiveAddressConflicts: objects in other namespaces', () => {
  const bridgeNad = (namespace: string, name: string, bridge: string, vlan?: number, address?: string) => ({
    kind: 'NetworkAttachmentDefinition',
    metadata: { name, namespace, labels: labels('demo', 'web', name.split('-lan')[0]) },
    spec: {
      config: JSON.stringify({
        cniVersion: '0.3.1',
        type: 'cnv-bridge',
        bridge,
        ...(vlan !== undefined ? { vlan } : {}),
        ipam: address ? { type: 'static', addresses: [{ address }] } : {},
      }),
    },
  });
  const vmiOn = (namespace: string, name: string, nadName: string, ip: string): LiveObject => ({
    kind: 'VirtualMachineInstance',
    metadata: { name, namespace, labels: labels('demo', 'web', name) },
    spec: { networks: [{ name: 'lan', multus: { networkName: nadName } }] },
    status: { interfaces: [{ name: 'lan', ipAddress: ip, ipAddresses: [ip] }] },
  });
  const describe1 = (elsewhere: LiveObject[]) =>
    findLiveAddressConflicts(plan, [], elsewhere).map((c) => describeLiveConflict(plan, c));

  test.each<[string, LiveObject[], string[]]>([
    [
      "this spec's instance left in its old namespace, NAD on the same bridge and VLAN",
      [bridgeNad('vm-old', 'web-01-lan', 'br-lan', 100, '10.215.100.101/24')],
      [
        '10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition vm-old/web-01-lan (demo/web web-01)',
      ],
    ],
    [
      'a VMI there whose NAD (DHCP-less, cloud-init addresses) is on the same bridge and VLAN',
      [
        bridgeNad('vm-old', 'web-02-lan', 'br-lan', 100),
        vmiOn('vm-old', 'web-02', 'web-02-lan', '10.215.100.102'),
      ],
      [
        '10.215.100.102 on lan: planned for demo/web web-02, held by VirtualMachineInstance vm-old/web-02 (demo/web web-02)',
      ],
    ],
    [
      'the same address on another VLAN, or another bridge: another segment',
      [
        bridgeNad('vm-old', 'web-01-lan', 'br-lan', 200, '10.215.100.101/24'),
        bridgeNad('vm-old', 'web-02-lan', 'br-other', 100, '10.215.100.102/24'),
      ],
      [],
    ],
    [
      "a VMI whose NAD is not among v-auto's (not read): not known to be on this bridge",
      [vmiOn('vm-old', 'web-01', 'hand-made', '10.215.100.101')],
      [],
    ],
    [
      'an object of the namespace being deployed: the namespace read judges it, not this one',
      [bridgeNad('vm-demo', 'web-01-lan', 'br-lan', 100, '10.215.100.101/24')],
      [],
    ],
  ])('%s', (_what, elsewhere, expected) => {
    expect(describe1(elsewhere)).toEqual(expected);
  });
});

describe('claimsNewAddresses', () => {
  const own = (name: string, address: string) =>
    nad(`${name}-lan`, `${address}/24`, labels('demo', 'web', name));
  test.each<[string, LiveObject[], boolean]>([
    ['an empty namespace: every address is new', [], true],
    ['one instance deployed, the other new', [own('web-01', '10.215.100.101')], true],
    [
      'both held by their own NADs',
      [own('web-01', '10.215.100.101'), own('web-02', '10.215.100.102')],
      false,
    ],
    [
      "web-02's address held by a VMI of its own (cloud-init addresses, no IPAM in the NAD)",
      [own('web-01', '10.215.100.101'), vmi('web-02', ['10.215.100.102'], labels('demo', 'web', 'web-02'))],
      false,
    ],
    [
      'an address moved: the NAD holds the old one',
      [own('web-01', '10.215.100.101'), own('web-02', '10.215.100.110')],
      true,
    ],
    [
      "held by another spec's object of that name: not this spec's own",
      [
        own('web-01', '10.215.100.101'),
        nad('web-02-lan', '10.215.100.102/24', labels('demo', 'api', 'web-02')),
      ],
      true,
    ],
  ])('%s', (_what, live, expected) => {
    expect(claimsNewAddresses(plan, live)).toBe(expected);
  });
});
