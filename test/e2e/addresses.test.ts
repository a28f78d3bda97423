// The live address check at deploy, through the real kubectl against the simulator.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { startE2E, writes, type E2E } from '../helpers/e2e.js';

describe('deploy refuses planned addresses the namespace already holds', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('a NAD made by hand and a foreign VMI holding web-01 and web-02: exit 2, nothing applied', async () => {
    const first = await e2e.run(['demo', 'db', 'deploy']); // creates the namespace
    expect(first.code).toBe(0);
    e2e.sim.put({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'legacy-lan', namespace: 'vm-demo' },
      spec: {
        config: JSON.stringify({
          cniVersion: '0.3.1',
          type: 'cnv-bridge',
          bridge: 'br-lan',
          ipam: { type: 'static', addresses: [{ address: '10.215.100.101/24' }] },
        }),
      },
    });
    e2e.sim.put({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: 'old-vm', namespace: 'vm-demo' },
      spec: { domain: { devices: {} } },
      status: {
        phase: 'Running',
        interfaces: [{ name: 'lan', ipAddress: '10.215.100.102', ipAddresses: ['10.215.100.102'] }],
      },
    });
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'v-auto: address already in use: 10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition legacy-lan\n',
    );
    expect(r.stderr).toContain(
      '  also: 10.215.100.102 on lan: planned for demo/web web-02, held by VirtualMachineInstance old-vm\n',
    );
    expect(r.calls.some(writes)).toBe(false);
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01')).toBeUndefined();
  });
});

describe("deploy checks planned addresses against v-auto's objects in every namespace", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('after a namespace: change the old instances keep their addresses: exit 2, nothing applied; a user who may not list everywhere is warned', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
    const moved = ['--set', 'namespace=vm-moved'];
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', ...moved]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'v-auto: address already in use: 10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition vm-demo/web-01-lan (demo/web web-01)\n',
    );
    // One read of v-auto's address-holding kinds in every namespace, by label, in one kubectl.
    expect(r.calls.filter((c) => c.includes(' -A '))).toEqual([
      expect.stringMatching(
        /^get network-attachment-definitions\.v1\.k8s\.cni\.cncf\.io,virtualmachines\.v1\.kubevirt\.io,virtualmachineinstances\.v1\.kubevirt\.io -A -l v-auto\/managed=true -o json /,
      ),
    ]);
    expect(r.calls.some(writes)).toBe(false);
    expect(e2e.sim.list('VirtualMachine', 'vm-moved')).toEqual([]);

    // A redeploy in place claims nothing new: no read beyond the namespace's.
    const again = await e2e.run(['demo', 'web', 'deploy', '--yes']);
    expect(again.code).toBe(0);
    expect(again.calls.some((c) => c.includes(' -A '))).toBe(false);

    // RBAC that grants list in namespaces only: the namespace check alone, and a warning saying so.
    e2e.sim.faults.forbidden = [{ resource: 'virtualmachineinstances', verb: 'list', clusterWide: true }];
    try {
      const limited = await e2e.run(['demo', 'web', 'deploy', '--dry-run', ...moved]);
      expect(limited.code).toBe(0);
      expect(limited.stderr).toContain(
        "v-auto: warning: this user may not list v-auto's VMs, VMIs and NADs in every namespace: planned addresses were checked against this namespace only",
      );
    } finally {
      e2e.sim.faults.forbidden = [];
    }
  });
});

describe('a workspace conflict between a deployed spec and one not deployed yet', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('the hint moves the one not deployed yet, from either side', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'api.yaml'),
      'image_url: http://mirror.example.internal/api.qcow2\nnetworks: [{name: lan, offset: 102}]\n',
    );
    const move = 'give demo/api addresses of its own on this segment: in projects/demo/specs/api.yaml';
    const redeploy = await e2e.run(['demo', 'web', 'deploy', '--yes']);
    expect(redeploy.code).toBe(2);
    expect(redeploy.stderr).toContain(
      'v-auto: address conflict: 10.215.100.102 on lan: demo/api api-01 and demo/web web-02\n',
    );
    expect(redeploy.stderr).toContain(
      `hint: demo/web web-02 is deployed and demo/api api-01 is not yet: ${move} attach it as {name: lan, offset: 103}`,
    );
    const api = await e2e.run(['demo', 'api', 'deploy', '--yes']);
    expect(api.code).toBe(2);
    expect(api.stderr).toContain(`hint: ${move} attach it as {name: lan, offset: 103}`);
    expect([...redeploy.calls, ...api.calls].some(writes)).toBe(false);
  });
});

