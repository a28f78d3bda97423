// The simulator's OVN-Kubernetes: the NADs user-defined networks generate, the namespace label rule, the primary UDN's address allocation.
import { startSimulator, type Simulator } from './index.js';

const PRIMARY = 'k8s.ovn.org/primary-user-defined-network';
const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
});
const conf = (sim: Simulator, ns: string, name: string) =>
  JSON.parse(sim.get('NetworkAttachmentDefinition', ns, name).spec.config);

/** A VM on the namespace's primary UDN asking for `ip` (the addresses annotation), its disk a PVC that is bound. */
function udnVm(sim: Simulator, ns: string, name: string, ip?: string) {
  sim.put({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: `${name}-disk`, namespace: ns },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    status: { phase: 'Bound' },
  });
  sim.put({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: ns },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: ip
          ? { annotations: { 'network.kubevirt.io/addresses': JSON.stringify({ tenant: [ip] }) } }
          : {},
        spec: {
          domain: { devices: { interfaces: [{ name: 'tenant', binding: { name: 'l2bridge' } }] } },
          networks: [{ name: 'tenant', pod: {} }],
          volumes: [{ name: 'root', persistentVolumeClaim: { claimName: `${name}-disk` } }],
        },
      },
    },
  });
}

describe('user-defined networks', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ schemasDir: null });
  });
  afterEach(() => sim.stop());

  test('a localnet CUDN and a primary layer2 UDN render the NADs OVN-Kubernetes renders', async () => {
    sim.put(namespace('red', { [PRIMARY]: '' }));
    sim.put(namespace('blue'));
    sim.put({
      apiVersion: 'k8s.ovn.org/v1',
      kind: 'ClusterUserDefinedNetwork',
      metadata: { name: 'office' },
      spec: {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['red', 'blue'] }],
        },
        network: {
          topology: 'Localnet',
          localnet: {
            role: 'Secondary',
            physicalNetworkName: 'physnet1',
            vlan: { mode: 'Access', access: { id: 20 } },
            ipam: { mode: 'Disabled' },
          },
        },
      },
    });
    sim.put({
      apiVersion: 'k8s.ovn.org/v1',
      kind: 'UserDefinedNetwork',
      metadata: { name: 'tenant', namespace: 'red' },
      spec: {
        topology: 'Layer2',
        layer2: { role: 'Primary', subnets: ['10.100.0.0/16'], ipam: { lifecycle: 'Persistent' } },
      },
    });
    sim.put({
      apiVersion: 'k8s.ovn.org/v1',
      kind: 'UserDefinedNetwork',
      metadata: { name: 'tenant', namespace: 'blue' },
      spec: { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['10.100.0.0/16'] } },
    });
    await sim.settle();
    for (const ns of ['red', 'blue'])
      expect(conf(sim, ns, 'office')).toEqual({
        cniVersion: '1.0.0',
        type: 'ovn-k8s-cni-overlay',
        name: 'cluster_udn_office',
        netAttachDefName: `${ns}/office`,
        topology: 'localnet',
        role: 'secondary',
        mtu: 1500,
        physicalNetworkName: 'physnet1',
        vlanID: 20,
      });
    expect(conf(sim, 'red', 'tenant')).toEqual({
      cniVersion: '1.0.0',
      type: 'ovn-k8s-cni-overlay',
      name: 'red_tenant',
      netAttachDefName: 'red/tenant',
      topology: 'layer2',
      role: 'primary',
      joinSubnet: '100.65.0.0/16,fd99::/64',
      transitSubnet: '100.88.0.0/16',
      subnets: '10.100.0.0/16',
      allowPersistentIPs: true,
    });
    const nad = sim.get('NetworkAttachmentDefinition', 'red', 'tenant');
    expect(nad.metadata.labels).toEqual({ 'k8s.ovn.org/user-defined-network': '' });
    expect(nad.metadata.ownerReferences[0]).toMatchObject({ kind: 'UserDefinedNetwork', name: 'tenant' });
    // blue has no label: no primary network there.
    expect(sim.get('NetworkAttachmentDefinition', 'blue', 'tenant')).toBeUndefined();
  });

  test('the primary UDN gives the requested address, keeps it for the VM, and refuses it twice or outside', async () => {
    sim.put(namespace('red', { [PRIMARY]: '' }));
    sim.put({
      apiVersion: 'k8s.ovn.org/v1',
      kind: 'UserDefinedNetwork',
      metadata: { name: 'tenant', namespace: 'red' },
      spec: {
        topology: 'Layer2',
        layer2: { role: 'Primary', subnets: ['10.100.0.0/16'], ipam: { lifecycle: 'Persistent' } },
      },
    });
    await sim.settle();
    udnVm(sim, 'red', 'a', '10.100.0.10');
    udnVm(sim, 'red', 'b', '10.100.0.10');
    udnVm(sim, 'red', 'c', '10.200.0.1');
    udnVm(sim, 'red', 'd');
    await sim.settle();
    const vmi = (name: string) => sim.get('VirtualMachineInstance', 'red', name);
    expect(vmi('a').status.interfaces[0]).toMatchObject({ name: 'tenant', ipAddress: '10.100.0.10' });
    expect(vmi('d').status.phase).toBe('Running');
    expect(vmi('d').status.interfaces[0].ipAddress).toMatch(/^10\.100\.0\.\d+$/);
    const failures = (name: string) =>
      sim
        .list('Event', 'red')
        .filter(
          (e) =>
            e.reason === 'ErrorAllocatingPod' && e.involvedObject.name.startsWith(`virt-launcher-${name}-`),
        )
        .map((e) => e.message);
    expect(vmi('b').status.phase).toBe('Scheduled');
    expect(failures('b')).toEqual([
      expect.stringMatching(/\[10\.100\.0\.10\/16\] .*: provided IP is already allocated$/),
    ]);
    expect(vmi('c').status.phase).toBe('Scheduled');
    expect(failures('c')).toEqual([
      expect.stringMatching(
        /provided IP is not in the valid range\. The range of valid IPs is 10\.100\.0\.0\/16$/,
      ),
    ]);
    // A restart keeps the address: the claim lives as long as the VM.
    sim.remove('VirtualMachineInstance', 'red', 'a');
    await sim.settle();
    expect(vmi('a').status.interfaces[0].ipAddress).toBe('10.100.0.10');
  });
});
