// The address reaches the guest, whatever its image calls the NIC: the simulator's guest (test/sim/guest.ts)
// applies the Secret's network-config as cloud-init would, and the VMI reports only what the guest has.
import { writeFileSync } from 'node:fs';
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
