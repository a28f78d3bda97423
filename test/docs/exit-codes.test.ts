// Every exit code v-auto can return is explained in --help and in the exit code table of the lifecycle reference, English and Korean.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../lib/errors.js';
import { parseArgs } from '../../lib/cli/parse-args.js';
import { repoRoot } from '../helpers/e2e.js';

const codes = Object.values(ExitCode);
const tableCodes = (file: string) =>
  readFileSync(path.join(repoRoot, file), 'utf8')
    .split('\n')
    .map((l) => /^\| (\d+) \|/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined)
    .map(Number);

test.each(['docs/lifecycle.md', 'docs/ko/lifecycle.md'])(
  '%s: its exit code table has a row for every code',
  (file) => {
    expect([...new Set(tableCodes(file))].sort((a, b) => a - b)).toEqual(
      expect.arrayContaining([...codes].sort((a, b) => a - b)),
    );
  },
);

test('--help names every exit code', async () => {
  const parsed = await parseArgs(['--help'], '0.0.0', {});
  expect(parsed.kind).toBe('print');
  const text = (parsed as { text: string }).text;
  const epilog = text.slice(text.indexOf('Exit codes:'));
  for (const code of codes)
    expect({ code, named: new RegExp(`(^|[\\s,:])${code} `).test(epilog) }).toEqual({ code, named: true });
  expect(epilog).toContain('SIGHUP');
});
