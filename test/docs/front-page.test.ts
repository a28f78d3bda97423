// README.md stays a front page: short, Install before the tour with the bundle first, and the test command CI runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/workspace.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const headings = [...readme.matchAll(/^(#{2,3}) (.+)$/gm)].map((m) => m[2]);

test('is a few hundred lines at most: the reference lives in docs/', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(300);
});

test('Install comes before the tour, and the offline bundle comes first in it', () => {
  const at = (h: string) => headings.findIndex((x) => x.startsWith(h));
  expect(at('Install')).toBeGreaterThan(-1);
  expect(at('Install')).toBeLessThan(at('A five-minute tour'));
  expect(at('The offline bundle')).toBe(at('Install') + 1);
  expect(at('The offline bundle')).toBeLessThan(at('From a checkout'));
});

test('the test command it names is the one CI runs', () => {
  expect(readme).toMatch(/^npm test\b/m);
  expect(readme).toContain("CI's `.ci/run` calls `npm test`");
  const ci = readFileSync(path.join(repoRoot, '.ci/run'), 'utf8');
  expect(ci).toMatch(/^npm test$/m);
});
