import { load } from 'js-yaml';
import { ExitCode } from '../../lib/errors.js';
import {
  addressDeliveryWarnings,
  cniTypeWarnings,
  setNameWarnings,
} from '../../lib/render/network-config.js';
import {
  errorOf,
  IMAGE,
  LAN,
  named,
  ofKind,
  renderFor,
  secretText,
  type SettingsFor,
} from '../helpers/workspace.js';

const CATALOG = {
  networks: {
    lan: LAN,
    storage: {
      nad_name: 'storage',
      bridge: 'br-st',
      vlan: 300,
      mtu: 9000,
      ipam: { range: '10.215.200.0/24', gateway: '10.215.200.1' },
    },
    office: { nad_name: 'office', bridge: 'br-office' },
    pod: { type: 'pod' },
  },
};

/**
 * The subset of cloud-init's network-config v2 that every renderer reads, as cloud-init documents
 * it (canonical/cloud-init@284c3ed0 doc/rtd/reference/network-config-format-v2.rst) and its schema
 * types it (canonical/cloud-init@904c8d8d cloudinit/config/schemas/schema-network-config-v2.json):
 * `version: 2` at the top, `ethernets` of mappings whose keys are interface names; in each, only
 * known keys with their types. Returns the problems found.
 */
function v2Problems(doc: unknown): string[] {
  const problems: string[] = [];
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!isMap(doc)) return ['not a mapping'];
  for (const key of Object.keys(doc))
    if (!['version', 'renderer', 'ethernets', 'bonds', 'bridges', 'vlans'].includes(key))
      problems.push(`unknown top-level key ${key}`);
  if (doc.version !== 2) problems.push('version is not the integer 2');
  if (!isMap(doc.ethernets)) return [...problems, 'ethernets is not a mapping'];
  const checks: Record<string, (v: unknown) => boolean> = {
    match: (v) =>
      isMap(v) &&
      Object.keys(v).join() === 'macaddress' &&
      typeof v.macaddress === 'string' &&
      /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(v.macaddress),
    'set-name': (v) => typeof v === 'string',
    dhcp4: (v) => typeof v === 'boolean',
    'dhcp4-overrides': (v) =>
      isMap(v) && Object.keys(v).join() === 'route-metric' && Number.isInteger(v['route-metric']),
    addresses: (v) => strings(v) && (v as string[]).every((a) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(a)),
    routes: (v) =>
      Array.isArray(v) &&
      v.every(
        (r) =>
          isMap(r) &&
          typeof r.to === 'string' &&
          (r.metric === undefined || Number.isInteger(r.metric)) &&
          Object.keys(r).every((k) => ['to', 'via', 'metric'].includes(k)),
      ),
    nameservers: (v) =>
      isMap(v) &&
      Object.keys(v).every((k) => ['addresses', 'search'].includes(k)) &&
      strings(v.addresses ?? []),
    mtu: (v) => Number.isInteger(v),
  };
  for (const [id, entry] of Object.entries(doc.ethernets)) {
    if (!isMap(entry)) problems.push(`${id} is not a mapping`);
    else
      for (const [k, v] of Object.entries(entry))
        if (!checks[k]?.(v))
          problems.push(`${id}.${k}: ${checks[k] ? 'wrong type' : 'not in the subset every renderer reads'}`);
  }
  return problems;
}

const generated = (input: SettingsFor, instance = 'web-01') => {
  const text = secretText(
    named(renderFor({ config: CATALOG, ...input }).manifests, 'Secret', `${instance}-cloud-init`),
    'networkdata',
  );
  const doc = load(text);
  expect(v2Problems(doc)).toEqual([]);
  return doc;
};

/** The MAC each interface of the rendered VM asks for, by network name. */
const vmMacs = (input: SettingsFor, instance = 'web-01'): Record<string, string> => {
  const vm = named(renderFor({ config: CATALOG, ...input }).manifests, 'VirtualMachine', instance) as any;
  return Object.fromEntries(
    vm.spec.template.spec.domain.devices.interfaces.map((i: any) => [i.name, i.macAddress]),
  );
};

