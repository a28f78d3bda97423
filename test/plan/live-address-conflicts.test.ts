import { ExitCode } from '../../lib/errors.js';
import {
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
