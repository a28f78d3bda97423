// The address reaches the guest, whatever its image calls the NIC: the simulator's guest (test/sim/guest.ts)
// applies the Secret's network-config as cloud-init would, and the VMI reports only what the guest has.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, type E2E } from '../helpers/e2e.js';

const lanOf = (e2e: E2E, name: string) =>
  e2e.sim
    .get('VirtualMachineInstance', 'vm-demo', name)
    ?.status?.interfaces?.find((i: { name: string }) => i.name === 'lan');

describe('a RHEL image (net.ifnames=0: its NIC is eth0)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('the example spec: the guest gets 10.215.100.101 on eth0, matched by MAC, and the VMI reports it', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--wait', '60'])).code).toBe(0);
    await e2e.sim.settle();
    expect(lanOf(e2e, 'web-01')).toMatchObject({ interfaceName: 'eth0', ipAddress: '10.215.100.101' });
  });

  test('a network-config that names the NIC enp1s0 reaches nothing on it: the VMI reports no address', async () => {
    writeFileSync(
      path.join(e2e.home, 'projects/demo/specs/old.yaml'),
      [
        'image_url: http://mirror.example.internal/images/rhel-9.4-x86_64-kvm.qcow2',
        'network: lan',
        'networks: [{name: lan, offset: 150}]',
        'network_data: |',
        '  version: 2',
        '  ethernets:',
        '    enp1s0:',
        '      addresses: [{{ static_ip }}]',
        '',
      ]
        .filter((l) => !l.startsWith('network: '))
        .join('\n'),
    );
    expect((await e2e.run(['demo', 'old', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
    const lan = lanOf(e2e, 'old-01');
    expect(lan).toMatchObject({ interfaceName: 'eth0' });
    expect(lan.ipAddress).toBeUndefined();
    const r = await e2e.run(['demo', 'old', 'addresses']);
    expect(r.stdout).toMatch(/10\.215\.100\.150 .* old-01 +VMI reports no address yet/);
  });
});

describe('a changed network-config reaches a new instance only (NoCloud instance-id: the stable firmware UUID)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('a restart keeps the first-boot address; the instance recreated takes the new one', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--wait', '60'])).code).toBe(0);
    await e2e.sim.settle();
    expect(lanOf(e2e, 'web-01')).toMatchObject({ ipAddress: '10.215.100.101' });
    const spec = path.join(e2e.home, 'projects/demo/specs/web.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace(/^network: lan$/m, 'networks: [{name: lan, offset: 120}]'),
    );
    const moved = await e2e.run(['demo', 'web', 'deploy']);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/web-01 has booted: .* will not reach the guest/);
    expect((await e2e.run(['demo', 'web', 'restart', '--target', 'web-01', '--wait', '60'])).code).toBe(0);
    await e2e.sim.settle();
    expect(lanOf(e2e, 'web-01')).toMatchObject({ ipAddress: '10.215.100.101' });
    expect((await e2e.run(['demo', 'web', 'delete', '--target', 'web-01', '--yes'])).code).toBe(0);
    await e2e.sim.settle();
    expect((await e2e.run(['demo', 'web', 'deploy', '--wait', '60'])).code).toBe(0);
    await e2e.sim.settle();
    expect(lanOf(e2e, 'web-01')).toMatchObject({ ipAddress: '10.215.100.120' });
  });
});