describe('a spec the workspace check leaves out', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('is named in a warning with its reason, and what it has deployed still counts', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
    // A typo in web's file: it cannot be planned any more, while its VMs keep running.
    const web = path.join(e2e.home, 'projects', 'demo', 'specs', 'web.yaml');
    writeFileSync(web, `${readFileSync(web, 'utf8')}\nreplicas: [\n`);
    mkdirSync(path.join(e2e.home, 'projects', 'shop', 'specs'), { recursive: true });
    writeFileSync(
      path.join(e2e.home, 'projects', 'shop', 'config.yaml'),
      readFileSync(path.join(e2e.home, 'projects', 'demo', 'config.yaml'), 'utf8').replace(
        'namespace: vm-demo',
        'namespace: vm-shop',
      ),
    );
    writeFileSync(
      path.join(e2e.home, 'projects', 'shop', 'specs', 'front.yaml'),
      'image_url: http://mirror.example.internal/f.qcow2\nnetwork: lan\n',
    );
    const inspect = await e2e.run(['shop', 'front', 'inspect']);
    expect(inspect.code).toBe(0);
    expect(inspect.stderr).toMatch(
      /^v-auto: warning: address check: demo\/web was left out, it cannot be planned \(.+\); what it plans is not compared, what it has deployed is still checked at deploy\n$/,
    );
    const r = await e2e.run(['shop', 'front', 'deploy', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'v-auto: address already in use: 10.215.100.101 on lan: planned for shop/front front-01, held by NetworkAttachmentDefinition vm-demo/web-01-lan (demo/web web-01)\n',
    );
    expect(r.calls.some(writes)).toBe(false);
  });
});

