// Every action and flag that --help shows is documented in the lifecycle reference, English and Korean, and shell
// completion's install in the install pages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTIONS, SHELLS } from '../../lib/commands/definitions.js';
import { parseArgs } from '../../lib/cli/parse-args.js';
import { repoRoot } from '../helpers/workspace.js';

/** Where the flags and actions are documented, and where completion's install is, per language. */
const guides = [
  { reference: 'docs/lifecycle.md', install: 'docs/install.md' },
  { reference: 'docs/ko/lifecycle.md', install: 'docs/ko/install.md' },
];

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

describe.each(guides)('$reference', ({ reference, install }) => {
  const text = readFileSync(path.join(repoRoot, reference), 'utf8');

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

  test(`${install} shows how to install shell completion for each shell`, () => {
    const installText = readFileSync(path.join(repoRoot, install), 'utf8');
    for (const shell of SHELLS) expect(installText).toContain(`v-auto completion ${shell} >`);
  });
});
