import { ExitCode } from '../../lib/errors.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { errorOf, IMAGE, LAN, settingsFor } from '../helpers/workspace.js';

// Two static entries and a DHCP one, as a config.yaml catalog.
const config = {
  networks: {
    lan: LAN,
    storage: { nad_name: 'storage', bridge: 'br-st', vlan: 300, ipam: { range: '10.30.0.0/24', offset: 11 } },
    office: { nad_name: 'office', bridge: 'br-office' },
  },
};
const addresses = (spec: Record<string, unknown>, sets?: string[]) =>
  planInstances(settingsFor({ config, spec: { ...IMAGE, replicas: 2, ...spec }, sets })).instances.map((i) =>
    i.nics.map((n) => n.address?.ip ?? '-').join(' '),
  );

describe("a spec's own offset for each attached network", () => {
  test.each<[string, Record<string, unknown>, string[] | undefined, string[]]>([
    [
      'plain names keep the catalog offsets',
      { networks: ['lan', 'storage'] },
      undefined,
      ['10.215.100.101 10.30.0.11', '10.215.100.102 10.30.0.12'],
    ],
    ['network: NAME keeps them too', { network: 'lan' }, undefined, ['10.215.100.101', '10.215.100.102']],
    [
      '{name, offset} sets one network',
      { networks: ['lan', { name: 'storage', offset: 120 }] },
      undefined,
      ['10.215.100.101 10.30.0.120', '10.215.100.102 10.30.0.121'],
    ],
    [
      'each network its own',
      { networks: [{ name: 'lan', offset: 150 }, { name: 'storage', offset: 20 }, 'office'] },
      undefined,
      ['10.215.100.150 10.30.0.20 -', '10.215.100.151 10.30.0.21 -'],
    ],
    [
      '{name} alone is a plain name',
      { networks: [{ name: 'lan' }] },
      undefined,
      ['10.215.100.101', '10.215.100.102'],
    ],
    [
      '--set replaces the list, offsets and all',
      { networks: [{ name: 'lan', offset: 150 }] },
      ['networks=[{"name":"lan","offset":130}]'],
      ['10.215.100.130', '10.215.100.131'],
    ],
  ])('%s', (_what, spec, sets, expected) => {
    expect(addresses(spec, sets)).toEqual(expected);
  });

  test.each<[string, unknown, string]>([
    [
      'an offset on a network without ipam',
      [{ name: 'office', offset: 5 }],
      'projects/demo/specs/web.yaml:5: networks[0].offset: network "office" has no static addresses (no ipam) to offset',
    ],
    [
      'offset 0',
      [{ name: 'lan', offset: 0 }],
      'projects/demo/specs/web.yaml:5: networks[0].offset: must be between 1 and 65535, got 0',
    ],
    [
      'a misspelt key',
      [{ name: 'lan', ofset: 5 }],
      'projects/demo/specs/web.yaml:5: networks[0].ofset: unknown key (did you mean "offset"?)',
    ],
    ['no name', [{ offset: 5 }], 'projects/demo/specs/web.yaml:4: networks[0].name: is required'],
    [
      'an offset past the range',
      [{ name: 'lan', offset: 254 }],
      'web-02: address on network lan 10.215.100.255 is the broadcast address (10.215.100.0/24, offset 254)',
    ],
  ])('%s is exit 2', (_what, networks, message) => {
    const err = errorOf(() =>
      planInstances(settingsFor({ config, spec: { ...IMAGE, replicas: 2, networks } })),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });
});
