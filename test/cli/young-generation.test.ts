// The young generation stays small (docs/performance.md, peak memory): set by bin/load-bundle.cjs, which every entry goes through.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binary, repoRoot } from '../helpers/e2e.js';

test("a run that allocates tens of MiB ends with V8's new space at its starting size (it grows to 16 MiB by default)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-young-'));
  const preload = path.join(dir, 'new-space.mjs');
  const report = path.join(dir, 'new-space');
  writeFileSync(
    preload,
    `import v8 from 'node:v8'; import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(${JSON.stringify(report)}, String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)));\n`,
  );
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      preload,
      binary,
      '--home',
      'examples',
      'demo',
      'db',
      'inspect',
      '-o',
      'json',
      '--replicas',
      '300',
    ],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).items).toHaveLength(1 + 3 * 300);
  expect(Number(readFileSync(report, 'utf8'))).toBeLessThanOrEqual(4 << 20);
});
