// argv → CliOptions with yargs, and each action's help, from the tables in commands.ts.
import yargs from 'yargs';
import { didYouMean } from '../config/did-you-mean.js';
import { MAX_REPLICAS } from '../config/rules.js';
import { usageError, VAutoError } from '../errors.js';
import {
  ACTIONS,
  COMMANDS,
  COMPLETION_USAGE,
  DEFAULT_PARALLEL,
  DEFAULT_WAIT_SECONDS,
  FLAGS,
  MAX_PARALLEL,
  flagApplies,
  type Action,
  type CommandSpec,
  type FlagSpec,
} from './commands.js';
import { resolvePositionals, type Target } from './positionals.js';

export type OutputFormat = 'table' | 'yaml' | 'json';

/** Everything the command line says, resolved and checked. */
export interface CliOptions extends Target {
  home?: string;
  replicas?: number;
  target?: string;
  sets: string[];
  output: OutputFormat;
  showSecrets: boolean;
  dryRun: boolean;
  yes: boolean;
  /** Seconds to wait for readiness after deploy; undefined = don't wait. */
  wait?: number;
  oc?: string;
  kubeconfig?: string;
  context?: string;
  requestTimeout: number;
  keepDisks: boolean;
  /** delete, deploy --prune: leave VMs under delete protection instead of refusing. */
  skipProtected: boolean;
  includeUnlabeled: boolean;
  adopt: boolean;
  prune: boolean;
  insecureUpload: boolean;
  /** restart, deploy --restart: VMs restarted at once. */
  batch: number;
  /** deploy, delete: concurrent oc calls for a large apply or delete. */
  parallel: number;
  /** restart, deploy --restart: only VMs with RestartRequired. */
  pending: boolean;
  /** deploy: roll the VMs the plan says need a restart, after applying. */
  restart: boolean;
  /** deploy, delete of every spec: stop at the first spec that fails. */
  failFast: boolean;
  /** delete without a spec: the user means every spec of the project. */
  allSpecs: boolean;
}

export type ParseResult = { kind: 'run'; options: CliOptions } | { kind: 'print'; text: string };

const EPILOG = `Precedence (later wins): built-in defaults, config.yaml, specs/<spec>.yaml, --replicas, --set.
Maps merge key by key; lists and values are replaced.

Exit codes: 0 ok, 1 some resource failed, 2 usage or configuration error (nothing sent),
3 cluster access error (oc missing, not logged in, forbidden, unreachable),
4 another run of this project/spec holds the workspace lock, 70 internal error (a bug),
74 the output could not be written (a closed pipe, a full disk),
130 interrupted (Ctrl-C, SIGTERM or SIGHUP).`;

const GLOBAL_USAGE = `Usage: v-auto [PROJECT] [SPEC] [ACTION] [OPTIONS]

Actions (the action word may stand anywhere; "v-auto ACTION --help" shows its flags and examples):
${ACTIONS.map((a) => `  ${a.padEnd(10)}${COMMANDS[a].summary}`).join('\n')}

Shell completion: ${COMPLETION_USAGE} prints a script for bash or zsh (see docs/install.md, "Shell completion").`;

