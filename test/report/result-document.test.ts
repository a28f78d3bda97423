// The -o json result document: built from what the run reports, one entry per spec, data rather than sentences.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ResultRecorder } from '../../lib/report/result-document.js';
import { textReporter } from '../../lib/report/reporter.js';
import type { ChangePlan } from '../../lib/changes/plan-changes.js';
import { capture } from '../helpers/fake-cluster.js';

const validate = new Ajv({ strict: true }).compile(
  JSON.parse(readFileSync('schemas/result.schema.json', 'utf8')),
);
const web = { project: 'demo', spec: 'web', namespace: 'vm-demo' };
const db = { project: 'demo', spec: 'db', namespace: 'vm-demo' };

const surplus: ChangePlan = {
  changes: [
    { action: 'surplus', kind: 'VirtualMachine', name: 'web-03', instance: 'web-03' },
    { action: 'create', kind: 'VirtualMachine', name: 'web-01' },
  ],
  counts: {
    create: 1,
    update: 0,
    unchanged: 0,
    foreign: 0,
    surplus: 1,
    imported: 0,
    terminating: 0,
    restart: 0,
  },
  surplusInstances: ['web-03'],
};

test('several specs, a spec reported twice (deploy, then --prune); the text on stderr, nothing on stdout', () => {
  const seen = capture();
  const json = new ResultRecorder(seen);
  json.results(web, 'deploy', [
    { flag: 'SUCCESS', kind: 'VirtualMachine', name: 'web-01', detail: 'created' },
  ]);
  json.surplus(web, surplus, 2);
  json.results(db, 'deploy', [
    { flag: 'FAILED', kind: 'Secret', name: 'db-01-cloud-init', detail: 'denied', hint: 'ask an admin' },
  ]);
  json.results(web, 'delete', [{ flag: 'DELETED', kind: 'VirtualMachine', name: 'web-03' }]);
  const doc = json.document('deploy', 1);
  expect(validate(doc)).toBe(true);
  expect(seen.stdout).toBe('');
  expect(seen.stderr).toBe('web-03 exists but the spec plans 2 (run deploy --prune to delete it)\n');
  expect(doc.specs.map((s) => [s.spec, s.results.map((r) => r.name)])).toEqual([
    ['web', ['web-01', 'web-03']],
    ['db', ['db-01-cloud-init']],
  ]);
  expect(doc.specs[1].results[0]).toEqual({
    flag: 'FAILED',
    kind: 'Secret',
    name: 'db-01-cloud-init',
    reason: 'denied',
    hint: 'ask an admin',
  });
  expect(doc.specs[0].summary).toMatchObject({ succeeded: 1, deleted: 1, failed: 0 });
  expect(doc.summary).toMatchObject({ succeeded: 1, deleted: 1, failed: 1 });
  // What the text says in a sentence, the document holds as data.
  expect(doc.specs[0].surplus).toEqual({
    instances: ['web-03'],
    planned: 2,
    objects: [{ kind: 'VirtualMachine', name: 'web-03' }],
  });
  expect(doc).not.toHaveProperty('notes');
});

test('a whole-project run: each spec’s exit code and the VMs of removed spec files, not its headings', () => {
  const json = new ResultRecorder(capture());
  json.specBegins('demo', 'db', true);
  json.results(db, 'delete', [{ flag: 'DELETED', kind: 'VirtualMachine', name: 'db-01' }]);
  json.projectDone('demo', [
    { spec: 'db', code: 0 },
    { spec: 'api', code: 2, error: { message: 'replicas: must be a number', hint: 'replicas: 3' } },
    { spec: 'web' },
  ]);
  json.orphans('demo', [{ namespace: 'vm-demo', spec: 'old', vms: ['old-01'] }]);
  const doc = json.document('delete', 0);
  expect(validate(doc)).toBe(true);
  expect(doc.project).toEqual({
    name: 'demo',
    specs: [
      { spec: 'db', exitCode: 0 },
      { spec: 'api', exitCode: 2, error: { message: 'replicas: must be a number', hint: 'replicas: 3' } },
      { spec: 'web' },
    ],
    orphans: [{ namespace: 'vm-demo', spec: 'old', vms: ['old-01'] }],
  });
});

test('without -o json the lines and the summary are printed', () => {
  const seen = capture();
  textReporter(seen).results(web, 'deploy', [
    { flag: 'SKIPPED', kind: 'VirtualMachine', name: 'web-01', detail: 'unchanged' },
  ]);
  expect(seen.stdout).toBe('[SKIPPED] VirtualMachine web-01 (unchanged)\n0 succeeded, 1 skipped, 0 failed\n');
});

test.each([
  ['delete', 'FAILED', '0 deleted, 1 failed'],
  ['restart', 'FAILED', '0 restarted, 0 skipped, 1 failed'],
  ['stop', 'SKIPPED', '0 stopped, 1 skipped, 0 failed'],
  ['start', 'SKIPPED', '0 started, 1 skipped, 0 failed'],
] as const)('the summary of a %s says what it did, even when nothing was (%s)', (action, flag, summary) => {
  const seen = capture();
  textReporter(seen).results(web, action, [{ flag, kind: 'VirtualMachine', name: 'web-01', detail: 'x' }]);
  expect(seen.stdout.trimEnd().split('\n').pop()).toBe(summary);
});

