// OVN-Kubernetes networks in the catalog: localnet and the primary UDN, from config to manifests and the address plan.
import { parse } from 'yaml';
import { ExitCode } from '../../lib/errors.js';
import { findAddressConflicts, describeConflict, type SpecPlan } from '../../lib/plan/address-conflicts.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { errorOf, IMAGE, named, ofKind, renderFor, secretText, settingsFor } from '../helpers/workspace.js';

const OFFICE = {
  type: 'localnet',
  nad_name: 'office',
  physical_network: 'physnet-office',
  vlan: 20,
  ipam: { range: '192.168.20.0/24', gateway: '192.168.20.1', dns: ['192.168.20.53'] },
};
const TENANT = { type: 'udn', ipam: { range: '10.100.0.0/16', offset: 10, reserved: ['10.100.0.11'] } };
const CATALOG = { networks: { office: OFFICE, tenant: TENANT } };

type Vm = {
  spec: {
    template: {
      metadata: { annotations?: Record<string, string> };
      spec: { domain: { devices: { interfaces: object[] } }; networks: object[] };
    };
  };
};

describe('catalog entries type: localnet and type: udn', () => {
  test('a localnet and the primary UDN: no NAD of v-auto, l2bridge, the annotation, the guest config', () => {
    const { manifests } = renderFor({
      config: CATALOG,
      spec: { ...IMAGE, networks: [{ name: 'tenant', offset: 20 }, 'office'], replicas: 2 },
    });
    // OVN-Kubernetes owns both networks' NADs: v-auto renders none.
    expect(ofKind(manifests, 'NetworkAttachmentDefinition')).toEqual([]);
    const vm = named(manifests, 'VirtualMachine', 'web-02') as unknown as Vm;
    const t = vm.spec.template;
    // The UDN NIC asks for no MAC: OVN-Kubernetes derives its pod interface's from the address
    // (0a:58 + 10.100.0.21), and the guest gets that one; a requested one would hold only where the
    // cluster enables preconfigured UDN addresses.
    expect(t.spec.domain.devices.interfaces).toEqual([
      { name: 'tenant', binding: { name: 'l2bridge' } },
      { name: 'office', macAddress: expect.stringMatching(/^0a:76:/), bridge: {} },
    ]);
    expect(t.spec.networks).toEqual([
      { name: 'tenant', pod: {} },
      { name: 'office', multus: { networkName: 'office' } },
    ]);
    // Plain addresses keyed by the interface name: what kubevirt/ipam-extensions parses.
    expect(t.metadata.annotations).toEqual({ 'network.kubevirt.io/addresses': '{"tenant":["10.100.0.21"]}' });
    // The localnet address reaches the guest through its network-config; the UDN's by DHCP.
    const config = parse(secretText(named(manifests, 'Secret', 'web-02-cloud-init'), 'networkdata'));
    const ethernets = Object.values(config.ethernets) as Record<string, unknown>[];
    expect(ethernets).toContainEqual(expect.objectContaining({ addresses: ['192.168.20.102/24'] }));
    expect(ethernets).toContainEqual(
      expect.objectContaining({ match: { macaddress: '0a:58:0a:64:00:15' }, dhcp4: true }),
    );
    expect(JSON.stringify(config)).not.toContain('10.100.0.21');
  });

  test('a localnet without ipam: the NAD named, DHCP in the guest, no address planned', () => {
    const plan = planInstances(
      settingsFor({
        config: { networks: { office: { type: 'localnet', nad_name: 'office' } } },
        spec: { ...IMAGE, network: 'office' },
      }),
    );
    expect(plan.sharedNads).toEqual([]);
    expect(plan.instances[0].nics[0]).toMatchObject({ nadRef: 'office' });
    expect(plan.instances[0].nics[0].address).toBeUndefined();
  });

  test('a reserved UDN address is refused like a bridge one', () => {
    const err = errorOf(() =>
      planInstances(settingsFor({ config: CATALOG, spec: { ...IMAGE, network: 'tenant', replicas: 2 } })),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'web-02: address on network tenant 10.100.0.11 is reserved (ipam.reserved: 10.100.0.11)',
    );
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a localnet without nad_name', { type: 'localnet' }, /networks\.office\.nad_name: is required/],
    [
      'a localnet with a bridge',
      { ...OFFICE, bridge: 'br0' },
      /networks\.office\.bridge: a localnet network takes no other settings than nad_name, physical_network, vlan, mtu, guest_interface, ipam/,
    ],
    [
      'a udn with a nad_name',
      { ...TENANT, nad_name: 'x' },
      /networks\.office\.nad_name: a udn network takes no other settings than guest_interface, ipam/,
    ],
    [
      'ipam.mode on an OVN network',
      { ...TENANT, ipam: { range: '10.0.0.0/24', mode: 'nad' } },
      /networks\.office\.ipam\.mode: unknown key/,
    ],
    [
      'an unknown type',
      { type: 'layer3' },
      /networks\.office\.type: expected one of pod, localnet, udn, got "layer3"/,
    ],
  ])('%s is exit 2', (_what, entry, message) => {
    const err = errorOf(() =>
      settingsFor({ config: { networks: { office: entry } }, spec: { ...IMAGE, network: 'office' } }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(message);
  });

  test('a UDN beside type: pod is two pod networks', () => {
    const err = errorOf(() =>
      planInstances(
        settingsFor({
          config: { networks: { ...CATALOG.networks, pod: { type: 'pod' } } },
          spec: { ...IMAGE, networks: ['pod', 'tenant'] },
        }),
      ),
    );
    expect(err.message).toBe('only one pod network can be attached');
  });
});

describe('one address plan across bridges, localnets and UDNs', () => {
  const specPlan = (
    project: string,
    spec: string,
    config: Record<string, unknown>,
    extra: object = {},
  ): SpecPlan => {
    const settings = settingsFor({ project, specName: spec, config, spec: { ...IMAGE, ...extra } });
    return { project, spec, plan: planInstances(settings) };
  };
  const localnet = (nad: string, physnet: string, vlan: number) => ({
    networks: { office: { ...OFFICE, nad_name: nad, physical_network: physnet, vlan } },
  });

  test.each<[string, SpecPlan[], string[]]>([
    [
      'one localnet NAD name in two namespaces (one ClusterUserDefinedNetwork)',
      [
        specPlan('demo', 'web', CATALOG, { network: 'office' }),
        specPlan('shop', 'front', CATALOG, { network: 'office' }),
      ],
      ['192.168.20.101 on office: demo/web web-01 and shop/front front-01'],
    ],
    [
      'two localnets on one physical network and VLAN',
      [
        specPlan('demo', 'web', localnet('office', 'physnet-office', 20), { network: 'office' }),
        specPlan('demo', 'api', localnet('office-b', 'physnet-office', 20), { network: 'office' }),
      ],
      ['192.168.20.101 on office: demo/web web-01 and demo/api api-01'],
    ],
    [
      'two localnets on one physical network, other VLANs',
      [
        specPlan('demo', 'web', localnet('office', 'physnet-office', 20), { network: 'office' }),
        specPlan('demo', 'api', localnet('office-b', 'physnet-office', 21), { network: 'office' }),
      ],
      [],
    ],
    [
      "two specs on one namespace's UDN",
      [
        specPlan('demo', 'web', CATALOG, { network: 'tenant' }),
        specPlan('demo', 'api', CATALOG, { network: 'tenant' }),
      ],
      ['10.100.0.10 on tenant: demo/web web-01 and demo/api api-01'],
    ],
    [
      'one UDN range in two namespaces: two networks',
      [
        specPlan('demo', 'web', CATALOG, { network: 'tenant' }),
        specPlan('demo', 'api', CATALOG, { network: 'tenant', namespace: 'other' }),
      ],
      [],
    ],
    [
      'a localnet and a bridge with one range: other segments',
      [
        specPlan('demo', 'web', CATALOG, { network: 'office' }),
        specPlan(
          'demo',
          'api',
          { networks: { office: { nad_name: 'office', bridge: 'br-office', vlan: 20, ipam: OFFICE.ipam } } },
          { network: 'office' },
        ),
      ],
      [],
    ],
  ])('%s', (_what, specs, expected) => {
    expect(findAddressConflicts(specs).map(describeConflict)).toEqual(expected);
  });
});
