// v-auto against the OpenShift profile (kubemacpool, KubeVirt's VM mutator, LiveUpdate), through the real
// kubectl: a re-run converges, MACs stay put (planned by v-auto, or kubemacpool's on a VM deployed
// before), the restart notice and status tell the truth.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, startE2E, type E2E } from '../helpers/e2e.js';

const macsOf = (e2e: E2E, name: string): string[] =>
  e2e.sim
    .get('VirtualMachine', 'vm-demo', name)
    .spec.template.spec.domain.devices.interfaces.map((i: { macAddress?: string }) => i.macAddress);
const networkdataOf = (e2e: E2E, name: string): string =>
  Buffer.from(e2e.sim.get('Secret', 'vm-demo', `${name}-cloud-init`).data.networkdata, 'base64').toString();
const rv = (e2e: E2E, name: string): string =>
  e2e.sim.get('VirtualMachine', 'vm-demo', name).metadata.resourceVersion;

describe('deploy against OpenShift Virtualization', () => {
  let e2e: E2E;
  let firstMacs: string[];
  beforeAll(async () => {
    e2e = await startE2E({ profile: 'openshift' });
  });
  afterAll(() => e2e.close());

  test('first deploy: every VM asks for its planned MAC, kubemacpool keeps it, and the network-config matches it', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SUCCESS] VirtualMachine web-01 (created)');
    firstMacs = macsOf(e2e, 'web-01');
    expect(firstMacs).toEqual([expect.stringMatching(/^0a:76:/)]);
    expect(networkdataOf(e2e, 'web-01')).toContain(`macaddress: "${firstMacs[0]}"`);
    await e2e.sim.settle();
  });

  test('a second deploy is all [SKIPPED] and writes nothing to any VM', async () => {
    const before = [rv(e2e, 'web-01'), rv(e2e, 'web-02')];
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[SUCCESS]');
    expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
    expect([rv(e2e, 'web-01'), rv(e2e, 'web-02')]).toEqual(before);
    expect(macsOf(e2e, 'web-01')).toEqual(firstMacs);
  });

  test('a hot-pluggable change (more memory, within maxGuest) gets no restart notice', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy', '--set', 'memory=8Gi']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[SUCCESS\] VirtualMachine web-01 \(configured/);
    expect(r.stdout).not.toMatch(/restart/i);
    await e2e.sim.settle();
    expect(e2e.sim.get('VirtualMachineInstance', 'vm-demo', 'web-01').spec.domain.memory.guest).toBe('8Gi');
  });

  test('a cores change cannot be applied live: the restart notice names the VM', async () => {
    await e2e.sim.settle();
    const r = await e2e.run(['demo', 'web', 'deploy', '--set', 'memory=8Gi', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\[SUCCESS\] VirtualMachine web-01 \(configured; needs a restart to apply the change \(see the notice below\)\)/,
    );
    await e2e.sim.settle();
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01').status.conditions).toContainEqual(
      expect.objectContaining({ type: 'RestartRequired', status: 'True' }),
    );
  });

  test('once a change is applied, running the same command again is all [SKIPPED]', async () => {
    const before = rv(e2e, 'web-01');
    const r = await e2e.run(['demo', 'web', 'deploy', '--set', 'memory=8Gi', '--set', 'cpu=4']);
    expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
    expect(rv(e2e, 'web-01')).toBe(before);
  });

  test('status shows RestartRequired for the VM that waits for a restart', async () => {
    const r = await e2e.run(['demo', 'web', 'status', '--set', 'memory=8Gi', '--set', 'cpu=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/web-01\b.*RestartRequired/);
    const doc = JSON.parse(
      (await e2e.run(['demo', 'web', 'status', '-o', 'json', '--set', 'memory=8Gi', '--set', 'cpu=4']))
        .stdout,
    );
    expect(doc.instances.find((i: { name: string }) => i.name === 'web-01').restartRequired).toBe(true);
  });

  test('MACs never change across redeploys, resizes and --replicas changes', async () => {
    await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--set', 'memory=8Gi', '--set', 'cpu=4']);
    await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--set', 'memory=16Gi', '--set', 'cpu=2']);
    await e2e.run(['demo', 'web', 'deploy', '--replicas', '2', '--set', 'memory=16Gi', '--set', 'cpu=2']);
    expect(macsOf(e2e, 'web-01')).toEqual(firstMacs);
    expect(macsOf(e2e, 'web-03')).toEqual([expect.stringMatching(/^0a:76:/)]);
    expect(macsOf(e2e, 'web-03')).not.toEqual(firstMacs);
  });
});

describe('a VM deployed by an earlier v-auto, which asked for no MAC', () => {
  let e2e: E2E;
  let kubemacpoolMac: string;
  beforeAll(async () => {
    e2e = await startE2E({ profile: 'openshift' });
    // The VirtualMachine template as v-auto wrote it before it planned MACs.
    const template = readFileSync(path.join(repoRoot, 'templates', 'virtualmachine.yaml.hbs'), 'utf8');
    mkdirSync(path.join(e2e.home, 'templates'), { recursive: true });
    writeFileSync(
      path.join(e2e.home, 'templates', 'virtualmachine.yaml.hbs'),
      template.replace(/^ *macAddress: .*\n/m, ''),
    );
    expect((await e2e.run(['demo', 'web', 'deploy'])).code).toBe(0);
    kubemacpoolMac = macsOf(e2e, 'web-01')[0];
    rmSync(path.join(e2e.home, 'templates'), { recursive: true });
    await e2e.sim.settle();
  });
  afterAll(() => e2e.close());

  test('keeps its kubemacpool MAC, and its network-config is rendered for that MAC', async () => {
    expect(kubemacpoolMac).toMatch(/^02:00:/);
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    expect(macsOf(e2e, 'web-01')).toEqual([kubemacpoolMac]);
    expect(r.stdout).toContain('[SUCCESS] Secret web-01-cloud-init (configured)');
    expect(r.stdout).not.toMatch(/VirtualMachine web-01 \(configured/);
    expect(networkdataOf(e2e, 'web-01')).toContain(`macaddress: "${kubemacpoolMac}"`);
    // And it stays so.
    expect((await e2e.run(['demo', 'web', 'deploy'])).stdout).toContain('0 succeeded, 8 skipped, 0 failed');
  });
});

describe('a spec that writes memory: 4096Mi', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ profile: 'openshift' });
    const spec = path.join(e2e.home, 'projects/demo/specs/web.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('memory: 4Gi', 'memory: 4096Mi'));
  });
  afterAll(() => e2e.close());

  test('is stored as 4Gi by KubeVirt, and a second deploy is still all [SKIPPED]', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy'])).code).toBe(0);
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01').spec.template.spec.domain.memory.guest).toBe(
      '4Gi',
    );
    await e2e.sim.settle();
    const before = rv(e2e, 'web-01');
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.stdout).toContain('0 succeeded, 8 skipped, 0 failed');
    expect(rv(e2e, 'web-01')).toBe(before);
  });
});
