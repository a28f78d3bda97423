// argv → CliOptions, and each action's help, from the declarations in commands/definitions.ts: a plain
// command line is read here, anything else (and the help) by yargs, loaded only then.
import { didYouMean } from '../config/did-you-mean.js';
import { usageError, VAutoError } from '../errors.js';
import {
  ACTIONS,
  COMPLETION_USAGE,
  DEFINITIONS,
  fieldOf,
  flagApplies,
  type Action,
  type CliOptions,
  type Definitions,
  type FlagSpec,
  type Target,
} from '../commands/definitions.js';
import { resolvePositionals } from './positionals.js';

export type { CliOptions, OutputFormat } from '../commands/definitions.js';

export type ParseResult = { kind: 'run'; options: CliOptions } | { kind: 'print'; text: string };

/**
 * The arguments as yargs (or the plain path) gives them: `words`, and each flag's value (or default)
 * by its name. The options are declared from a table, so they are untyped here: each is read as its
 * FlagSpec declares.
 */
export type Args = Record<string, any>;

const EPILOG = `Precedence (later wins): built-in defaults, config.yaml, specs/<spec>.yaml, --replicas, --set.
Maps merge key by key; lists and values are replaced.

Exit codes: 0 ok, 1 some resource failed, 2 usage or configuration error (nothing sent),
3 cluster access error (oc missing, not logged in, forbidden, unreachable),
4 another run of this project/spec holds the workspace lock, 70 internal error (a bug),
74 the output could not be written (a closed pipe, a full disk),
130 interrupted (Ctrl-C, SIGTERM or SIGHUP).`;

function globalUsage({ commands }: Definitions): string {
  return `Usage: v-auto [PROJECT] [SPEC] [ACTION] [OPTIONS]

Actions (the action word may stand anywhere; "v-auto ACTION --help" shows its flags and examples):
${ACTIONS.map((a) => `  ${a.padEnd(10)}${commands[a].summary}`).join('\n')}

Shell completion: ${COMPLETION_USAGE} prints a script for bash or zsh (see docs/install.md, "Shell completion").`;
}

/** yargs for the whole command line, or, with `action`, only that action's flags and help. */
async function parser(defs: Definitions, version: string, action?: Action) {
  // Loaded here, not at the top: a plain run never needs it (its load was 11 of the ~25 ms of CPU
  // that reading argv with yargs took, docs/performance.md "Argument parsing").
  const { default: yargs } = await import('yargs');
  const command = action && defs.commands[action];
  let y = yargs()
    // Words and string flags are names and values, never numbers: `4.10` must stay project "4.10",
    // not become project "4.1" (and delete another project's VMs).
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .scriptName('v-auto')
    .usage(
      command
        ? `Usage: ${command.usage}\n\n${command.summary[0].toUpperCase()}${command.summary.slice(1)}.${command.description ? `\n${command.description}` : ''}`
        : globalUsage(defs),
    )
    .command('$0 [words..]', false as unknown as string);
  for (const flag of defs.flags) {
    if (action && !flagApplies(flag, action)) continue;
    const choices = flag.name === 'output' && command ? command.outputs : flag.choices;
    if (flag.name === 'output' && command && !command.outputs) continue;
    y = y.option(flag.name, {
      alias: flag.alias,
      type: flag.type,
      choices,
      default: flag.default,
      describe: flag.describe,
    });
  }
  const examples = command ? command.examples : ACTIONS.map((a) => defs.commands[a].examples[0]);
  for (const [cmd, what] of examples) y = y.example(cmd, what);
  y = action ? y.version(false) : y.version(version);
  return y.epilog(EPILOG).help().alias('h', 'help').strict().exitProcess(false).wrap(100);
}

/**
 * yargs' failure as one exit-2 error. Its choice error is a heading and one line per flag
 * (`Invalid values:\n  Argument: output, Given: "wide", Choices: "table", "json"`, yargs
 * build/lib/validation.js): the flag, the value and the choices are said on one line instead.
 */
