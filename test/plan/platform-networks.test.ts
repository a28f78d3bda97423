// Localnet and UDN entries against the NADs OVN-Kubernetes made in the namespace, and UDN address requests held by other VMs.
import { ExitCode } from '../../lib/errors.js';
import { findLiveAddressConflicts, type LiveObject } from '../../lib/plan/live-address-conflicts.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import { platformNetworkProblems, type NamespaceView } from '../../lib/plan/platform-networks.js';
import { IMAGE, settingsFor } from '../helpers/workspace.js';

const CATALOG = {
  networks: {
    office: {
      type: 'localnet',
      nad_name: 'office',
      physical_network: 'physnet-office',
      vlan: 20,
      ipam: { range: '192.168.20.0/24' },
    },
    tenant: { type: 'udn', ipam: { range: '10.100.0.0/16', offset: 10 } },
  },
};
const plan = (networks: string[], replicas = 1) =>
  planInstances(settingsFor({ config: CATALOG, spec: { ...IMAGE, networks, replicas } }));

/** A NAD as OVN-Kubernetes renders it (net-attach-def-template.go renderCNINetworkConfig). */
const nad = (name: string, config: Record<string, unknown>): LiveObject => ({
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, labels: { 'k8s.ovn.org/user-defined-network': '' } },
  spec: {
    config: JSON.stringify({
      cniVersion: '1.0.0',
      type: 'ovn-k8s-cni-overlay',
      netAttachDefName: `vm-demo/${name}`,
      ...config,
    }),
  },
});
const LOCALNET = nad('office', {
  name: 'cluster_udn_office',
  topology: 'localnet',
  role: 'secondary',
  physicalNetworkName: 'physnet-office',
  vlanID: 20,
});
const PRIMARY = nad('tenant', {
  name: 'vm-demo_tenant',
  topology: 'layer2',
  role: 'primary',
  subnets: '10.100.0.0/16',
  allowPersistentIPs: true,
});
const EXISTS: NamespaceView = { exists: true };

const problem = (networks: string[], live: LiveObject[], ns: NamespaceView = EXISTS, replicas = 1) =>
  platformNetworkProblems(plan(networks, replicas), live, ns);

describe('platformNetworkProblems', () => {
  test('a localnet and a primary UDN as OVN made them: no problem', () => {
    expect(problem(['tenant', 'office'], [LOCALNET, PRIMARY])).toBeUndefined();
  });

  test.each<[string, string[], LiveObject[], NamespaceView, string, RegExp | undefined]>([
    [
      'a localnet NAD that is not there',
      ['office'],
      [nad('other', { topology: 'localnet' }), nad('lan', { topology: 'layer2', role: 'secondary' })],
      EXISTS,
      'network office: NetworkAttachmentDefinition office does not exist in namespace vm-demo; networks there: lan, other',
      /ClusterUserDefinedNetwork selects/,
    ],
    [
      'a localnet in a namespace that does not exist yet',
      ['office'],
      [],
      { exists: false },
      'network office: NetworkAttachmentDefinition office does not exist in namespace vm-demo (the namespace does not exist yet); networks there: none',
      undefined,
    ],
    [
      'a localnet on another VLAN',
      ['office'],
      [{ ...LOCALNET, spec: { config: LOCALNET.spec!.config!.replace('"vlanID":20', '"vlanID":30') } }],
      EXISTS,
      'network office: NetworkAttachmentDefinition office is on VLAN 30, not 20 as vlan says',
      undefined,
    ],
    [
      'a bridge NAD named as the localnet',
      ['office'],
      [
        {
          kind: 'NetworkAttachmentDefinition',
          metadata: { name: 'office' },
          spec: { config: '{"type":"bridge","bridge":"br1"}' },
        },
      ],
      EXISTS,
      'network office: NetworkAttachmentDefinition office is not an OVN-Kubernetes localnet (type bridge, topology none): use type: localnet only for one',
      undefined,
    ],
    [
      'a UDN namespace without the label',
      ['tenant'],
      [],
      { exists: true, labels: { 'kubernetes.io/metadata.name': 'vm-demo' } },
      'network tenant: namespace vm-demo exists without the label k8s.ovn.org/primary-user-defined-network, so it can have no primary user-defined network',
      /only be given when a namespace is created/,
    ],
    [
      'a labelled namespace without a primary network',
      ['tenant'],
      [LOCALNET],
      { exists: true, labels: { 'k8s.ovn.org/primary-user-defined-network': '' } },
      'network tenant: namespace vm-demo has no primary user-defined network (no NetworkAttachmentDefinition with role primary)',
      undefined,
    ],
    [
      'a primary network that does not keep addresses',
      ['tenant'],
      [nad('tenant', { topology: 'layer2', role: 'primary', subnets: '10.100.0.0/16' })],
      EXISTS,
      'network tenant: the primary network of namespace vm-demo (NetworkAttachmentDefinition tenant) does not keep addresses (its ipam.lifecycle is not Persistent): KubeVirt ignores the address request, and the VMs would get any address',
      undefined,
    ],
    [
      'a layer3 primary network',
      ['tenant'],
      [nad('tenant', { topology: 'layer3', role: 'primary', subnets: '10.100.0.0/16/24' })],
      EXISTS,
      'network tenant: the primary network of namespace vm-demo (NetworkAttachmentDefinition tenant) has topology layer3: OVN-Kubernetes honours an address request only on a layer2 network',
      undefined,
    ],
    [
      'an address outside the UDN subnets',
      ['tenant'],
      [
        nad('tenant', {
          topology: 'layer2',
          role: 'primary',
          subnets: '10.200.0.0/16',
          allowPersistentIPs: true,
        }),
      ],
      EXISTS,
      "web-01: address 10.100.0.10 on network tenant is outside the subnets of vm-demo's primary network (10.200.0.0/16)",
      undefined,
    ],
    [
      'an address in an excluded range',
      ['tenant'],
      [
        nad('tenant', {
          topology: 'layer2',
          role: 'primary',
          subnets: '10.100.0.0/16',
          excludeSubnets: '10.100.0.8/29',
          allowPersistentIPs: true,
        }),
      ],
      EXISTS,
      "web-01: address 10.100.0.10 on network tenant is in 10.100.0.8/29, which vm-demo's primary network keeps from workloads",
      undefined,
    ],
  ])('%s is exit 2', (_what, networks, live, ns, message, hint) => {
    const err = problem(networks, live, ns)!;
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
    if (hint) expect(err.hint).toMatch(hint);
  });

  test('a namespace deploy will create: the UDN comes with the label, nothing to check yet', () => {
    expect(problem(['tenant'], [], { exists: false })).toBeUndefined();
  });
});