describe('the address ledger against the cluster', () => {
  let e2e: E2E;
  const writeSpec = (name: string, text: string) =>
    writeFileSync(path.join(e2e.home, 'projects', 'demo', 'specs', `${name}.yaml`), text);
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('before and after deploy, a NAD made by hand, a spec that cannot be planned, -o json', async () => {
    const before = await e2e.run(['demo', 'addresses']);
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    // The planned MACs: what deploy then asks for (checked against the VMs below).
    const planned = [...before.stdout.matchAll(/ (0a:76(?::[0-9a-f]{2}){4}) /g)].map((m) => m[1]);
    expect(planned).toHaveLength(2);
    expect(before.stdout).toBe(
      [
        'project demo: 2 planned addresses in 1 spec',
        '',
        'NETWORK  ADDRESS         MAC                SPEC      INSTANCE  CLUSTER',
        `lan      10.215.100.101  ${planned[0]}  demo/web  web-01    not deployed`,
        `lan      10.215.100.102  ${planned[1]}  demo/web  web-02    not deployed`,
        '',
      ].join('\n'),
    );
    // One get of VMs, VMIs and NADs in the one namespace the project's addresses live in, and one
    // of v-auto's in every namespace.
    const kinds =
      'get network-attachment-definitions.v1.k8s.cni.cncf.io,virtualmachines.v1.kubevirt.io,virtualmachineinstances.v1.kubevirt.io';
    expect(before.calls.map((c) => c.split(' ').slice(0, 5).join(' ')).sort()).toEqual([
      `${kinds} -A -l v-auto/managed=true`,
      `${kinds} -n vm-demo -o`,
    ]);

    expect((await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '60'])).code).toBe(0);
    const vmMac = (name: string) =>
      e2e.sim.get('VirtualMachine', 'vm-demo', name).spec.template.spec.domain.devices.interfaces[0]
        .macAddress;
    expect([vmMac('web-01'), vmMac('web-02')]).toEqual(planned);
    writeSpec(
      'api',
      'image_url: http://mirror.example.internal/api.qcow2\nnetworks: [{name: lan, offset: 103}]\n',
    );
    writeSpec('broken', 'image_url: http://mirror.example.internal/b.qcow2\nnetwork: lan\nreplicas: 200\n');
    e2e.sim.put({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'legacy', namespace: 'vm-demo' },
      spec: {
        config: JSON.stringify({
          cniVersion: '0.3.1',
          type: 'cnv-bridge',
          bridge: 'br-lan',
          ipam: { type: 'static', addresses: [{ address: '10.215.100.103/24' }] },
        }),
      },
    });
    const after = await e2e.run(['demo', 'addresses']);
    expect(after.code).toBe(2);
    const apiMac = / (0a:76(?::[0-9a-f]{2}){4}) +demo\/api/.exec(after.stdout)?.[1];
    expect(apiMac).toBeDefined();
    expect(after.stdout).toBe(
      [
        'project demo: 3 planned addresses in 2 specs',
        '',
        'NETWORK  ADDRESS         MAC                SPEC      INSTANCE  CLUSTER',
        `lan      10.215.100.101  ${planned[0]}  demo/web  web-01    VMI 10.215.100.101`,
        `lan      10.215.100.102  ${planned[1]}  demo/web  web-02    VMI 10.215.100.102`,
        `lan      10.215.100.103  ${apiMac}  demo/api  api-01    held by NetworkAttachmentDefinition legacy`,
        '',
        'Not planned:',
        '  demo/broken: broken-155: address on network lan 10.215.100.255 is the broadcast address (10.215.100.0/24, offset 101)',
        '    hint: the largest offset that fits 200 instances in 10.215.100.0/24 is 55: give it as networks: [{name: lan, offset: N}] in the spec (or ipam.offset in the catalog), or lower replicas, or use a larger range',
        '',
      ].join('\n'),
    );
    expect(after.stderr).toBe(
      'v-auto: 1 spec cannot be planned, 1 planned address held by something else in the cluster (listed above)\n',
    );

    const json = await e2e.run(['demo', 'web', 'addresses', '-o', 'json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      project: 'demo',
      spec: 'web',
      cluster: { read: true },
      conflicts: [],
      unplanned: [],
    });
    expect(doc.entries).toEqual([
      {
        network: 'lan',
        address: '10.215.100.101',
        mac: planned[0],
        project: 'demo',
        spec: 'web',
        instance: 'web-01',
        namespace: 'vm-demo',
        cluster: { state: 'running', ip: '10.215.100.101', text: 'VMI 10.215.100.101' },
      },
      {
        network: 'lan',
        address: '10.215.100.102',
        mac: planned[1],
        project: 'demo',
        spec: 'web',
        instance: 'web-02',
        namespace: 'vm-demo',
        cluster: { state: 'running', ip: '10.215.100.102', text: 'VMI 10.215.100.102' },
      },
    ]);
  });

  test('a conflict with a spec of another project is listed, and is exit 2', async () => {
    mkdirSync(path.join(e2e.home, 'projects', 'shop', 'specs'), { recursive: true });
    writeFileSync(
      path.join(e2e.home, 'projects', 'shop', 'config.yaml'),
      readFileSync(path.join(e2e.home, 'projects', 'demo', 'config.yaml')),
    );
    writeFileSync(
      path.join(e2e.home, 'projects', 'shop', 'specs', 'front.yaml'),
      'image_url: http://mirror.example.internal/f.qcow2\nnetworks: [{name: lan, offset: 102}]\n',
    );
    try {
      const r = await e2e.run(['demo', 'web', 'addresses']);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain(
        '\nConflicts:\n  10.215.100.102 on lan: demo/web web-02 and shop/front front-01\n',
      );
      expect(r.stderr).toBe('v-auto: 1 address conflict in the workspace (listed above)\n');
    } finally {
      rmSync(path.join(e2e.home, 'projects', 'shop'), { recursive: true });
    }
  });

  test("a surplus instance keeps its address: in the ledger, and against another project's deploy on the segment", async () => {
    const web = path.join(e2e.home, 'projects', 'demo', 'specs', 'web.yaml');
    const text = readFileSync(web, 'utf8');
    writeFileSync(web, text.replace('\nreplicas: 2\n', '\nreplicas: 1\n'));
    mkdirSync(path.join(e2e.home, 'projects', 'shop', 'specs'), { recursive: true });
    writeFileSync(
      path.join(e2e.home, 'projects', 'shop', 'config.yaml'),
      readFileSync(path.join(e2e.home, 'projects', 'demo', 'config.yaml'), 'utf8').replace(
        'namespace: vm-demo',
        'namespace: vm-shop',
      ),
    );
    writeFileSync(
      path.join(e2e.home, 'projects', 'shop', 'specs', 'front.yaml'),
      'image_url: http://mirror.example.internal/f.qcow2\nnetworks: [{name: lan, offset: 102}]\n',
    );
    try {
      // Lowered without --prune (the default): web-02 stays, and so does its address.
      const ledger = await e2e.run(['demo', 'web', 'addresses']);
      expect(ledger.code).toBe(0);
      expect(ledger.stdout).toMatch(
        /^demo\/web: 1 planned address in 1 spec, 1 kept by instances no longer planned\n/,
      );
      expect(ledger.stdout).toMatch(
        /\nlan +10\.215\.100\.102 +0a:76(?::[0-9a-f]{2}){4} +demo\/web +web-02 +surplus, kept without --prune: VMI runs\n/,
      );
      // Another project on the same bridge and VLAN, in its own namespace, is not given it.
      const shop = await e2e.run(['shop', 'front', 'addresses']);
      expect(shop.code).toBe(2);
      expect(shop.stdout).toContain(
        'held by NetworkAttachmentDefinition vm-demo/web-02-lan (demo/web web-02)',
      );
      const deploy = await e2e.run(['shop', 'front', 'deploy', '--yes']);
      expect(deploy.code).toBe(2);
      expect(deploy.stderr).toContain(
        'v-auto: address already in use: 10.215.100.102 on lan: planned for shop/front front-01, held by NetworkAttachmentDefinition vm-demo/web-02-lan (demo/web web-02)\n',
      );
      expect(deploy.calls.some(writes)).toBe(false);
    } finally {
      writeFileSync(web, text);
      rmSync(path.join(e2e.home, 'projects', 'shop'), { recursive: true });
    }
  });

  test('a user who may list only in namespaces: the ledger from those, and a warning', async () => {
    e2e.sim.faults.forbidden = [{ resource: 'virtualmachines', verb: 'list', clusterWide: true }];
    try {
      const r = await e2e.run(['demo', 'web', 'addresses']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        "v-auto: warning: this user may not list v-auto's VMs, VMIs and NADs in every namespace: the ledger shows the listed namespaces only (instances left in other namespaces, and what holds a planned address there, are not shown)\n",
      );
      expect(r.stdout).toContain('VMI 10.215.100.101');
    } finally {
      e2e.sim.faults.forbidden = [];
    }
  });

  test('a cluster that cannot be read: said once on stderr, the plan printed in full, exit 3', async () => {
    e2e.sim.faults.forbidden = [{ resource: 'virtualmachineinstances', verb: 'list' }];
    try {
      const r = await e2e.run(['demo', 'web', 'addresses', '-o', 'yaml']);
      expect(r.code).toBe(3);
      expect(
        r.stderr.match(/^v-auto: cluster not read, the ledger shows the plan only: .*forbidden/gm),
      ).toHaveLength(1);
      const doc = parse(r.stdout);
      expect(doc.cluster.read).toBe(false);
      expect(doc.entries.map((e: { address: string; cluster: unknown }) => [e.address, e.cluster])).toEqual([
        ['10.215.100.101', null],
        ['10.215.100.102', null],
      ]);
    } finally {
      e2e.sim.faults.forbidden = [];
    }
  });
});