function parseFailure(message: string, argv: string[], defs: Definitions): VAutoError {
  const choice = /Argument: ([\w-]+), Given: "?([^"]*)"?, Choices: (.*)/.exec(message);
  if (!choice) return usageError(message.split('\n')[0], 'see v-auto --help');
  const [, flag, given] = choice;
  const action = argv.find((a): a is Action => (ACTIONS as readonly string[]).includes(a));
  // The parser may not know the action yet: -o's choices are then every format of any action.
  const outputs = action && defs.commands[action].outputs;
  const choices =
    flag === 'output' && outputs ? outputs : [...choice[3].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const list = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices[0];
  const near = didYouMean(given, choices);
  const hint =
    flag === 'output' && given === 'wide'
      ? 'kubectl\'s "-o wide" is "-o table" here: the table already has every column'
      : near
        ? `did you mean ${near}?`
        : `see v-auto ${action ? `${action} ` : ''}--help`;
  return usageError(`--${flag} ${given}: not a choice (choose ${list})`, hint);
}

/** Parses argv; `--help`/`--version` return the text to print. Throws exit-2 errors. */
export async function parseArgs(
  argv: string[],
  version: string,
  env: Record<string, string | undefined>,
  defs: Definitions = DEFINITIONS,
): Promise<ParseResult> {
  const help = helpRequest(argv, defs.flags);
  if (help) return { kind: 'print', text: await helpText(defs, version, help.action) };
  const read = plainArgs(argv, defs.flags, version) ?? (await yargsArgs(argv, version, defs));
  if (typeof read === 'string') return { kind: 'print', text: read };
  return { kind: 'run', options: optionsOf(read, argv, defs, env) };
}

/** What yargs makes of argv: its arguments, or the text it prints (`--version`). Throws its failure as exit 2. */
export async function yargsArgs(argv: string[], version: string, defs: Definitions): Promise<Args | string> {
  let printed = '';
  let failure: string | undefined;
  const args: Args = await (
    await parser(defs, version)
  )
    .fail((msg, err) => {
      failure = msg ?? err?.message;
    })
    .parseAsync(bareValues(argv, defs.flags), {}, (_err, _argv, output) => {
      printed = output;
    });
  if (failure) throw parseFailure(failure, argv, defs);
  return printed || args;
}

/**
 * The arguments of a plain command line as yargs reads them (for `--version` alone, the text it
 * prints), or undefined when it is not plain (yargs reads it then). Plain: words, and declared
 * flags each given once (--set repeats) as `--name value` (a value not starting with "-"),
 * `--name=value` (not quoted: yargs strips quotes there), `-o value`, or a bare switch not followed
 * by true/false (yargs would take that word as its value), with a value among the flag's choices.
 * Everything else goes to yargs: --help, --version with anything else, unknown flags, `--`,
 * `--no-…`, camelCase spellings, a switch given `=`. test/cli/parse-args-paths.test.ts
 * checks both readings equal over every action, flag and value form of the definitions.
 */