/** yargs for the whole command line, or, with `action`, only that action's flags and help. */
function parser(version: string, action?: Action) {
  const command: CommandSpec | undefined = action && COMMANDS[action];
  let y = yargs()
    // Words and string flags are names and values, never numbers: `4.10` must stay project "4.10",
    // not become project "4.1" (and delete another project's VMs).
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .scriptName('v-auto')
    .usage(
      command
        ? `Usage: ${command.usage}\n\n${command.summary[0].toUpperCase()}${command.summary.slice(1)}.${command.description ? `\n${command.description}` : ''}`
        : GLOBAL_USAGE,
    )
    .command('$0 [words..]', false as unknown as string);
  for (const flag of FLAGS) {
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
  const examples = command ? command.examples : ACTIONS.map((a) => COMMANDS[a].examples[0]);
  for (const [cmd, what] of examples) y = y.example(cmd, what);
  y = action ? y.version(false) : y.version(version);
  return y.epilog(EPILOG).help().alias('h', 'help').strict().exitProcess(false).wrap(100);
}

/**
 * yargs' failure as one exit-2 error. Its choice error is a heading and one line per flag
 * (`Invalid values:\n  Argument: output, Given: "wide", Choices: "table", "json"`, yargs
 * build/lib/validation.js): the flag, the value and the choices are said on one line instead.
 */
function parseFailure(message: string, argv: string[]): VAutoError {
  const choice = /Argument: ([\w-]+), Given: "?([^"]*)"?, Choices: (.*)/.exec(message);
  if (!choice) return usageError(message.split('\n')[0], 'see v-auto --help');
  const [, flag, given] = choice;
  const action = argv.find((a): a is Action => (ACTIONS as readonly string[]).includes(a));
  // The parser may not know the action yet: -o's choices are then every format of any action.
  const choices =
    flag === 'output' && action && COMMANDS[action].outputs
      ? COMMANDS[action].outputs!
      : [...choice[3].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
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
): Promise<ParseResult> {
  const help = helpRequest(argv);
  if (help) return { kind: 'print', text: await helpText(version, help.action) };
  let printed = '';
  let failure: string | undefined;
  // The options are declared from a table, so yargs cannot type them: each is read as what FLAGS declares.
  const args: Record<string, any> = await parser(version)
    .fail((msg, err) => {
      failure = msg ?? err?.message;
    })
    .parseAsync(bareWait(argv), {}, (_err, _argv, output) => {
      printed = output;
    });
  if (failure) throw parseFailure(failure, argv);
  if (printed) return { kind: 'print', text: printed };

  const words = (args.words as string[] | undefined) ?? [];
  // yargs turns a flag given twice into a list; only --set is meant to repeat.
  const repeated = FLAGS.find((flag) => !flag.repeat && Array.isArray(args[flag.name]));
  if (repeated)
    throw usageError(`--${repeated.name} is given more than once`, 'give it once; only --set may repeat');

  const target = resolveWords(words, argv, { project: args.project, spec: args.spec, action: args.action });
  const command: CommandSpec = COMMANDS[target.action];
  // A flag the action does not use would be silently ignored (`delete --wait` that does not wait).
  for (const flag of FLAGS) {
    if (!flagApplies(flag, target.action) && given(argv, flag)) {
      throw usageError(
        `--${flag.name} does not apply to ${target.action}`,
        `it is for: ${flag.actions!.join(', ')}`,
      );
    }
  }
  for (const flag of FLAGS) {
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
  if (target.action === 'delete' && target.spec === undefined) {
    if (!args['all-specs'])
      throw usageError(
        `delete without a spec would delete every spec of project ${target.project}`,
        `add --all-specs (and --yes) to mean it, or give the spec: v-auto ${target.project} SPEC delete`,
      );
    if (!args.yes && !args['dry-run'])
      throw usageError(
        `delete --all-specs needs --yes: it is never asked for on a terminal`,
        `add --yes, or --dry-run to list what would go`,
      );
  }
  if (target.action === 'deploy' && !args.restart) {
    const roll = FLAGS.filter((f) => f.name === 'batch' || f.name === 'pending').find((f) =>
      given(argv, f),
    )?.name;
    if (roll)
      throw usageError(
        `--${roll} on deploy goes with --restart`,
        `add --restart to roll the VMs that need a restart after applying`,
      );
  }
  const outputs = command.outputs ?? ['table'];
  if (!outputs.includes(args.output)) {
    throw usageError(
      `-o ${args.output} does not apply to ${target.action}`,
      `${target.action} takes -o ${outputs.join('|')}; see v-auto ${target.action} --help`,
    );
  }
  return {
    kind: 'run',
    options: {
      ...target,
      home: args.home ?? env.V_AUTO_HOME,
      replicas: args.replicas === undefined ? undefined : parseReplicas(args.replicas),
      target: args.target,
      // Not `array: true`: that would swallow the words after `--set a=1` (`v-auto --set a=1 demo web inspect`).
      sets: ([] as unknown[]).concat(args.set ?? []).map(String),
      output: args.output as OutputFormat,
      showSecrets: args['show-secrets'],
      dryRun: args['dry-run'],
      yes: args.yes,
      wait: args.wait === undefined ? undefined : parseWait(args.wait),
      oc: args.oc ?? env.V_AUTO_OC,
      kubeconfig: args.kubeconfig,
      context: args.context,
      requestTimeout: positiveSeconds(args['request-timeout'], '--request-timeout', MAX_REQUEST_TIMEOUT),
      keepDisks: args['keep-disks'],
      skipProtected: args['skip-protected'],
      includeUnlabeled: args['include-unlabeled'],
      adopt: args.adopt,
      prune: args.prune,
      insecureUpload: args['insecure-upload'],
      batch: args.batch === undefined ? 1 : parseBatch(args.batch),
      parallel: args.parallel === undefined ? DEFAULT_PARALLEL : parseParallel(args.parallel),
      pending: args.pending,
      restart: args.restart,
      failFast: args['fail-fast'] ?? false,
      allSpecs: args['all-specs'] ?? false,
    },
  };
}

/** The words as project, spec and action; a word that a bare `--wait` left behind is said to be its value. */
function resolveWords(
  words: string[],
  argv: string[],
  flags: { project?: string; spec?: string; action?: string },
): Target {
  try {
    return resolvePositionals(words, flags, {
      specOptional: (a) => Boolean((COMMANDS[a] as CommandSpec).projectWide),
    });
  } catch (err) {
    const i = argv.indexOf('--wait');
    const next = i >= 0 ? argv[i + 1] : undefined;
    if (next !== undefined && err instanceof VAutoError && err.message === `unexpected argument "${next}"`) {
      throw usageError(
        `--wait takes a number of seconds, got "${next}"`,
        `write --wait ${DEFAULT_WAIT_SECONDS}, or --wait alone for ${DEFAULT_WAIT_SECONDS} s`,
      );
    }
    throw err;
  }
}

/**
 * `v-auto --help`, `v-auto deploy --help`, `v-auto demo web deploy -h`, `v-auto help [ACTION]`:
 * the action whose help is asked for (undefined: the global help), or undefined when none is.
 */
function helpRequest(argv: string[]): { action?: Action } | undefined {
  const words = positionalWords(argv);
  const asked = argv.some((a) => a === '--help' || a === '-h') || words[0] === 'help';
  if (!asked) return undefined;
  const action = words.find((w): w is Action => (ACTIONS as string[]).includes(w));
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
export function positionalWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      const flag = findFlag(arg);
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
export function findFlag(arg: string): FlagSpec | undefined {
  const name = arg.replace(/^--?/, '').split('=')[0];
  return FLAGS.find((f) => f.name === name || f.alias === name);
}

async function helpText(version: string, action?: Action): Promise<string> {
  let printed = '';
  await parser(version, action)
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

function parseBatch(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1)
    throw usageError(`--batch: expected a whole number of VMs, at least 1, got "${raw}"`);
  return Number(raw);
}

function parseParallel(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_PARALLEL)
    throw usageError(
      `--parallel: expected a whole number of oc calls from 1 to ${MAX_PARALLEL}, got "${raw}"`,
    );
  return Number(raw);
}

function parseReplicas(raw: string): number {
  if (!/^\d+$/.test(raw.trim()))
    throw usageError(`--replicas: expected a whole number of instances, got "${raw}"`);
  const n = Number(raw);
  if (n < 1 || n > MAX_REPLICAS)
    throw usageError(`--replicas: must be between 1 and ${MAX_REPLICAS}, got ${raw}`);
  return n;
}

/**
 * `--wait` takes an optional value: `--wait demo web deploy` must not make "demo" the seconds.
 * A next word that starts like a number (`600`, `10m`, `1.5`) is its value, and checked as one.
 */
function bareWait(argv: string[]): string[] {
  return argv.map((arg, i) => (arg === '--wait' && !/^\d|^\.\d/.test(argv[i + 1] ?? '') ? '--wait=' : arg));
}

function parseWait(raw: string): number {
  if (raw === '') return DEFAULT_WAIT_SECONDS;
  if (!/^\d+(\.\d+)?$/.test(raw.trim()))
    throw usageError(
      `--wait takes a number of seconds, got "${raw}"`,
      `write --wait ${DEFAULT_WAIT_SECONDS}, or --wait alone for ${DEFAULT_WAIT_SECONDS} s`,
    );
  return positiveSeconds(Number(raw), '--wait');
}

/**
 * A day. Each oc call gets 4 × --request-timeout as its process deadline, a Node timer, which
 * holds at most 2^31 - 1 ms: from 536,871 s on it overflowed to 1 ms and every call failed.
 */
const MAX_REQUEST_TIMEOUT = { seconds: 86_400, words: 'a day' };

function positiveSeconds(n: number, flag: string, max?: { seconds: number; words: string }): number {
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${flag}: expected a number of seconds greater than 0`);
  if (max && n > max.seconds)
    throw usageError(`${flag}: at most ${max.seconds} seconds (${max.words}), got ${n}`);
  return n;
}