test("a deployed VM's UDN address that would change: exit 2, its IPAMClaim keeps the old one", () => {
  const deployed = {
    kind: 'VirtualMachine',
    metadata: {
      name: 'web-01',
      labels: {
        'v-auto/managed': 'true',
        'v-auto/project': 'demo',
        'v-auto/spec': 'web',
        'v-auto/name': 'web-01',
      },
    },
    spec: {
      template: {
        metadata: { annotations: { 'network.kubevirt.io/addresses': '{"tenant":["10.100.0.30"]}' } },
      },
    },
  } as LiveObject;
  const err = problem(['tenant'], [PRIMARY, deployed])!;
  expect(err.exitCode).toBe(ExitCode.USAGE);
  expect(err.message).toBe(
    'web-01: its address on network tenant would change from 10.100.0.30 to 10.100.0.10, but its IPAMClaim web-01.tenant keeps 10.100.0.30: OVN-Kubernetes would refuse to start the VM again',
  );
  expect(err.hint).toBe(
    'keep the deployed addresses (the network\'s range, offset and reserved as they were), or run "v-auto demo web delete --target web-01" and deploy again',
  );
  // The same address, or a VM of another spec (the change plan refuses that one): no problem here.
  expect(
    problem(
      ['tenant'],
      [
        PRIMARY,
        {
          ...deployed,
          spec: {
            template: {
              metadata: { annotations: { 'network.kubevirt.io/addresses': '{"tenant":["10.100.0.10"]}' } },
            },
          },
        },
      ],
    ),
  ).toBeUndefined();
  expect(problem(['tenant'], [PRIMARY, { ...deployed, metadata: { name: 'web-01' } }])).toBeUndefined();
});

describe('a UDN address another VM asks for', () => {
  const vm = (name: string, addresses: string, labels: Record<string, string> = {}): LiveObject =>
    ({
      kind: 'VirtualMachine',
      metadata: { name, labels },
      spec: { template: { metadata: { annotations: { 'network.kubevirt.io/addresses': addresses } } } },
    }) as LiveObject;

  test("a stopped VM's request holds the address; the instance's own VM does not", () => {
    const conflicts = findLiveAddressConflicts(plan(['tenant'], 2), [
      vm('legacy', '{"default":["10.100.0.11"]}'),
      vm('web-01', '{"tenant":["10.100.0.10"]}'),
    ]);
    expect(conflicts).toEqual([
      { address: '10.100.0.11', network: 'tenant', instance: 'web-02', heldBy: 'VirtualMachine legacy' },
    ]);
  });

  test('an annotation KubeVirt cannot read asks for nothing', () => {
    expect(findLiveAddressConflicts(plan(['tenant']), [vm('legacy', '{not json')])).toEqual([]);
  });
});
