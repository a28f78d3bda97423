// `-o json` of deploy, delete, start, stop and restart through the real kubectl against the
// simulator: stdout is exactly one document that schemas/result.schema.json accepts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { repoRoot, startE2E, type E2E, type RunOutcome } from '../helpers/e2e.js';

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'result.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile<any>(schema);

/** The run's stdout as the result document, checked against the schema and against the exit code. */
function documentOf(r: RunOutcome): any {
  const doc: any = JSON.parse(r.stdout);
  const valid = validate(doc);
  if (!valid) throw new Error(`not a result document: ${JSON.stringify(validate.errors)}\n${r.stdout}`);
  expect(doc.exitCode).toBe(r.code);
  // Flag lines are in the document only, on neither stream.
  expect(r.stdout).not.toMatch(/^\[(SUCCESS|SKIPPED|FAILED|DELETED)\]/m);
  expect(r.stderr).not.toMatch(/^\[(SUCCESS|SKIPPED|FAILED|DELETED|STARTED|STOPPED|RESTARTED)\]/m);
  return doc;
}

const results = (doc: any) =>
  doc.specs.flatMap((s: any) =>
    s.results.map((r: any) => `${r.flag} ${r.kind} ${r.name}${r.reason ? ` (${r.reason})` : ''}`),
  );