describe('the generated network-config v2', () => {
  test('the format checker finds what is not network-config v2', () => {
    expect(
      v2Problems({
        version: '2',
        ethernets: { eth0: { gateway: '1.2.3.4', addresses: ['1.2.3.4'], match: { name: 'eth0' } } },
        network: {},
      }),
    ).toEqual([
      'unknown top-level key network',
      'version is not the integer 2',
      'eth0.gateway: not in the subset every renderer reads',
      'eth0.addresses: wrong type',
      'eth0.match: wrong type',
    ]);
  });

  test('one static network: matched by the MAC the VM asks for, address with prefix, default route via the gateway with its metric, DNS', () => {
    const input = { spec: { ...IMAGE, network: 'lan', replicas: 2 } };
    const mac = vmMacs(input, 'web-02');
    expect(mac.lan).toMatch(/^0a:76(:[0-9a-f]{2}){4}$/);
    expect(generated(input, 'web-02')).toEqual({
      version: 2,
      ethernets: {
        lan: {
          match: { macaddress: mac.lan },
          addresses: ['10.215.100.102/24'],
          routes: [{ to: '0.0.0.0/0', via: '10.215.100.1', metric: 50 }],
          nameservers: { addresses: ['10.215.100.53'] },
        },
      },
    });
  });

  test('every attached network on its own MAC; one default route, which DHCP does not outbid; DHCP and pod ask DHCP; MTU', () => {
    const input = { spec: { ...IMAGE, networks: ['office', 'lan', 'storage', 'pod'] } };
    const mac = vmMacs(input);
    expect(new Set(Object.values(mac)).size).toBe(4);
    expect(generated(input)).toEqual({
      version: 2,
      ethernets: {
        office: {
          match: { macaddress: mac.office },
          dhcp4: true,
          'dhcp4-overrides': { 'route-metric': 200 },
        },
        lan: {
          match: { macaddress: mac.lan },
          addresses: ['10.215.100.101/24'],
          routes: [{ to: '0.0.0.0/0', via: '10.215.100.1', metric: 50 }],
          nameservers: { addresses: ['10.215.100.53'] },
        },
        storage: { match: { macaddress: mac.storage }, addresses: ['10.215.200.101/24'], mtu: 9000 },
        pod: { match: { macaddress: mac.pod }, dhcp4: true, 'dhcp4-overrides': { 'route-metric': 200 } },
      },
    });
  });

  test('without a static gateway, DHCP keeps its own route metric', () => {
    const config = { networks: { ...CATALOG.networks, lan: { ...LAN, ipam: { range: '10.215.100.0/24' } } } };
    const input = { config, spec: { ...IMAGE, networks: ['lan', 'pod'] } };
    expect(generated(input)).toMatchObject({ ethernets: { pod: { dhcp4: true } } });
    expect((generated(input) as any).ethernets.pod['dhcp4-overrides']).toBeUndefined();
    expect((generated(input) as any).ethernets.lan.routes).toBeUndefined();
  });

  test('guest_interface names the NIC with set-name, still matched by MAC; two on one name is exit 2', () => {
    const config = { networks: { ...CATALOG.networks, lan: { ...LAN, guest_interface: 'eth0' } } };
    const input = { config, spec: { ...IMAGE, network: 'lan' } };
    expect(generated(input)).toMatchObject({
      ethernets: {
        lan: {
          match: { macaddress: vmMacs(input).lan },
          'set-name': 'eth0',
          addresses: ['10.215.100.101/24'],
        },
      },
    });
    const clash = {
      networks: {
        ...config.networks,
        office: { nad_name: 'office', bridge: 'br-office', guest_interface: 'eth0' },
      },
    };
    const err = errorOf(() => renderFor({ config: clash, spec: { ...IMAGE, networks: ['lan', 'office'] } }));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe('web-01: two attached networks use the guest interface eth0');
  });

  test('the VM reads it: networkDataSecretRef beside the userdata', () => {
    const vm = named(
      renderFor({ config: CATALOG, spec: { ...IMAGE, network: 'lan' } }).manifests,
      'VirtualMachine',
      'web-01',
    ) as any;
    expect(vm.spec.template.spec.volumes[1].cloudInitNoCloud).toEqual({
      secretRef: { name: 'web-01-cloud-init' },
      networkDataSecretRef: { name: 'web-01-cloud-init' },
    });
  });

  test.each<[string, SettingsFor]>([
    ['no static network', { spec: { ...IMAGE, networks: ['office', 'pod'] } }],
    ['generate_network_data: false', { spec: { ...IMAGE, network: 'lan', generate_network_data: false } }],
    [
      '--set generate_network_data=false',
      { spec: { ...IMAGE, network: 'lan' }, sets: ['generate_network_data=false'] },
    ],
  ])('none with %s: the Secret has userdata only, the VM no networkDataSecretRef', (_what, input) => {
    const { manifests } = renderFor({ config: CATALOG, ...input });
    expect(Object.keys(named(manifests, 'Secret', 'web-01-cloud-init').data as object)).toEqual(['userdata']);
    expect(
      (named(manifests, 'VirtualMachine', 'web-01') as any).spec.template.spec.volumes[1].cloudInitNoCloud,
    ).toEqual({ secretRef: { name: 'web-01-cloud-init' } });
  });

  test('network_data given: it is used as written, nothing generated', () => {
    const { manifests } = renderFor({
      config: CATALOG,
      spec: { ...IMAGE, network: 'lan', network_data: 'version: 2\n# {{ ip }}\n' },
    });
    expect(secretText(named(manifests, 'Secret', 'web-01-cloud-init'), 'networkdata')).toBe(
      'version: 2\n# 10.215.100.101\n',
    );
  });

  test('generate_network_data takes true or false only', () => {
    expect(
      errorOf(() => renderFor({ config: CATALOG, spec: { ...IMAGE, generate_network_data: 'no' } })).message,
    ).toBe('projects/demo/specs/web.yaml:2: generate_network_data: expected true or false, got "no"');
  });
});

