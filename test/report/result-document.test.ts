// The -o json result document: built from the result lines, one entry per spec, one summary.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { jsonResultOutput } from '../../lib/report/output.js';
import { reportResults } from '../../lib/report/result-lines.js';
import { capture } from '../helpers/fake-cluster.js';

const validate = new Ajv({ strict: true }).compile(
  JSON.parse(readFileSync('schemas/result.schema.json', 'utf8')),
);
const web = { project: 'demo', spec: 'web', namespace: 'vm-demo' };
const db = { project: 'demo', spec: 'db', namespace: 'vm-demo' };

test('several specs, a spec reported twice (deploy, then --prune), notes; nothing on stdout', () => {
  const seen = capture();
  const json = jsonResultOutput(seen);
  reportResults(web, [{ flag: 'SUCCESS', kind: 'VirtualMachine', name: 'web-01', detail: 'created' }], json);
  json.out('web-03 exists but the spec plans 2\n');
  reportResults(
    db,
    [{ flag: 'FAILED', kind: 'Secret', name: 'db-01-cloud-init', detail: 'denied', hint: 'ask an admin' }],
    json,
  );
  reportResults(web, [{ flag: 'DELETED', kind: 'VirtualMachine', name: 'web-03' }], json);
  const doc = json.results.document('deploy', 1);
  expect(validate(doc)).toBe(true);
  expect(seen.stdout).toBe('');
  expect(seen.stderr).toBe('web-03 exists but the spec plans 2\n');
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
  expect(doc.notes).toEqual(['web-03 exists but the spec plans 2']);
});

test('without -o json the lines and the summary are printed', () => {
  const seen = capture();
  reportResults(
    web,
    [{ flag: 'SKIPPED', kind: 'VirtualMachine', name: 'web-01', detail: 'unchanged' }],
    seen,
  );
  expect(seen.stdout).toBe('[SKIPPED] VirtualMachine web-01 (unchanged)\n0 succeeded, 1 skipped, 0 failed\n');
});

test('the schema refuses a document with an unknown flag or a missing summary', () => {
  const doc = jsonResultOutput(capture()).results.document('stop', 0);
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
  const json = jsonResultOutput(capture());
  reportResults(web, [{ flag: 'SUCCESS', kind: 'VirtualMachine', name: 'web-01', detail: 'created' }], json);
  json.results.recordWait(web, {
    outcome: 'timed-out',
    seconds: 5,
    ready: 0,
    total: 1,
    notReady: [{ name: 'web-01', reason: 'disk importing 40.0%' }],
  });
  const doc = json.results.document('deploy', 1);
  expect(validate(doc)).toBe(true);
  expect(doc.specs).toHaveLength(1);
  expect(doc.specs[0].wait).toEqual({
    outcome: 'timed-out',
    seconds: 5,
    ready: 0,
    total: 1,
    notReady: [{ name: 'web-01', reason: 'disk importing 40.0%' }],
  });
  expect(
    validate({ ...doc, specs: [{ ...doc.specs[0], wait: { ...doc.specs[0].wait, outcome: 'late' } }] }),
  ).toBe(false);
});
