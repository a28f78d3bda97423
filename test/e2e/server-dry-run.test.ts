// The VMs' server-side dry run through the real kubectl: a new VM is dry-run as it will be written
// (a create: one POST each), a changed one as an apply.
import { startE2E, type E2E } from '../helpers/e2e.js';

describe('server-side dry run before the write', () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await startE2E();
  });
  afterEach(() => e2e.close());

  const dryRuns = () =>
    e2e.sim.requests.filter((r) => r.path.includes('/virtualmachines') && /(^|&)dryRun=All/.test(r.query));

  test('new VMs in a namespace that exists: one create --dry-run=server, a POST per VM and no GET', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--replicas', '1'])).code).toBe(0);
    e2e.sim.clearRequests();
    const r = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3']);
    expect(r.code).toBe(0);
    expect(e2e.calls()).toContainEqual(expect.stringMatching(/^create --dry-run=server --save-config /));
    expect(dryRuns().map((q) => `${q.method} ${q.path.split('/').pop()}`)).toEqual([
      'POST virtualmachines',
      'POST virtualmachines',
    ]);
    const gets = e2e.sim.requests.filter(
      (q) => q.method === 'GET' && /\/virtualmachines\/web-0[23]$/.test(q.path),
    );
    expect(gets).toEqual([]);
  });

  test('a changed VM is dry-run as the apply that will write it', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--replicas', '1'])).code).toBe(0);
    e2e.sim.clearRequests();
    const r = await e2e.run(['demo', 'web', 'deploy', '--replicas', '1', '--set', 'memory=6Gi']);
    expect(r.code).toBe(0);
    expect(e2e.calls()).toContainEqual(expect.stringMatching(/^apply --dry-run=server /));
    expect(dryRuns().map((q) => q.method)).toEqual(['PATCH']);
  });
});