describe('warnings about the NAD and the guest NIC', () => {
  test('a configured cni_type cnv-bridge is warned about; the default bridge is not', () => {
    const typed = { networks: { ...CATALOG.networks, lan: { ...LAN, cni_type: 'cnv-bridge' } } };
    expect(
      cniTypeWarnings(renderFor({ config: typed, spec: { ...IMAGE, networks: ['lan', 'office'] } }).plan),
    ).toEqual([
      'network lan: cni_type cnv-bridge: VMs on cnv-bridge fail to live-migrate after an update from OpenShift 4.12 (a known issue in the 4.19–4.22 release notes); remove cni_type to use bridge, the documented type',
    ]);
    expect(
      cniTypeWarnings(renderFor({ config: CATALOG, spec: { ...IMAGE, networks: ['lan', 'office'] } }).plan),
    ).toEqual([]);
  });

  test('guest_interface beside DNS servers is warned about (cloud-init 22.3–24.3 stop on it)', () => {
    const named = { networks: { ...CATALOG.networks, lan: { ...LAN, guest_interface: 'eth0' } } };
    expect(setNameWarnings(renderFor({ config: named, spec: { ...IMAGE, network: 'lan' } }).plan)).toEqual([
      expect.stringMatching(/^network lan: guest_interface with ipam.dns: cloud-init 22.3 to 24.3 fail/),
    ]);
    expect(setNameWarnings(renderFor({ config: CATALOG, spec: { ...IMAGE, network: 'lan' } }).plan)).toEqual(
      [],
    );
  });
});

