// argv → CliOptions with yargs: flag definitions, help text and examples live here.
import yargs from 'yargs';
import { MAX_REPLICAS } from '../config/rules.js';
import { usageError } from '../errors.js';
import { ACTIONS, resolvePositionals, type Action, type Target } from './positionals.js';

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
  includeUnlabeled: boolean;
  adopt: boolean;
  prune: boolean;
}

export type ParseResult = { kind: 'run'; options: CliOptions } | { kind: 'print'; text: string };

const DEFAULT_WAIT_SECONDS = 900;

const EPILOG = `Precedence (later wins): built-in defaults, config.yaml, specs/<spec>.yaml, --replicas, --set.
Maps merge key by key; lists and values are replaced.

Exit codes: 0 ok, 1 some resource failed, 2 usage or configuration error (nothing sent),
3 cluster access error (oc missing, not logged in, forbidden, unreachable),
4 another run of this project/spec holds the workspace lock, 70 internal error (a bug),
130 interrupted (Ctrl-C or SIGTERM).`;

function parser(version: string) {
  return yargs()
    // Words and string flags are names and values, never numbers: `4.10` must stay project "4.10",
    // not become project "4.1" (and delete another project's VMs).
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .scriptName('v-auto')
    .usage('Usage: v-auto [PROJECT] [SPEC] [ACTION] [OPTIONS]\n\nActions: deploy, delete, status, inspect, diff (the action word may stand anywhere).')
    .command('$0 [words..]', false as unknown as string)
    .option('project', { type: 'string', describe: 'project folder under <home>/projects (instead of the first word)' })
    .option('spec', { type: 'string', describe: 'spec file specs/<spec>.yaml (instead of the second word)' })
    .option('action', { type: 'string', choices: ACTIONS as unknown as string[], describe: 'action (instead of the action word)' })
    .option('home', { type: 'string', describe: 'workspace folder holding projects/ (default: $V_AUTO_HOME, ./ if it has projects/, else the tool folder)' })
    .option('replicas', { type: 'string', describe: 'number of instances, overrides replicas' })
    .option('target', { type: 'string', describe: 'only this instance, e.g. web-02' })
    .option('set', { type: 'string', describe: 'key.path=value, repeatable, highest precedence' })
    .option('output', { alias: 'o', type: 'string', choices: ['table', 'yaml', 'json'], default: 'table', describe: 'output format' })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'print Secret values instead of <redacted>' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'deploy: print the plan against the cluster (reads only) and stop; delete: list what would go' })
    .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation' })
    .option('wait', { type: 'string', describe: `deploy: wait until all VMs are ready (optional seconds, default ${DEFAULT_WAIT_SECONDS})` })
    .option('oc', { type: 'string', describe: 'oc or kubectl binary (default: $V_AUTO_OC, oc, else kubectl)' })
    .option('kubeconfig', { type: 'string', describe: 'kubeconfig file passed to oc' })
    .option('context', { type: 'string', describe: 'kubeconfig context passed to oc' })
    .option('request-timeout', { type: 'number', default: 30, describe: 'seconds for each request to the cluster' })
    .option('keep-disks', { type: 'boolean', default: false, describe: 'delete, deploy --prune: keep DataVolumes and PVCs' })
    .option('adopt', { type: 'boolean', default: false, describe: "deploy: take over unlabeled objects with this spec's exact names (listed and asked first)" })
    .option('prune', { type: 'boolean', default: false, describe: 'deploy: delete instances and objects of this spec that it no longer plans' })
    .option('include-unlabeled', { type: 'boolean', default: false, describe: "delete: also delete this spec's resources that lost their labels" })
    .example('v-auto demo web inspect', 'show what would be created')
    .example('v-auto demo web inspect -o yaml', 'print the manifests')
    .example('v-auto demo web deploy --replicas 3 --wait', 'deploy three instances and wait until they run')
    .example('v-auto demo web status -o json', 'status for scripts')
    .example('v-auto demo web diff', 'what differs between the cluster and the spec (exit 1 when something does)')
    .example('v-auto demo web delete --target web-02 --yes', 'delete one instance')
    .epilog(EPILOG)
    .version(version)
    .help()
    .alias('h', 'help')
    .strict()
    .exitProcess(false)
    .wrap(100);
}