test('the schema refuses a document with an unknown flag or a missing summary', () => {
  const doc = new ResultRecorder(capture()).document('stop', 0);
  expect(validate(doc)).toBe(true);
  expect(validate({ ...doc, summary: undefined })).toBe(false);
  expect(
    validate({
      ...doc,
      specs: [{ ...web, summary: doc.summary, results: [{ flag: 'OK', kind: 'VirtualMachine', name: 'x' }] }],
    }),
  ).toBe(false);
});

test("the --wait outcome joins its spec's entry, after the results it follows", () => {
  const seen = capture();
  const json = new ResultRecorder(seen);
  json.results(web, 'deploy', [
    { flag: 'SUCCESS', kind: 'VirtualMachine', name: 'web-01', detail: 'created' },
  ]);
  json.waited(
    web,
    {
      outcome: 'timed-out',
      seconds: 5,
      ready: 0,
      total: 1,
      notReady: [{ name: 'web-01', reason: 'disk importing 40.0%' }],
    },
    [],
  );
  const doc = json.document('deploy', 1);
  expect(validate(doc)).toBe(true);
  expect(doc.specs).toHaveLength(1);
  expect(doc.specs[0].wait).toEqual({
    outcome: 'timed-out',
    seconds: 5,
    ready: 0,
    total: 1,
    notReady: [{ name: 'web-01', reason: 'disk importing 40.0%' }],
  });
  expect(seen.stderr).toBe('timed out after 5 s; not ready: web-01 (disk importing 40.0%)\n');
  expect(
    validate({ ...doc, specs: [{ ...doc.specs[0], wait: { ...doc.specs[0].wait, outcome: 'late' } }] }),
  ).toBe(false);
});

test('notices, what a delete leaves standing and the shared NADs it keeps are data with a code; the sentences go to the text only', () => {
  const seen = capture();
  const json = new ResultRecorder(seen);
  json.notices(web, [
    { code: 'secret-after-first-boot', instance: 'web-01', secret: 'web-01-cloud-init', keys: ['userdata'] },
    { code: 'attachment-after-first-boot', instance: 'web-02', attachment: 'web-02-lan' },
  ]);
  const vm = (name: string) => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name } });
  json.deletion({
    scope: web,
    command: { name: 'delete' },
    dryRun: true,
    targets: [{ object: vm('web-03'), why: 'labeled' }],
    keptDisks: [],
    sharedInUse: [{ code: 'attached', nad: 'lan', by: { kind: 'VirtualMachine', name: 'db-01' } }],
    unlabeledKept: [],
    standing: [
      { code: 'delete-protected', vm: 'web-01', uses: [{ kind: 'Secret', name: 'web-01-cloud-init' }] },
      { code: 'in-use', vm: 'solo-01', objects: [{ kind: 'DataVolume', name: 'web-02-rootdisk' }] },
    ],
  });
  json.sharedInUse(web, [
    { code: 'attached', nad: 'office', by: { kind: 'Pod', namespace: 'vm-demo', name: 'probe' } },
    { code: 'unverified', nad: 'dmz' },
  ]);
  const doc = json.document('delete', 0);
  expect(validate(doc)).toBe(true);
  expect(doc.specs[0].deletion?.sharedInUse).toEqual([
    { code: 'attached', nad: 'lan', by: { kind: 'VirtualMachine', name: 'db-01' } },
    { code: 'attached', nad: 'office', by: { kind: 'Pod', namespace: 'vm-demo', name: 'probe' } },
    { code: 'unverified', nad: 'dmz' },
  ]);
  expect(seen.stderr).toContain(
    'Keeping shared network attachment(s) still in use: lan (VirtualMachine db-01)\n',
  );
  expect(seen.stderr).toContain(
    'Keeping shared network attachment(s) still in use: office (Pod vm-demo/probe), dmz (this user may not list VMs and Pods in every namespace to check)\n',
  );
  expect(doc.specs[0].notices).toEqual([
    { code: 'secret-after-first-boot', instance: 'web-01', secret: 'web-01-cloud-init', keys: ['userdata'] },
    { code: 'attachment-after-first-boot', instance: 'web-02', attachment: 'web-02-lan' },
  ]);
  expect(doc.specs[0].deletion?.standing).toEqual([
    { code: 'delete-protected', vm: 'web-01', uses: [{ kind: 'Secret', name: 'web-01-cloud-init' }] },
    { code: 'in-use', vm: 'solo-01', objects: [{ kind: 'DataVolume', name: 'web-02-rootdisk' }] },
  ]);
  expect(seen.stderr).toContain(
    'notice: web-01 has booted: cloud-init ran at its first boot and does not run again, so the changed userdata (password, users, files, static address) will not reach the guest; the Secret is updated for a recreated instance (delete --target web-01, then deploy)\n' +
      'notice: web-02 has booted: the changed attachment web-02-lan applies to the VM at its next restart, but the guest keeps the address cloud-init configured at first boot\n',
  );
  expect(seen.stderr).toContain(
    'Keeping VirtualMachine web-01 (delete protection: kubevirt.io/vm-delete-protection) and what it uses: Secret web-01-cloud-init\n' +
      'Keeping DataVolume web-02-rootdisk: VirtualMachine solo-01 stays and uses it\n',
  );
  // A sentence where the schema wants data is refused.
  const sentence = { ...doc.specs[0], notices: ['web-01 has booted'] };
  expect(validate({ ...doc, specs: [sentence] })).toBe(false);
});
