// What operators and the platform change in a deployed VM, through the real kubectl against the
// simulator: a hot-plugged volume and a restored root disk survive cron redeploys, and are named.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, type E2E } from '../helpers/e2e.js';

const NS = 'vm-demo';
const names = (items: { name: string }[] | undefined) => (items ?? []).map((i) => i.name);

describe('a hot-plugged volume and a restored disk are left alone', () => {
  let e2e: E2E;
  const vm = () => e2e.sim.get('VirtualMachine', NS, 'app-01');
  const vmi = () => e2e.sim.get('VirtualMachineInstance', NS, 'app-01');
  beforeAll(async () => {
    e2e = await startE2E();
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'app.yaml'),
      'network: pod\ncpu: 2\nmemory: 2Gi\ncloud_init: "#cloud-config\\n"\n',
    );
    expect((await e2e.run(['demo', 'app', 'deploy'])).code).toBe(0);
    // A data disk of the operator's own, plugged in with `virtctl addvolume app-01 --volume-name=data1 --persist`.
    e2e.sim.put({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'data1', namespace: NS },
      spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '5Gi' } } } },
    });
    await e2e.sim.settle();
    e2e.sim.hotplugVolume(NS, 'app-01', 'data1');
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('the simulator plugs the volume into the running VMI, with its hot-plug status', () => {
    expect(names(vm().spec.template.spec.volumes)).toEqual(['rootdisk', 'cloudinitdisk', 'data1']);
    expect(names(vmi().spec.volumes)).toContain('data1');
    expect(vmi().status.volumeStatus).toContainEqual(
      expect.objectContaining({ name: 'data1', phase: 'Ready', hotplugVolume: expect.any(Object) }),
    );
    expect(vm().status.conditions).not.toContainEqual(expect.objectContaining({ type: 'RestartRequired' }));
  });

  test('a redeploy sends nothing, and names the kept volume once', async () => {
    const before = vm().metadata.resourceVersion;
    const r = await e2e.run(['demo', 'app', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SKIPPED] VirtualMachine app-01 (unchanged)');
    expect(r.stdout.split('kept: hot-plugged volume data1').length - 1).toBe(1);
    expect(r.stdout).not.toMatch(/restart/i);
    expect(vm().metadata.resourceVersion).toBe(before);
  });

  test('diff is in sync and shows it; status shows it', async () => {
    const d = await e2e.run(['demo', 'app', 'diff']);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('= kept: hot-plugged volume data1');
    expect(d.stdout).toContain('in sync');
    const s = await e2e.run(['demo', 'app', 'status']);
    expect(s.stdout).toContain('app-01 kept: hot-plugged volume data1');
  });

  test("an update for the spec's own change keeps the volume in the VM and in the running VMI", async () => {
    const r = await e2e.run(['demo', 'app', 'deploy', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[SUCCESS\] VirtualMachine app-01 \(configured; needs a restart/);
    await e2e.sim.settle();
    expect(names(vm().spec.template.spec.volumes)).toEqual(['rootdisk', 'cloudinitdisk', 'data1']);
    expect(names(vm().spec.template.spec.domain.devices.disks)).toEqual([
      'rootdisk',
      'cloudinitdisk',
      'data1',
    ]);
    expect(vm().spec.template.spec.domain.cpu.cores).toBe(4);
    expect(names(vmi().spec.volumes)).toContain('data1');
    // The cores, not the volume, are what waits for a restart; the next run is unchanged again.
    const again = await e2e.run(['demo', 'app', 'deploy', '--set', 'cpu=4']);
    expect(again.stdout).toContain('[SKIPPED] VirtualMachine app-01 (unchanged)');
    expect(again.stdout).toContain('VirtualMachine app-01 kept: hot-plugged volume data1');
  });

  test('a snapshot restore repointed the root disk: kept on the restored claim, never pointed back', async () => {
    const [restored] = e2e.sim.restore(NS, 'app-01', { uid: '6f1c' });
    expect(restored).toBe('restore-6f1c-rootdisk');
    await e2e.sim.settle();
    const r = await e2e.run(['demo', 'app', 'deploy', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SKIPPED] VirtualMachine app-01 (unchanged)');
    expect(r.stdout).toContain(
      'VirtualMachine app-01 kept: volume rootdisk on restore-6f1c-rootdisk (restored or migrated outside v-auto; the spec renders app-01-rootdisk)',
    );
    const changed = await e2e.run(['demo', 'app', 'deploy', '--set', 'cpu=3']);
    expect(changed.code).toBe(0);
    await e2e.sim.settle();
    expect(vm().spec.template.spec.volumes[0]).toEqual({
      name: 'rootdisk',
      persistentVolumeClaim: { claimName: 'restore-6f1c-rootdisk' },
    });
    expect(names(vm().spec.template.spec.volumes)).toContain('data1');
  });

  test("the restored claim carries the snapshotted disk's labels, yet is no surplus: diff is in sync, --prune keeps it", async () => {
    expect(
      e2e.sim.get('PersistentVolumeClaim', NS, 'restore-6f1c-rootdisk').metadata.labels['v-auto/spec'],
    ).toBe('app');
    const d = await e2e.run(['demo', 'app', 'diff', '--set', 'cpu=3']);
    expect(d.stdout).not.toContain('restore-6f1c-rootdisk (not planned');
    expect(d.code).toBe(0);
    const r = await e2e.run(['demo', 'app', 'deploy', '--set', 'cpu=3', '--prune', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[DELETED]');
    expect(e2e.sim.get('PersistentVolumeClaim', NS, 'restore-6f1c-rootdisk')).toBeDefined();
  });
});

describe('memory under LiveUpdate follows KubeVirt, and a console-added NIC is kept', () => {
  let e2e: E2E;
  const vm = () => e2e.sim.get('VirtualMachine', NS, 'mem-01');
  const restartMessage = () =>
    (vm().status.conditions ?? []).find((c: { type: string }) => c.type === 'RestartRequired')?.message;
  beforeAll(async () => {
    e2e = await startE2E();
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'mem.yaml'),
      'network: pod\ncpu: 1\nmemory: 2Gi\ncloud_init: "#cloud-config\\n"\n',
    );
    expect((await e2e.run(['demo', 'mem', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('less memory than the VM started with needs a restart, and both v-auto and KubeVirt say so', async () => {
    const r = await e2e.run(['demo', 'mem', 'deploy', '--set', 'memory=1Gi']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[SUCCESS\] VirtualMachine mem-01 \(configured; needs a restart/);
    expect(r.stdout).not.toContain('applied live');
    await e2e.sim.settle();
    expect(restartMessage()).toBe(
      'memory updated in template spec to a value lower than what the VM started with',
    );
  });

  test('memory in other than whole 2 MiB blocks needs a restart', async () => {
    const r = await e2e.run(['demo', 'mem', 'deploy', '--set', 'memory=3001Mi']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[SUCCESS\] VirtualMachine mem-01 \(configured; needs a restart/);
    await e2e.sim.settle();
    expect(restartMessage()).toBe('memory hotplug not supported, Guest memory must be 2Mi aligned');
  });

  test('an interface added from the console stays through a redeploy, named once', async () => {
    const cur = vm();
    cur.spec.template.spec.domain.devices.interfaces.push({ name: 'nic-1', bridge: {} });
    cur.spec.template.spec.networks.push({ name: 'nic-1', multus: { networkName: 'other' } });
    e2e.sim.put(cur);
    const r = await e2e.run(['demo', 'mem', 'deploy', '--set', 'memory=4Gi']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('kept: interface nic-1 added outside v-auto').length - 1).toBe(1);
    expect(names(vm().spec.template.spec.networks)).toEqual(['pod', 'nic-1']);
  });
});