/** Parses argv; `--help`/`--version` return the text to print. Throws exit-2 errors. */
export async function parseArgs(argv: string[], version: string, env: Record<string, string | undefined>): Promise<ParseResult> {
  let printed = '';
  let failure: string | undefined;
  const args = await parser(version)
    .fail((msg, err) => {
      failure = msg ?? err?.message;
    })
    .parseAsync(bareWait(argv), {}, (_err, _argv, output) => {
      printed = output;
    });
  if (failure) throw usageError(failure.split('\n')[0], 'see v-auto --help');
  if (printed) return { kind: 'print', text: printed };

  const words = (args.words as string[] | undefined) ?? [];
  // yargs turns a flag given twice into a list; only --set is meant to repeat.
  const repeated = Object.keys(FLAG_ACTIONS).find((flag) => Array.isArray(args[flag]));
  if (repeated) throw usageError(`--${repeated} is given more than once`, 'give it once; only --set may repeat');

  const target = resolvePositionals(words, { project: args.project, spec: args.spec, action: args.action });
  // A flag the action does not use would be silently ignored (`delete --wait` that does not wait).
  for (const [flag, actions] of Object.entries(FLAG_ACTIONS)) {
    if (actions && given(argv, flag) && !actions.includes(target.action)) {
      throw usageError(`--${flag} does not apply to ${target.action}`, `it is for: ${actions.join(', ')}`);
    }
  }
  if (args.output !== 'table' && (target.action === 'deploy' || target.action === 'delete')) {
    throw usageError(`-o ${args.output} does not apply to ${target.action}`, 'it is for: inspect, status, diff');
  }
  if (args.output === 'yaml' && target.action === 'diff') throw usageError('-o yaml does not apply to diff', 'diff prints a field diff, or the plan as one document with -o json');
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
      requestTimeout: positiveSeconds(args['request-timeout'], '--request-timeout'),
      keepDisks: args['keep-disks'],
      includeUnlabeled: args['include-unlabeled'],
      adopt: args.adopt,
      prune: args.prune,
    },
  };
}

/** Single-valued flags, and the actions each is for (undefined: every action). */
const FLAG_ACTIONS: Record<string, Action[] | undefined> = {
  project: undefined,
  spec: undefined,
  action: undefined,
  home: undefined,
  replicas: undefined,
  target: undefined,
  output: ['inspect', 'status', 'diff', 'deploy', 'delete'],
  'show-secrets': ['inspect'],
  'dry-run': ['deploy', 'delete'],
  yes: ['deploy', 'delete'],
  wait: ['deploy'],
  // Connection flags are accepted everywhere, so that scripts can share one prefix of options.
  oc: undefined,
  kubeconfig: undefined,
  context: undefined,
  'request-timeout': undefined,
  'keep-disks': ['delete', 'deploy'],
  adopt: ['deploy'],
  prune: ['deploy'],
  'include-unlabeled': ['delete'],
};

/** Whether the user wrote the flag (defaults do not count): `--flag`, `--flag=…`, `--no-flag`, or its alias. */
function given(argv: string[], flag: string): boolean {
  const aliases: Record<string, string> = { output: '-o', yes: '-y' };
  return argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`) || a === `--no-${flag}` || a === aliases[flag]);
}

function parseReplicas(raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw usageError(`--replicas: expected a whole number of instances, got "${raw}"`);
  const n = Number(raw);
  if (n < 1 || n > MAX_REPLICAS) throw usageError(`--replicas: must be between 1 and ${MAX_REPLICAS}, got ${raw}`);
  return n;
}

/** `--wait` takes an optional value: `--wait demo web deploy` must not make "demo" the seconds. */
function bareWait(argv: string[]): string[] {
  return argv.map((arg, i) => (arg === '--wait' && !/^\d+(\.\d+)?$/.test(argv[i + 1] ?? '') ? '--wait=' : arg));
}

function parseWait(raw: string): number {
  if (raw === '') return DEFAULT_WAIT_SECONDS;
  return positiveSeconds(Number(raw), '--wait');
}

function positiveSeconds(n: number, flag: string): number {
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${flag}: expected a number of seconds greater than 0`);
  return n;
}