describe('-o json results against the simulator', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());
  afterEach(() => {
    e2e.sim.faults.rejectCreate = [];
  });

  test('deploy: every object, the summary and exit 0; a redeploy: all SKIPPED', async () => {
    const first = await e2e.run(['demo', 'web', 'deploy', '-o', 'json']);
    expect(first.code).toBe(0);
    const doc = documentOf(first);
    expect(doc.action).toBe('deploy');
    expect(doc.specs).toHaveLength(1);
    expect(doc.specs[0]).toMatchObject({ project: 'demo', spec: 'web', namespace: 'vm-demo' });
    expect(results(doc)).toEqual(
      expect.arrayContaining([
        'SUCCESS Namespace vm-demo (created)',
        'SUCCESS VirtualMachine web-01 (created)',
        'SUCCESS DataVolume web-02-rootdisk (created)',
      ]),
    );
    expect(doc.summary).toEqual({ ...doc.specs[0].summary });
    expect(doc.summary.succeeded).toBe(doc.specs[0].results.length);
    expect(doc.summary.failed).toBe(0);
    expect(doc.error).toBeUndefined();

    const again = documentOf(await e2e.run(['demo', 'web', 'deploy', '-o', 'json']));
    expect(again.exitCode).toBe(0);
    expect(again.summary.succeeded).toBe(0);
    expect(again.summary.skipped).toBe(again.specs[0].results.length);
    expect(again.specs[0].results.every((r: any) => r.flag === 'SKIPPED' && r.reason === 'unchanged')).toBe(
      true,
    );
  });

  test('deploy --wait: the outcome per spec, ready, or timed out with each instance not ready and why', async () => {
    await e2e.sim.settle();
    const ready = documentOf(await e2e.run(['demo', 'web', 'deploy', '--wait', '60', '-o', 'json']));
    expect(ready.specs[0].wait).toEqual({ outcome: 'ready', seconds: 60, ready: 2, total: 2, notReady: [] });

    e2e.sim.faults.stuckVmis = ['web-03'];
    try {
      const r = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--wait', '2', '-o', 'json']);
      expect(r.code).toBe(1);
      const doc = documentOf(r);
      expect(doc.specs[0].wait).toMatchObject({ outcome: 'timed-out', seconds: 2, ready: 2, total: 3 });
      expect(doc.specs[0].wait.notReady).toEqual([{ name: 'web-03', reason: expect.any(String) }]);
      expect(doc.specs[0].wait.notReady[0].reason).not.toBe('');
    } finally {
      e2e.sim.faults.stuckVmis = [];
      await e2e.run(['demo', 'web', 'delete', '--target', 'web-03', '--replicas', '3', '--yes']);
    }
  }, 60_000);

  test("a refused object is FAILED with the server's reason, exit 1; the VMs that need a restart are data, the notice on stderr", async () => {
    e2e.sim.faults.rejectCreate = [
      // Met by the write only (the quota taken after deploy's server-side dry run).
      { kind: 'VirtualMachine', name: 'web-03', message: 'exceeded quota: vm-count', writesOnly: true },
    ];
    const r = await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--set', 'cpu=3', '-o', 'json']);
    expect(r.code).toBe(1);
    const doc = documentOf(r);
    const failed = doc.specs[0].results.find((x: any) => x.flag === 'FAILED');
    expect(failed).toMatchObject({ kind: 'VirtualMachine', name: 'web-03' });
    expect(failed.reason).toContain('exceeded quota: vm-count');
    expect(doc.summary.failed).toBe(1);
    // web-01 and web-02 run: the cpu change needs a restart, said in the reason.
    expect(results(doc)).toContain(
      'SUCCESS VirtualMachine web-01 (configured; needs a restart to apply the change (see the notice below))',
    );
    expect(doc.specs[0].restartNeeded).toEqual(['web-01', 'web-02']);
    expect(r.stderr).toContain(
      'notice: 2 VM(s) need a restart to apply their change (web-01, web-02): run "v-auto demo web restart --pending", or deploy with --restart',
    );
  });

  test('stop, start and restart: one document each', async () => {
    await e2e.run(['demo', 'web', 'deploy', '--replicas', '3', '--set', 'cpu=3']);
    await e2e.sim.settle();
    const stop = await e2e.run([
      'demo',
      'web',
      'stop',
      '--target',
      'web-02',
      '--replicas',
      '3',
      '-o',
      'json',
    ]);
    expect(stop.code).toBe(0);
    expect(results(documentOf(stop))).toEqual([
      'STOPPED VirtualMachine web-02 (runStrategy Halted, stays stopped across deploys until start)',
    ]);
    await e2e.sim.settle();
    const start = documentOf(await e2e.run(['demo', 'web', 'start', '--replicas', '3', '-o', 'json']));
    expect(start.summary).toMatchObject({ started: 1, skipped: 2, failed: 0 });
    await e2e.sim.settle();
    const restart = await e2e.run([
      'demo',
      'web',
      'restart',
      '--target',
      'web-01',
      '--replicas',
      '3',
      '--wait',
      '60',
      '-o',
      'json',
    ]);
    expect(restart.code).toBe(0);
    expect(results(documentOf(restart))).toEqual(['RESTARTED VirtualMachine web-01']);
  });

  test('delete: DELETED per object; an error is a document too (exit 2, message and hint)', async () => {
    const refused = await e2e.run(['demo', 'web', 'delete', '-o', 'json']);
    expect(refused.code).toBe(2);
    const doc = documentOf(refused);
    expect(doc.specs).toEqual([]);
    expect(doc.error.message).toBe('refusing to delete without confirmation: no terminal to ask on');
    expect(doc.error.hint).toContain('--yes');
    expect(refused.stderr).toContain('v-auto: refusing to delete without confirmation');

    const r = await e2e.run(['demo', 'web', 'delete', '--yes', '--replicas', '3', '-o', 'json']);
    expect(r.code).toBe(0);
    const deleted = documentOf(r);
    expect(deleted.action).toBe('delete');
    expect(results(deleted)).toEqual(
      expect.arrayContaining([
        'DELETED VirtualMachine web-01',
        'DELETED VirtualMachine web-03',
        'DELETED Secret web-02-cloud-init',
      ]),
    );
    expect(deleted.summary.deleted).toBe(deleted.specs[0].results.length);
  });

  test('-o json is refused where it means nothing and -o yaml on deploy', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy', '-o', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('deploy takes -o table|json');
  });
});
