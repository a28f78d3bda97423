// Delete protection and VMs that stay, through the real kubectl against the simulator's admission
// policy: delete and --prune refuse a protected VM before sending anything, or leave it with
// --skip-protected; a VM that stays keeps its disk, Secret and networks.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, writes, type E2E } from '../helpers/e2e.js';

const NS = 'vm-demo';
const PROTECTION = 'kubevirt.io/vm-delete-protection';

describe('delete protection (kubevirt.io/vm-delete-protection)', () => {
  let e2e: E2E;
  const has = (kind: string, name: string) => e2e.sim.get(kind, NS, name) !== undefined;
  const instanceObjects = (vm: string) => [
    ['VirtualMachine', vm],
    ['DataVolume', `${vm}-rootdisk`],
    ['PersistentVolumeClaim', `${vm}-rootdisk`],
    ['Secret', `${vm}-cloud-init`],
  ];
  beforeAll(async () => {
    e2e = await startE2E();
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'app.yaml'),
      'replicas: 2\nnetwork: pod\ncpu: 1\nmemory: 1Gi\ncloud_init: "#cloud-config\\n"\n',
    );
    expect((await e2e.run(['demo', 'app', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
    const vm = e2e.sim.get('VirtualMachine', NS, 'app-02');
    vm.metadata.labels[PROTECTION] = 'True';
    e2e.sim.put(vm);
  });
  afterAll(() => e2e.close());

  test('the simulator denies deleting the protected VM as the admission policy does', async () => {
    // Asynchronously: the simulator answers from this process.
    const { execFile } = await import('node:child_process');
    const stderr = await new Promise<string>((resolve) =>
      execFile(
        e2e.kubectl,
        ['--kubeconfig', e2e.sim.kubeconfigPath, 'delete', 'vm', 'app-02', '-n', NS],
        { env: { ...process.env, HOME: path.dirname(e2e.home) } },
        (_err, _stdout, err) => resolve(String(err)),
      ),
    );
    expect(stderr).toContain(
      "ValidatingAdmissionPolicy 'kubevirt-vm-deletion-protection' with binding 'kubevirt-vm-deletion-protection' denied request: VirtualMachine app-02 cannot be deleted, remove delete protection",
    );
    expect(has('VirtualMachine', 'app-02')).toBe(true);
  });

  test('status shows it', async () => {
    const r = await e2e.run(['demo', 'app', 'status']);
    expect(r.stdout).toContain('Delete protection (kubevirt.io/vm-delete-protection): app-02');
  });

  test('delete refuses the whole spec, exit 2, naming the VM, before sending anything', async () => {
    e2e.resetCalls();
    const r = await e2e.run(['demo', 'app', 'delete', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VirtualMachine app-02 has delete protection');
    expect(r.stderr).toContain('--skip-protected');
    expect(e2e.calls().some(writes)).toBe(false);
    for (const [kind, name] of [...instanceObjects('app-01'), ...instanceObjects('app-02')])
      expect(has(kind, name)).toBe(true);
  });

  test('deploy --prune refuses too, before applying anything', async () => {
    e2e.resetCalls();
    const r = await e2e.run(['demo', 'app', 'deploy', '--replicas', '1', '--prune', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VirtualMachine app-02 has delete protection');
    expect(e2e.calls().some(writes)).toBe(false);
    expect(has('VirtualMachine', 'app-02')).toBe(true);
  });

  test('--skip-protected deletes the rest and leaves the protected VM with its disk and Secret, label and all', async () => {
    const r = await e2e.run(['demo', 'app', 'delete', '--yes', '--skip-protected']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Keeping VirtualMachine app-02 (delete protection: kubevirt.io/vm-delete-protection) and what it uses: DataVolume app-02-rootdisk, PersistentVolumeClaim app-02-rootdisk, Secret app-02-cloud-init',
    );
    await e2e.sim.settle();
    for (const [kind, name] of instanceObjects('app-01')) expect(has(kind, name)).toBe(false);
    for (const [kind, name] of instanceObjects('app-02')) expect(has(kind, name)).toBe(true);
    expect(e2e.sim.get('VirtualMachine', NS, 'app-02').metadata.labels[PROTECTION]).toBe('True');
  });
});

describe('a VM that stays keeps what it uses', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'solo.yaml'),
      'network: pod\ncpu: 1\nmemory: 1Gi\ncloud_init: "#cloud-config\\n"\n',
    );
    expect((await e2e.run(['demo', 'solo', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('a VM whose v-auto/spec label was removed by hand survives delete, and so do its disk and Secret', async () => {
    const vm = e2e.sim.get('VirtualMachine', NS, 'solo-01');
    delete vm.metadata.labels['v-auto/spec'];
    e2e.sim.put(vm);
    const r = await e2e.run(['demo', 'solo', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Keeping DataVolume solo-01-rootdisk, PersistentVolumeClaim solo-01-rootdisk, Secret solo-01-cloud-init: VirtualMachine solo-01 stays and uses them',
    );
    await e2e.sim.settle();
    for (const [kind, name] of [
      ['VirtualMachine', 'solo-01'],
      ['DataVolume', 'solo-01-rootdisk'],
      ['PersistentVolumeClaim', 'solo-01-rootdisk'],
      ['Secret', 'solo-01-cloud-init'],
    ])
      expect(e2e.sim.get(kind, NS, name)).toBeDefined();
  });
});