export function plainArgs(
  argv: string[],
  flags: readonly FlagSpec[],
  version: string,
): Args | string | undefined {
  if (argv.length === 1 && argv[0] === '--version') return version;
  const args: Args = {};
  const words: string[] = [];
  const tokens = bareValues(argv, flags);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token.startsWith('-')) {
      words.push(token);
      continue;
    }
    const long = /^--([^=]+)(?:=([\s\S]*))?$/.exec(token);
    const flag = long
      ? flags.find((f) => f.name === long[1])
      : flags.find((f) => f.alias !== undefined && token === `-${f.alias}`);
    const inline = long?.[2];
    const next = tokens[i + 1];
    let value: string | number | boolean;
    if (!flag) return undefined;
    if (flag.type === 'boolean') {
      if (inline !== undefined || /^(true|false)$/.test(next ?? '')) return undefined;
      value = true;
    } else if (inline !== undefined) {
      if (/^["']/.test(inline)) return undefined;
      value = inline;
    } else {
      if (next === undefined || next.startsWith('-')) return undefined;
      value = next;
      i++;
    }
    if (flag.choices && !flag.choices.includes(value as string)) return undefined;
    // yargs-parser's maybeCoerceNumber: a number flag's value is Number(value), NaN included.
    if (flag.type === 'number') value = Number(value);
    if (Object.hasOwn(args, flag.name)) {
      if (!flag.repeat) return undefined;
      args[flag.name] = ([] as unknown[]).concat(args[flag.name], value);
    } else args[flag.name] = value;
  }
  for (const flag of flags)
    if (flag.default !== undefined && !Object.hasOwn(args, flag.name)) args[flag.name] = flag.default;
  if (words.length) args.words = words;
  return args;
}

/** The options the arguments give: words resolved, each flag checked against the action and parsed. */
export function optionsOf(
  args: Args,
  argv: string[],
  defs: Definitions,
  env: Record<string, string | undefined>,
): CliOptions {
  const words = (args.words as string[] | undefined) ?? [];
  // yargs turns a flag given twice into a list; only --set is meant to repeat.
  const repeated = defs.flags.find((flag) => !flag.repeat && Array.isArray(args[flag.name]));
  if (repeated)
    throw usageError(`--${repeated.name} is given more than once`, 'give it once; only --set may repeat');

  const target = resolveWords(words, argv, defs, {
    project: args.project,
    spec: args.spec,
    action: args.action,
  });
  const command = defs.commands[target.action];
  // A flag the action does not use would be silently ignored (`delete --wait` that does not wait).
  for (const flag of defs.flags) {
    if (!flagApplies(flag, target.action) && given(argv, flag)) {
      throw usageError(
        `--${flag.name} does not apply to ${target.action}`,
        `it is for: ${flag.actions!.join(', ')}`,
      );
    }
  }
  for (const flag of defs.flags) {
    if (!flag.scope || !given(argv, flag) || (flag.scope === 'spec') === (target.spec !== undefined))
      continue;
    throw flag.scope === 'spec'
      ? usageError(
          `--${flag.name} applies to one spec; ${target.action} without a spec acts on every spec of ${target.project}`,
          `give the spec: v-auto ${target.project} SPEC ${target.action} --${flag.name} …`,
        )
      : usageError(
          `--${flag.name} applies to ${target.action} of every spec, not to one spec`,
          `leave out the spec: v-auto ${target.project} ${target.action} --${flag.name}`,
        );
  }
  const outputs = command.outputs ?? ['table'];
  if (!outputs.includes(args.output)) {
    throw usageError(
      `-o ${args.output} does not apply to ${target.action}`,
      `${target.action} takes -o ${outputs.join('|')}; see v-auto ${target.action} --help`,
    );
  }
  const options = { ...target, ...flagValues(defs.flags, args, env) } as CliOptions;
  command.validate?.(options);
  return options;
}

/** Each flag's option: its value checked and parsed, else its environment variable or fallback. */
function flagValues(
  flags: readonly FlagSpec[],
  args: Record<string, unknown>,
  env: Record<string, string | undefined>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const flag of flags) {
    const field = fieldOf(flag);
    if (field === undefined) continue;
    const raw = args[flag.name];
    const parse = (flag.parse ?? ((v: unknown) => v)) as (given: unknown) => unknown;
    values[field] = flag.repeat
      ? // Not `array: true`: that would swallow the words after `--set a=1` (`v-auto --set a=1 demo web inspect`).
        ([] as unknown[]).concat(raw ?? []).map((v) => parse(String(v)))
      : raw !== undefined
        ? parse(raw)
        : ((flag.env && env[flag.env]) ?? flag.fallback);
  }
  return values;
}

