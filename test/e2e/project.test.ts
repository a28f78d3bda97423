// The whole project (`v-auto demo status|deploy|delete` without a spec) through the real kubectl against the simulator.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, type E2E } from '../helpers/e2e.js';

describe('project-wide status, deploy and delete against the simulator', () => {
  let e2e: E2E;
  const specFile = (spec: string) => path.join(e2e.home, 'projects', 'demo', 'specs', `${spec}.yaml`);
  let dbSpec = '';
  beforeAll(async () => {
    e2e = await startE2E();
    dbSpec = readFileSync(specFile('db'), 'utf8');
  });
  afterAll(() => e2e.close());
  afterEach(() => writeFileSync(specFile('db'), dbSpec));

  test('status before anything is deployed: one table with a SPEC column, exit 1', async () => {
    const r = await e2e.run(['demo', 'status']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('project demo in namespace vm-demo: 0/3 ready in 2 spec(s)');
    expect(r.stdout).toMatch(/^SPEC\s+NAME\s+STATUS\s+READY/m);
    expect(r.stdout).toMatch(/^db\s+db-01\s+NotDeployed/m);
    expect(r.stdout).toMatch(/^web\s+web-01\s+NotDeployed/m);
    expect(r.stdout).toMatch(/^web\s+web-02\s+NotDeployed/m);
  });

  test('deploy goes spec by spec in file name order, each under its heading, with one summary', async () => {
    const r = await e2e.run(['demo', 'deploy', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const db = r.stdout.indexOf('=== demo/db ===');
    const web = r.stdout.indexOf('=== demo/web ===');
    expect(db).toBe(0);
    expect(web).toBeGreaterThan(db);
    expect(r.stdout.slice(db, web)).toContain('[SUCCESS] VirtualMachine db-01 (created)');
    expect(r.stdout.slice(web)).toContain('[SUCCESS] VirtualMachine web-02 (created)');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('project demo: 2 spec(s); ok: db, web');
    await e2e.sim.settle();

    const s = await e2e.run(['demo', 'status']);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('3/3 ready in 2 spec(s)');
    expect(s.stdout).toMatch(/^db\s+db-01\s+Running\s+true/m);

    // -o json: one document with each spec's results and each spec's exit code.
    const j = await e2e.run(['demo', 'deploy', '--yes', '-o', 'json']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc.specs.map((x: { spec: string }) => x.spec)).toEqual(['db', 'web']);
    expect(doc.exitCode).toBe(0);
    expect(doc.project).toEqual({
      name: 'demo',
      specs: [
        { spec: 'db', exitCode: 0 },
        { spec: 'web', exitCode: 0 },
      ],
    });
    expect(j.stderr).toContain('project demo: 2 spec(s); ok: db, web');

    const sj = await e2e.run(['demo', 'status', '-o', 'json']);
    const sdoc = JSON.parse(sj.stdout);
    expect(sdoc).toMatchObject({ project: 'demo', ready: true });
    expect(sdoc.specs.map((x: { spec: string; ready: boolean }) => [x.spec, x.ready])).toEqual([
      ['db', true],
      ['web', true],
    ]);
  });

  test("one spec's failure does not stop the others; the worst exit code wins; --fail-fast stops at it", async () => {
    writeFileSync(specFile('db'), dbSpec.replace(/^cpu: 4$/m, 'cpu: many'));
    const r = await e2e.run(['demo', 'deploy', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^v-auto: demo\/db: .*cpu/m);
    expect(r.stdout).toContain('=== demo/web ===');
    expect(r.stdout).toMatch(/\[(SKIPPED|SUCCESS)\] VirtualMachine web-01 \((unchanged|created)\)/);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(
      'project demo: 2 spec(s); ok: web; failed: db (exit 2)',
    );

    e2e.resetCalls();
    const ff = await e2e.run(['demo', 'deploy', '--yes', '--fail-fast']);
    expect(ff.code).toBe(2);
    expect(ff.stdout).not.toContain('=== demo/web ===');
    expect(ff.stdout.trimEnd().split('\n').pop()).toBe(
      'project demo: 2 spec(s); failed: db (exit 2); not run (--fail-fast): web',
    );
    expect(e2e.calls()).toEqual([]);

    // status shows what it can read, and says what it could not.
    await e2e.sim.settle();
    const s = await e2e.run(['demo', 'status']);
    expect(s.code).toBe(2);
    expect(s.stdout).toMatch(/^web\s+web-01\s+Running/m);
    expect(s.stdout).toMatch(/Not read: db \(exit 2: .*cpu/);
  });

  test('status names the VMs of a spec whose file is gone; they count for no spec', async () => {
    const web = readFileSync(specFile('web'), 'utf8');
    rmSync(specFile('web'));
    try {
      const r = await e2e.run(['demo', 'status']);
      expect(r.stdout).toContain('1/1 ready in 1 spec(s)');
      expect(r.stdout).toMatch(
        /Not in any spec file \(their spec file was removed or renamed\):\n {2}web in namespace vm-demo: web-01, web-02\n/,
      );
      const j = JSON.parse((await e2e.run(['demo', 'status', '-o', 'json'])).stdout);
      expect(j.orphans).toEqual([{ namespace: 'vm-demo', spec: 'web', vms: ['web-01', 'web-02'] }]);
    } finally {
      writeFileSync(specFile('web'), web);
    }
  });

  test('status lists, per spec, the VMs whose change waits for a restart, with the command', async () => {
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes', '--set', 'cpu=3'])).code).toBe(0);
    await e2e.sim.settle();
    const r = await e2e.run(['demo', 'status']);
    expect(r.stdout).toContain(
      'Restart pending (RestartRequired: a change waits for the VM to restart):\n  web: web-01, web-02 (v-auto demo web restart --pending)\n',
    );
    expect(r.stdout).not.toMatch(/^ {2}db: /m);
  });

  test('flags of one spec are refused without one, and project-only flags with one (exit 2)', async () => {
    const cases: [string[], string][] = [
      [['demo', 'deploy', '--target', 'web-01'], '--target applies to one spec'],
      [['demo', 'status', '--replicas', '3'], '--replicas applies to one spec'],
      [['demo', 'web', 'deploy', '--fail-fast'], '--fail-fast applies to deploy of every spec'],
      [['demo', 'web', 'delete', '--all-specs', '--yes'], '--all-specs applies to delete of every spec'],
      [['demo', 'delete', '--yes'], 'delete without a spec would delete every spec of project demo'],
      [['demo', 'delete', '--all-specs'], 'delete --all-specs needs --yes'],
    ];
    for (const [args, message] of cases) {
      const r = await e2e.run(args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toContain(message);
      expect(r.calls).toEqual([]);
    }
    const hint = await e2e.run(['demo', 'delete', '--yes']);
    expect(hint.stderr).toContain('hint: add --all-specs (and --yes) to mean it');
  });

  test("a busy spec stops the whole run before anything is sent (exit 4): it takes every spec's lock first", async () => {
    const lock = path.join(e2e.home, 'projects', 'demo', '.v-auto-web.lock');
    mkdirSync(lock);
    writeFileSync(
      path.join(lock, 'owner-0123456789abcdef.json'),
      JSON.stringify({ pid: 1, host: 'cron-host', started: '2026-12-01T00:00:00Z' }),
    );
    try {
      const r = await e2e.run(['demo', 'deploy', '--yes'], { V_AUTO_LOCK_WAIT_MS: '0' });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('demo/web is busy: process 1 on cron-host');
      expect(r.stdout).toBe('');
      expect(r.calls).toEqual([]);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  });

  test("delete --all-specs --yes deletes every spec's objects, never a foreign VM, and keeps a shared NAD it still uses", async () => {
    // Someone's own VM on the project's shared DHCP network: not v-auto's, and it uses the NAD.
    e2e.sim.put({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'hand-made', namespace: 'vm-demo' },
      spec: {
        runStrategy: 'Halted',
        template: {
          spec: {
            domain: { devices: {} },
            networks: [{ name: 'office', multus: { networkName: 'office' } }],
          },
        },
      },
    });
    // A VM of the project whose spec file is gone: no spec of the run accounts for it.
    e2e.sim.put({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: {
        name: 'old-01',
        namespace: 'vm-demo',
        labels: {
          'v-auto/managed': 'true',
          'v-auto/project': 'demo',
          'v-auto/spec': 'old',
          'v-auto/name': 'old-01',
        },
      },
      spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: {} } } } },
    });
    const dry = await e2e.run(['demo', 'delete', '--all-specs', '--dry-run']);
    expect(dry.code).toBe(0);
    // The reverse of deploy's order: web, then db.
    expect(dry.stdout.indexOf('=== demo/web ===')).toBe(0);
    expect(dry.stdout.indexOf('=== demo/db ===')).toBeGreaterThan(0);
    expect(dry.stdout).toContain('Would delete from namespace vm-demo');

    const r = await e2e.run(['demo', 'delete', '--all-specs', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[DELETED] VirtualMachine db-01');
    expect(r.stdout).toContain('[DELETED] VirtualMachine web-02');
    expect(r.stdout).toContain(
      'Keeping shared network attachment(s) still in use: office (VirtualMachine hand-made)',
    );
    expect(r.stdout).toContain('project demo: 2 spec(s); ok: web, db\n');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(
      "Labelled as project demo's but in no spec file, so left alone: spec old (namespace vm-demo): VirtualMachine old-01. Put the spec file back (projects/demo/specs/SPEC.yaml) to manage or delete them with v-auto",
    );
    await e2e.sim.settle();
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'hand-made')).toBeDefined();
    expect(e2e.sim.get('NetworkAttachmentDefinition', 'vm-demo', 'office')).toBeDefined();
    expect(
      e2e.sim
        .list('VirtualMachine', 'vm-demo')
        .map((v) => v.metadata.name)
        .sort(),
    ).toEqual(['hand-made', 'old-01']);
  });
});
