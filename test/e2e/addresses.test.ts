// The live address check at deploy, through the real kubectl against the simulator.
import { startE2E, type E2E } from '../helpers/e2e.js';

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
      apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'legacy-lan', namespace: 'vm-demo' },
      spec: { config: JSON.stringify({ cniVersion: '0.3.1', type: 'cnv-bridge', bridge: 'br-lan', ipam: { type: 'static', addresses: [{ address: '10.215.100.101/24' }] } }) },
    });
    e2e.sim.put({
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'old-vm', namespace: 'vm-demo' }, spec: { domain: { devices: {} } },
      status: { phase: 'Running', interfaces: [{ name: 'lan', ipAddress: '10.215.100.102', ipAddresses: ['10.215.100.102'] }] },
    });
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('v-auto: address already in use: 10.215.100.101 on lan: planned for demo/web web-01, held by NetworkAttachmentDefinition legacy-lan\n');
    expect(r.stderr).toContain('  also: 10.215.100.102 on lan: planned for demo/web web-02, held by VirtualMachineInstance old-vm\n');
    expect(r.calls.some((c) => /\bapply\b/.test(c))).toBe(false);
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01')).toBeUndefined();
  });
});