/** The words as project, spec and action; a word that a bare `--wait` left behind is checked as its value. */
function resolveWords(
  words: string[],
  argv: string[],
  defs: Definitions,
  flags: { project?: string; spec?: string; action?: string },
): Target {
  try {
    return resolvePositionals(words, flags, {
      specOptional: (a) => Boolean(defs.commands[a].projectWide),
    });
  } catch (err) {
    if (!(err instanceof VAutoError)) throw err;
    for (const flag of defs.flags.filter((f) => f.optionalValue && f.parse)) {
      const next = argv[argv.indexOf(`--${flag.name}`) + 1];
      if (argv.includes(`--${flag.name}`) && err.message === `unexpected argument "${next}"`)
        (flag.parse as (given: string) => unknown)(next);
    }
    throw err;
  }
}

/**
 * `v-auto --help`, `v-auto deploy --help`, `v-auto demo web deploy -h`, `v-auto help [ACTION]`:
 * the action whose help is asked for (undefined: the global help), or undefined when none is.
 */
function helpRequest(argv: string[], flags: readonly FlagSpec[]): { action?: Action } | undefined {
  const words = positionalWords(argv, flags);
  const asked = argv.some((a) => a === '--help' || a === '-h') || words[0] === 'help';
  if (!asked) return undefined;
  const action = words.find((w): w is Action => (ACTIONS as readonly string[]).includes(w));
  if (words[0] === 'help' && words[1] && !action) {
    const near = didYouMean(words[1], ACTIONS);
    throw usageError(
      `no help for "${words[1]}": not an action${near ? ` (did you mean "${near}"?)` : ''}`,
      `actions: ${ACTIONS.join(', ')}`,
    );
  }
  return { action };
}

/** The words of argv that are not flags or flag values (`--target deploy` is not the action). */
export function positionalWords(argv: string[], flags: readonly FlagSpec[] = DEFINITIONS.flags): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      const flag = findFlag(arg, flags);
      if (
        flag &&
        flag.type !== 'boolean' &&
        !arg.includes('=') &&
        !(flag.optionalValue && !/^\d/.test(argv[i + 1] ?? ''))
      )
        i++;
      continue;
    }
    words.push(arg);
  }
  return words;
}

/** The flag a word names (`--home`, `-o`, `--home=x`), by name or alias. */
export function findFlag(arg: string, flags: readonly FlagSpec[] = DEFINITIONS.flags): FlagSpec | undefined {
  const name = arg.replace(/^--?/, '').split('=')[0];
  return flags.find((f) => f.name === name || f.alias === name);
}

async function helpText(defs: Definitions, version: string, action?: Action): Promise<string> {
  let printed = '';
  await (
    await parser(defs, version, action)
  )
    .fail(() => {})
    .parseAsync(['--help'], {}, (_err, _argv, output) => {
      printed = output;
    });
  return printed;
}

/** Whether the user wrote the flag (defaults do not count): `--flag`, `--flag=…`, `--no-flag`, or its alias. */
function given(argv: string[], flag: FlagSpec): boolean {
  const { name, alias } = flag;
  return argv.some(
    (a) =>
      a === `--${name}` ||
      a.startsWith(`--${name}=`) ||
      a === `--no-${name}` ||
      (alias !== undefined && (a === `-${alias}` || a.startsWith(`-${alias}=`))),
  );
}

/**
 * A flag with an optional value (`--wait`) must not take the next word as it: `--wait demo web
 * deploy` must not make "demo" the seconds. A next word that starts like a number (`600`, `10m`,
 * `1.5`) is its value, and checked as one; otherwise the flag is given as '' (its parse's default).
 */
function bareValues(argv: string[], flags: readonly FlagSpec[]): string[] {
  const optional = new Set(flags.filter((f) => f.optionalValue).map((f) => `--${f.name}`));
  return argv.map((arg, i) => (optional.has(arg) && !/^\d|^\.\d/.test(argv[i + 1] ?? '') ? `${arg}=` : arg));
}
