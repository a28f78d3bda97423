// Every action and flag that --help shows is documented in the English README and the Korean guide.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTIONS, SHELLS } from '../../lib/cli/commands.js';
import { parseArgs } from '../../lib/cli/parse-args.js';
import { repoRoot } from '../helpers/workspace.js';

const guides = ['README.md', 'docs/ko/README.md'];

async function helpText(argv: string[]): Promise<string> {
  const result = await parseArgs(argv, 'v0', {});
  if (result.kind !== 'print') throw new Error('expected help text');
  return result.text;
}

/** The flags --help lists, from the global help and each action's. */
async function helpFlags(): Promise<string[]> {
  const texts = await Promise.all([helpText(['--help']), ...ACTIONS.map((a) => helpText([a, '--help']))]);
  return [
    ...new Set(texts.flatMap((t) => [...t.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]))),
  ].sort();
}

describe.each(guides)('%s', (guide) => {
  const text = readFileSync(path.join(repoRoot, guide), 'utf8');

  test('names every flag of --help', async () => {
    const flags = await helpFlags();
    expect(flags.length).toBeGreaterThan(15);
    expect(flags.filter((flag) => !new RegExp(`${flag}(?![a-z-])`).test(text))).toEqual([]);
  });

  test('names every action of --help', async () => {
    const help = await helpText(['--help']);
    for (const action of ACTIONS) expect(help).toContain(action);
    expect(ACTIONS.filter((action) => !text.includes(`\`${action}\``))).toEqual([]);
  });

  test('shows how to install shell completion for each shell', () => {
    for (const shell of SHELLS) expect(text).toContain(`v-auto completion ${shell} >`);
  });
});
