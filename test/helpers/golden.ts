// Golden files: what users read, kept verbatim under test/**/golden/; UPDATE_GOLDEN=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Expects `text` to equal the golden file `dir/golden/name`; with UPDATE_GOLDEN=1, writes it instead. */
export function expectGolden(dir: string, name: string, text: string): void {
  const file = path.join(dir, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run with UPDATE_GOLDEN=1 to write it`);
  expect(text).toBe(readFileSync(file, 'utf8'));
}
