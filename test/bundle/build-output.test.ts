// What the built CLI (build/v-auto.cjs, from `npm run build`) carries: nothing every start pays for and no output needs.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const bundle = readFileSync(path.resolve('build/v-auto.cjs'), 'utf8');

test('no copy of string-width is bundled: its emoji regexes cost every start, and the help text is ASCII (lib/cli/text-width.ts)', () => {
  // The opening of emoji-regex's pattern, which string-width builds when its module loads.
  expect(bundle).not.toContain('[#*0-9]\\uFE0F?\\u20E3');
});