describe('ipam.mode cloud-init against the cluster', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    const config = path.join(e2e.home, 'projects', 'demo', 'config.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        '      dns: [10.215.100.53, 10.215.100.54]\n',
        '      dns: [10.215.100.53, 10.215.100.54]\n      mode: cloud-init\n',
      ),
    );
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'api.yaml'),
      'image_url: http://mirror.example.internal/api.qcow2\nnetworks: [{name: lan, offset: 150}]\n',
    );
  });
  afterAll(() => e2e.close());

  const nads = () =>
    e2e.sim
      .list('NetworkAttachmentDefinition', 'vm-demo')
      .map((n: { metadata: { name: string } }) => n.metadata.name)
      .sort();

  test('opted out of the generated network-config: inspect and deploy warn that the address reaches no guest config', async () => {
    const warning =
      'v-auto: warning: network lan: no cloud-init configuration gives the guest its static address (generate_network_data is false, and no cloud_init or network_data template uses static_ip, ip or interfaces): the VM boots without it\n';
    const inspect = await e2e.run(['demo', 'api', 'inspect', '--set', 'generate_network_data=false']);
    expect(inspect.code).toBe(0);
    expect(inspect.stderr).toBe(warning);
    const deploy = await e2e.run([
      'demo',
      'api',
      'deploy',
      '--dry-run',
      '--set',
      'generate_network_data=false',
    ]);
    expect(deploy.code).toBe(0);
    expect(deploy.stderr).toContain(warning);
    expect((await e2e.run(['demo', 'api', 'inspect'])).stderr).toBe('');
  });

  test('two specs share one NAD without IPAM; delete keeps it while a VM attaches it, then removes it', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes'])).code).toBe(0);
    expect((await e2e.run(['demo', 'api', 'deploy', '--yes'])).code).toBe(0);
    expect(nads()).toEqual(['lan']);
    expect(
      JSON.parse(e2e.sim.get('NetworkAttachmentDefinition', 'vm-demo', 'lan').spec.config),
    ).not.toHaveProperty('ipam');
    // The address is in the guest's network-config alone.
    const secret = e2e.sim.get('Secret', 'vm-demo', 'api-01-cloud-init');
    expect(Buffer.from(secret.data.networkdata, 'base64').toString()).toContain('- 10.215.100.150/24');

    const web = await e2e.run(['demo', 'web', 'delete', '--yes']);
    expect(web.code).toBe(0);
    expect(web.stdout).toContain(
      'Keeping shared network attachment(s) still in use: lan (VirtualMachine api-01)',
    );
    expect(nads()).toEqual(['lan']);
    const api = await e2e.run(['demo', 'api', 'delete', '--yes']);
    expect(api.code).toBe(0);
    expect(api.stdout).toContain('NetworkAttachmentDefinition lan');
    expect(nads()).toEqual([]);
  });
});
