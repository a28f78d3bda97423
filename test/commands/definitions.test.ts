// A flag is one declaration: a flag added in a fixture shows in the help, completion, the
// "does not apply" and scope checks, its value check, the parsed options and a command's options
// (by value here, and by type: `npm run typecheck` checks the type assertions below).
import {
  COMMANDS,
  FLAGS,
  commandOptions,
  type CliOptions,
  type Definitions,
  type FlagSpec,
  type FlagValues,
} from '../../lib/commands/definitions.js';
import { completeWords, type CompletionSource } from '../../lib/cli/completion.js';
import { parseArgs } from '../../lib/cli/parse-args.js';
import { ExitCode, usageError } from '../../lib/errors.js';
import { asyncErrorOf } from '../helpers/workspace.js';

/** Two flags nobody has: one with a checked value for one spec's deploy, one switch for a whole project. */
const SURGE = {
  name: 'max-surge',
  type: 'string',
  choices: ['none', 'one', 'all'],
  describe: 'fixture: how many VMs may run beyond replicas while rolling',
  actions: ['deploy', 'restart'],
  scope: 'spec',
  parse: (given: 'none' | 'one' | 'all'): number => ({ none: 0, one: 1, all: 99 })[given],
} as const satisfies FlagSpec;
const QUIET = {
  name: 'quiet-specs',
  type: 'boolean',
  default: false,
  describe: 'fixture: leave out the per-spec headings',
  actions: ['deploy'],
  scope: 'project',
} as const satisfies FlagSpec;

const defs: Definitions = { commands: COMMANDS, flags: [...FLAGS, SURGE, QUIET] };
type FixtureOptions = CliOptions & FlagValues<typeof SURGE | typeof QUIET>;

// The option types come from the declarations: the parsed number, not the word given, for one.
// @ts-expect-error maxSurge is a number
({ maxSurge: 'one' }) satisfies FlagValues<typeof SURGE>;

const parse = async (argv: string[]) => {
  const result = await parseArgs(argv, 'v9.9.9', {}, defs);
  if (result.kind !== 'run') throw new Error(`expected options, got ${result.text}`);
  return result.options as FixtureOptions;
};
const help = async (argv: string[]) => {
  const result = await parseArgs(argv, 'v9.9.9', {}, defs);
  return result.kind === 'print' ? result.text : '';
};
const source: CompletionSource = { projects: () => ['demo'], specs: () => ['web'], instances: () => [] };

describe('a flag added in one declaration', () => {
  test("is in the help of the actions it names and in no other's", async () => {
    expect(await help(['deploy', '--help'])).toMatch(
      /--max-surge +fixture: how many VMs may run beyond replicas while rolling\s+\[string\] \[choices: "none", "one", "all"\]/,
    );
    expect(await help(['restart', '--help'])).toContain('--max-surge');
    expect(await help(['deploy', '--help'])).toMatch(
      /--quiet-specs +fixture: leave out the per-spec headings/,
    );
    expect(await help(['delete', '--help'])).not.toContain('--max-surge');
    expect(await help(['restart', '--help'])).not.toContain('--quiet-specs');
  });

  test('completion offers it, and its values, only for those actions', () => {
    const complete = (words: string, current: string) =>
      completeWords(words.split(' '), current, source, defs);
    expect(complete('demo web deploy', '--max')).toEqual(['--max-surge']);
    expect(complete('demo web delete', '--max')).toEqual([]);
    expect(complete('demo web deploy --max-surge', '')).toEqual(['none', 'one', 'all']);
    expect(complete('demo deploy', '--qu')).toEqual(['--quiet-specs']);
  });

  test('parses into the field its name gives, through its parse, for the command that owns it', async () => {
    const options = await parse(['demo', 'web', 'deploy', '--max-surge', 'one']);
    const expected: FlagValues<typeof SURGE | typeof QUIET> = { maxSurge: 1, quietSpecs: false };
    expect(options).toMatchObject(expected);
    expect((await parse(['demo', 'web', 'deploy'])).maxSurge).toBeUndefined();
    expect(commandOptions('deploy', options, defs.flags)).toMatchObject({ maxSurge: 1, quietSpecs: false });
    expect(commandOptions('restart', options, defs.flags)).not.toHaveProperty('quietSpecs');
    expect(commandOptions('delete', options, defs.flags)).not.toHaveProperty('maxSurge');
  });

  test.each([
    [['demo', 'web', 'delete', '--max-surge', 'one'], '--max-surge does not apply to delete'],
    [
      ['demo', 'deploy', '--max-surge', 'one'],
      '--max-surge applies to one spec; deploy without a spec acts on every spec of demo',
    ],
    [
      ['demo', 'web', 'deploy', '--quiet-specs'],
      '--quiet-specs applies to deploy of every spec, not to one spec',
    ],
    [
      ['demo', 'web', 'deploy', '--max-surge', 'two'],
      '--max-surge two: not a choice (choose none, one or all)',
    ],
  ])('%j is refused: %s', async (argv, message) => {
    const err = await asyncErrorOf(() => parse(argv));
    expect([err.message, err.exitCode]).toEqual([message, ExitCode.USAGE]);
  });

  test("a command's validate joins flags, after each is parsed", async () => {
    const withRule: Definitions = {
      flags: defs.flags,
      commands: {
        ...COMMANDS,
        deploy: {
          ...COMMANDS.deploy,
          validate: (o) => {
            if ((o as FixtureOptions).maxSurge === 99 && !o.yes)
              throw usageError('--max-surge all goes with --yes');
          },
        },
      },
    };
    const argv = ['demo', 'web', 'deploy', '--max-surge', 'all'];
    expect((await asyncErrorOf(() => parseArgs(argv, 'v', {}, withRule))).message).toBe(
      '--max-surge all goes with --yes',
    );
    expect(await parseArgs([...argv, '--yes'], 'v', {}, withRule)).toMatchObject({ kind: 'run' });
  });
});
