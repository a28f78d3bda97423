// A localnet and a primary UDN through the real kubectl against the simulator's OVN-Kubernetes: deploy, redeploy, status, addresses, delete, and the refusals.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { installOvnSite, writeOvnProject } from '../helpers/ovn-site.js';
import { startE2E, writes, type E2E } from '../helpers/e2e.js';

describe('a spec on a localnet and a primary UDN', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await installOvnSite(e2e, ['vm-ovn', 'vm-solo'], ['vm-ovn']);
    writeOvnProject(e2e, 'vm-ovn', 'vm-solo');
  });
  afterAll(() => e2e.close());

  test('deploys: l2bridge and the address annotation, the localnet NAD left to OVN, addresses in the VMIs', async () => {
    const r = await e2e.run(['ovn', 'app', 'deploy', '--yes', '--wait', '120']);
    expect(r.stderr).toBe('2/2 ready\n');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('NetworkAttachmentDefinition');
    const vm = e2e.sim.get('VirtualMachine', 'vm-ovn', 'app-02');
    expect(vm.spec.template.metadata.annotations).toMatchObject({
      'network.kubevirt.io/addresses': '{"tenant":["10.100.0.11"]}',
    });
    expect(vm.spec.template.spec.domain.devices.interfaces[0]).toEqual({
      name: 'tenant',
      binding: { name: 'l2bridge' },
    });
    const ifaces = e2e.sim.get('VirtualMachineInstance', 'vm-ovn', 'app-02').status.interfaces;
    // No MAC asked for on the UDN: the guest has OVN-Kubernetes' (0a:58 + 10.100.0.11).
    expect(ifaces[0].mac).toBe('0a:58:0a:64:00:0b');
    expect(ifaces.map((i: { name: string; ipAddress?: string }) => [i.name, i.ipAddress])).toEqual([
      ['tenant', '10.100.0.11'],
      ['office', '192.168.20.102'],
    ]);
    // OVN's NADs are still the only ones, and still OVN's.
    expect(
      e2e.sim
        .list('NetworkAttachmentDefinition', 'vm-ovn')
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['office', 'tenant']);
  });

  test('inspect says what each network is and how its address gets there', async () => {
    const r = await e2e.run(['ovn', 'app', 'inspect']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "    tenant: the namespace's primary user-defined network (l2bridge); static 10.100.0.0/16 from offset 10, asked for with the network.kubevirt.io/addresses annotation\n",
    );
    expect(r.stdout).toContain(
      "    office: OVN-Kubernetes localnet NAD office on physnet-office vlan 20 (not managed by v-auto); static 192.168.20.0/24 from offset 101, gateway 192.168.20.1, dns 192.168.20.53, the address only in the guest's network-config\n",
    );
  });

  test('redeploys as all [SKIPPED], sending nothing', async () => {
    e2e.resetCalls();
    const r = await e2e.run(['ovn', 'app', 'deploy', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[SUCCESS]');
    expect(r.stdout).toContain('0 succeeded, 6 skipped, 0 failed');
    expect(e2e.calls().some(writes)).toBe(false);
  });

  test('status shows each VM with its addresses', async () => {
    const r = await e2e.run(['ovn', 'app', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/app-01\s+Running\s+true\s+Running\s+\S*10\.100\.0\.10/);
    expect(r.stdout).toMatch(/app-02\s.*192\.168\.20\.102/);
  });

  test('addresses shows both networks, as the VMIs report them', async () => {
    const r = await e2e.run(['ovn', 'addresses']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const line of [
      /office\s+192\.168\.20\.101\s+\S*\s*ovn\/app\s+app-01\s+VMI 192\.168\.20\.101/,
      /office\s+192\.168\.20\.102\s+\S*\s*ovn\/app\s+app-02\s+VMI 192\.168\.20\.102/,
      /tenant\s+10\.100\.0\.10\s+0a:58:0a:64:00:0a\s+ovn\/app\s+app-01\s+VMI 10\.100\.0\.10/,
      /tenant\s+10\.100\.0\.11\s+0a:58:0a:64:00:0b\s+ovn\/app\s+app-02\s+VMI 10\.100\.0\.11/,
    ])
      expect(r.stdout).toMatch(line);
  });

  test("a new offset would move deployed VMs' UDN addresses, which their IPAMClaims keep: exit 2, nothing sent", async () => {
    e2e.resetCalls();
    const r = await e2e.run(['ovn', 'app', 'deploy', '--yes', '--set', 'networks.tenant.ipam.offset=30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'v-auto: app-01: its address on network tenant would change from 10.100.0.10 to 10.100.0.30, but its IPAMClaim app-01.tenant keeps 10.100.0.10: OVN-Kubernetes would refuse to start the VM again\n',
    );
    expect(e2e.calls().some(writes)).toBe(false);
  });

  test('a UDN spec in a new namespace: deploy creates it with the label, OVN gives the planned address', async () => {
    const r = await e2e.run(['ovn', 'solo', 'deploy', '--yes', '--wait', '120']);
    expect(r.stderr).toBe('1/1 ready\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SUCCESS] Namespace vm-solo (created)');
    expect(e2e.sim.get('Namespace', undefined, 'vm-solo').metadata.labels).toMatchObject({
      'k8s.ovn.org/primary-user-defined-network': '',
    });
    const vmi = e2e.sim.get('VirtualMachineInstance', 'vm-solo', 'solo-01');
    expect(vmi.status.interfaces[0]).toMatchObject({ name: 'tenant', ipAddress: '10.100.0.50' });
  });

  test('a UDN address another VM of the namespace asks for: exit 2, nothing sent', async () => {
    e2e.sim.put({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'imported', namespace: 'vm-ovn' },
      spec: {
        runStrategy: 'Halted',
        template: {
          metadata: { annotations: { 'network.kubevirt.io/addresses': '{"default":["10.100.0.12"]}' } },
          spec: { domain: { devices: {} } },
        },
      },
    });
    e2e.resetCalls();
    const r = await e2e.run(['ovn', 'app', 'deploy', '--yes', '--replicas', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'v-auto: address already in use: 10.100.0.12 on tenant: planned for ovn/app app-03, held by VirtualMachine imported\n',
    );
    expect(e2e.calls().some(writes)).toBe(false);
    e2e.sim.remove('VirtualMachine', 'vm-ovn', 'imported');
    await e2e.sim.settle(); // its VM finalizer processed
  });

  test('is deleted, and the networks OVN made stay', async () => {
    const r = await e2e.run(['ovn', 'app', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[DELETED] VirtualMachine app-01');
    expect(e2e.sim.list('VirtualMachine', 'vm-ovn')).toHaveLength(0);
    expect(e2e.sim.list('NetworkAttachmentDefinition', 'vm-ovn')).toHaveLength(2);
  });
});

describe('what OVN-Kubernetes has not made is exit 2 before anything is sent', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    // vm-plain exists without the label; vm-ovn is not selected by the localnet.
    await installOvnSite(e2e, ['vm-plain'], []);
    e2e.sim.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vm-plain' } });
    writeOvnProject(e2e, 'vm-plain', 'vm-plain');
  });
  afterAll(() => e2e.close());

  test('a UDN spec in a namespace that exists without the label', async () => {
    e2e.resetCalls();
    const r = await e2e.run(['ovn', 'solo', 'deploy', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'v-auto: network tenant: namespace vm-plain exists without the label k8s.ovn.org/primary-user-defined-network, so it can have no primary user-defined network\n' +
        'hint: the label can only be given when a namespace is created (OVN-Kubernetes refuses adding it later): set namespace: to a new one in the spec, which deploy creates with the label\n',
    );
    expect(e2e.calls().some(writes)).toBe(false);
  });

  test('and the label cannot be added later: the platform refuses it', async () => {
    let err = '';
    try {
      // Not execFileSync: the simulator answers from this very process.
      await promisify(execFile)(
        e2e.kubectl,
        [
          '--kubeconfig',
          e2e.sim.kubeconfigPath,
          'label',
          'namespace',
          'vm-plain',
          'k8s.ovn.org/primary-user-defined-network=',
        ],
        { encoding: 'utf8' },
      );
    } catch (e) {
      err = (e as { stderr: string }).stderr;
    }
    expect(err).toContain(
      "ValidatingAdmissionPolicy 'user-defined-networks-namespace-label' with binding 'user-defined-networks-namespace-label-binding' denied request: The 'k8s.ovn.org/primary-user-defined-network' label cannot be added/removed after the namespace was created",
    );
  });

  test('a localnet whose NAD is not in the namespace names the networks that are', async () => {
    e2e.sim.remove('ClusterUserDefinedNetwork', undefined, 'office');
    await e2e.sim.settle();
    e2e.resetCalls();
    const r = await e2e.run(['ovn', 'app', 'deploy', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '  also: network office: NetworkAttachmentDefinition office does not exist in namespace vm-plain; networks there: none\n',
    );
    expect(e2e.calls().some(writes)).toBe(false);
  });
});