describe('a static address that reaches no guest configuration', () => {
  const warnings = (input: SettingsFor) =>
    addressDeliveryWarnings(renderFor({ config: CATALOG, ...input }).plan);
  test.each<[string, SettingsFor, string[]]>([
    ['generated', { spec: { ...IMAGE, networks: ['lan', 'storage'] } }, []],
    [
      'opted out, no template reads it',
      { spec: { ...IMAGE, networks: ['lan', 'storage'], generate_network_data: false } },
      [
        'network lan: no cloud-init configuration gives the guest its static address (generate_network_data is false, and no cloud_init or network_data template uses static_ip, ip or interfaces): the VM boots without it',
        'network storage: no cloud-init configuration gives the guest its static address (generate_network_data is false, and no cloud_init or network_data template uses interfaces): the VM boots without it',
      ],
    ],
    [
      'network_data reads static_ip: only the first static network reaches the guest',
      { spec: { ...IMAGE, networks: ['lan', 'storage'], network_data: 'version: 2 # {{ static_ip }}' } },
      [
        'network storage: no cloud-init configuration gives the guest its static address (network_data is given, and no cloud_init or network_data template uses interfaces): the VM boots without it',
      ],
    ],
    [
      'cloud_init reads interfaces',
      {
        spec: {
          ...IMAGE,
          networks: ['lan', 'storage'],
          generate_network_data: false,
          cloud_init: '#cloud-config\n# {{#each interfaces}}{{ip}}{{/each}}\n',
        },
      },
      [],
    ],
    ['no static network', { spec: { ...IMAGE, networks: ['office'], generate_network_data: false } }, []],
  ])('%s', (_what, input, expected) => {
    expect(warnings(input)).toEqual(expected);
  });
});

describe('ipam.mode cloud-init', () => {
  const config = {
    networks: { ...CATALOG.networks, lan: { ...LAN, ipam: { ...LAN.ipam, mode: 'cloud-init' } } },
  };
  test('one shared NAD without IPAM for all instances, the address only in the guest network-config', () => {
    const { manifests, plan } = renderFor({ config, spec: { ...IMAGE, network: 'lan', replicas: 3 } });
    const nads = ofKind(manifests, 'NetworkAttachmentDefinition');
    expect(nads.map((n) => n.metadata.name)).toEqual(['lan']);
    expect(nads[0].metadata.labels).toEqual({
      'v-auto/managed': 'true',
      'v-auto/project': 'demo',
      'v-auto/shared': 'true',
    });
    expect(JSON.parse((nads[0].spec as { config: string }).config)).toEqual({
      cniVersion: '0.3.1',
      name: 'lan',
      type: 'bridge',
      bridge: 'br-lan',
      vlan: 100,
      preserveDefaultVlan: false,
      macspoofchk: true,
      disableContainerInterface: true,
    });
    const vm = named(manifests, 'VirtualMachine', 'web-03') as any;
    expect(vm.spec.template.spec.networks).toEqual([{ name: 'lan', multus: { networkName: 'lan' } }]);
    expect(plan.sharedNads.map((n) => n.name)).toEqual(['lan']);
    expect(plan.instances[2].nics[0]).toMatchObject({
      nadRef: 'lan',
      address: { cidr: '10.215.100.103/24' },
    });
    expect(plan.instances[2].nics[0].ownNad).toBeUndefined();
    expect(load(secretText(named(manifests, 'Secret', 'web-03-cloud-init'), 'networkdata'))).toMatchObject({
      ethernets: {
        lan: {
          match: { macaddress: vm.spec.template.spec.domain.devices.interfaces[0].macAddress },
          addresses: ['10.215.100.103/24'],
        },
      },
    });
  });

  test('an explicit cni_type is kept; nad stays the default mode with one NAD per instance', () => {
    const typed = { networks: { lan: { ...config.networks.lan, cni_type: 'cnv-bridge' } } };
    const nad = named(
      renderFor({ config: typed, spec: { ...IMAGE, network: 'lan' } }).manifests,
      'NetworkAttachmentDefinition',
      'lan',
    );
    expect(JSON.parse((nad.spec as { config: string }).config).type).toBe('cnv-bridge');
    const { manifests } = renderFor({ config: CATALOG, spec: { ...IMAGE, network: 'lan', replicas: 2 } });
    expect(ofKind(manifests, 'NetworkAttachmentDefinition').map((n) => n.metadata.name)).toEqual([
      'web-01-lan',
      'web-02-lan',
    ]);
  });

  test('a mode that is neither is exit 2 with a suggestion', () => {
    const bad = { networks: { lan: { ...LAN, ipam: { ...LAN.ipam, mode: 'cloudinit' } } } };
    expect(errorOf(() => renderFor({ config: bad, spec: { ...IMAGE, network: 'lan' } })).message).toMatch(
      /networks\.lan\.ipam\.mode: expected one of nad, cloud-init, got "cloudinit" \(did you mean "cloud-init"\?\)$/,
    );
  });
});
