// The command line's vocabulary: every action and every flag, each declared once (npm/cli's definitions.js).
//
// Adding a flag is one entry in FLAGS: its help, the actions it applies to, its scope, what completion
// offers, how its value is checked and turned into the option, and so the field it fills. CliOptions
// and the options each command receives are derived from FLAGS by types; lib/cli reads argv from it
// (a plain line directly, anything else with yargs built from it), and builds the help, completion
// and the "does not apply" and scope checks from it. Rules that join two flags are
// each command's `validate`. They all sit in one table, not in each command's module: the parser
// needs every flag before it knows the action, and importing every command for that would load
// them all on each run.
import { MAX_REPLICAS } from '../config/rules.js';
import { usageError } from '../errors.js';

/** The actions, in the order the help lists them. */
export const ACTIONS = [
  'deploy',
  'delete',
  'status',
  'inspect',
  'diff',
  'start',
  'stop',
  'restart',
  'addresses',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What the words of the command line (or --project, --spec, --action) name. */
export interface Target {
  project: string;
  /** Absent only when the action works on the whole project (see CommandSpec.projectWide). */
  spec?: string;
  action: Action;
}

export interface CommandSpec {
  /** One line for the global help's list of actions. */
  summary: string;
  /** The usage line of `v-auto ACTION --help`. */
  usage: string;
  /** A paragraph under the usage line. */
  description?: string;
  examples: [command: string, what: string][];
  /** It may act on a whole project, so its SPEC word is optional (`v-auto demo addresses`). */
  projectWide?: boolean;
  /** The `-o` formats it takes (first: the default); absent: it takes no -o. */
  outputs?: string[];
  /** It reports result lines (`[FLAG] Kind name`): `-o json` gives them as one result document. */
  results?: boolean;
  /** The rules that join flags (`--batch` goes with `--restart`): throws a usage error; pure. */
  validate?: (options: CliOptions) => void;
}

export const COMMANDS = {
  deploy: {
    summary: "create or update the spec's VMs, disks, cloud-init Secrets and NADs",
    usage: 'v-auto PROJECT [SPEC] deploy [OPTIONS]',
    description:
      "Renders the spec and applies what is created or changed with oc; unchanged objects are [SKIPPED] and not sent. An object with one of the spec's names that is not its own stops the run before anything is sent (exit 2; --adopt takes over unlabeled ones); " +
      'each object is reported as [SUCCESS], [SKIPPED] or [FAILED], then a summary. Exit 1 when any object failed. ' +
      'Without SPEC: every spec of the project in spec file name order, each under its own heading, then one summary and the worst exit code; a failed spec does not stop the others unless --fail-fast.',
    examples: [
      ['v-auto demo web deploy', 'create or update every instance of demo/web'],
      [
        'v-auto demo web deploy --replicas 3 --wait',
        'three instances, then wait until they run (up to 900 s)',
      ],
      ['v-auto demo web deploy --dry-run', 'show what would change and stop'],
      ['v-auto demo web deploy --target web-02 --yes', 'only web-02, without asking'],
      [
        'v-auto demo web deploy --yes -o json',
        'every result, the summary and the exit code as one JSON document',
      ],
      ['v-auto demo deploy --yes', 'every spec of project demo (db, then web)'],
    ],
    projectWide: true,
    outputs: ['table', 'json'],
    results: true,
    validate: (o) => {
      const roll = o.batch !== undefined ? 'batch' : o.pending ? 'pending' : undefined;
      if (roll && !o.restart)
        throw usageError(
          `--${roll} on deploy goes with --restart`,
          `add --restart to roll the VMs that need a restart after applying`,
        );
    },
  },
  delete: {
    summary: "delete the spec's objects (only those labelled as v-auto's)",
    usage: 'v-auto PROJECT [SPEC] delete [OPTIONS]',
    description:
      'Deletes what v-auto created for the spec, never an object without its labels. Asks first on a terminal; elsewhere it needs --yes. ' +
      "Without SPEC it deletes every spec of the project, in the reverse of deploy's order, and only with both --all-specs and --yes (or --dry-run to list).",
    examples: [
      ['v-auto demo web delete --dry-run', 'list what would be deleted'],
      ['v-auto demo web delete --target web-02 --yes', 'delete one instance'],
      ['v-auto demo web delete --keep-disks --yes', 'delete the VMs but keep their disks'],
      ['v-auto demo web delete --yes -o json', 'the results as one JSON document'],
      ['v-auto demo delete --all-specs --yes', 'delete every spec of project demo (web, then db)'],
    ],
    projectWide: true,
    outputs: ['table', 'json'],
    results: true,
    validate: (o) => {
      if (o.spec !== undefined) return;
      if (!o.allSpecs)
        throw usageError(
          `delete without a spec would delete every spec of project ${o.project}`,
          `add --all-specs (and --yes) to mean it, or give the spec: v-auto ${o.project} SPEC delete`,
        );
      if (!o.yes && !o.dryRun)
        throw usageError(
          `delete --all-specs needs --yes: it is never asked for on a terminal`,
          `add --yes, or --dry-run to list what would go`,
        );
    },
  },
  status: {
    summary: 'show each instance: VM state, readiness, IP, node, disk import progress',
    usage: 'v-auto PROJECT [SPEC] status [OPTIONS]',
    description:
      'Reads the cluster only. Exit 0 when every planned instance is ready, 1 when one is missing or not ready. ' +
      'Without SPEC: one table of every instance of the project, with a SPEC column, and the worst exit code.',
    examples: [
      ['v-auto demo web status', 'a table of the instances'],
      ['v-auto demo web status -o json', 'the same as one JSON document, for scripts'],
      ['v-auto demo status', 'every instance of every spec of project demo, in one table'],
    ],
    projectWide: true,
    outputs: ['table', 'yaml', 'json'],
  },
  inspect: {
    summary: 'show what the spec would create, without touching the cluster',
    usage: 'v-auto PROJECT SPEC inspect [OPTIONS]',
    description:
      'Merges config.yaml and the spec, plans the instances and renders the manifests. Secret values are <redacted> unless --show-secrets.',
    examples: [
      ['v-auto demo web inspect', 'show what would be created'],
      ['v-auto demo web inspect -o yaml', 'print the manifests'],
      ['v-auto demo web inspect --replicas 3 --set cpu=4', 'preview a change before deploying it'],
    ],
    outputs: ['table', 'yaml', 'json'],
  },
  diff: {
    summary: 'show, per object, what differs between the cluster and the spec (like kubectl diff)',
    usage: 'v-auto PROJECT SPEC diff [OPTIONS]',
    description:
      'Reads the cluster only: "-" is live, "+" the spec; Secret values are never shown. Exit 0 in sync, 1 when changes are pending, so cron can alert on drift.',
    examples: [
      ['v-auto demo web diff', 'what differs between the cluster and the spec (exit 1 when something does)'],
      ['v-auto demo web diff -o json', 'the plan as one document'],
    ],
    outputs: ['table', 'json'],
  },
  start: {
    summary: "start the spec's VMs (or --target) that are not running",
    usage: 'v-auto PROJECT SPEC start [OPTIONS]',
    examples: [['v-auto demo web start', 'start every VM of demo/web that is not running']],
    outputs: ['table', 'json'],
    results: true,
  },
  stop: {
    summary: "stop the spec's VMs (or --target) until start",
    usage: 'v-auto PROJECT SPEC stop [OPTIONS]',
    examples: [
      [
        'v-auto demo web stop --target web-02',
        'stop one instance; it stays stopped across deploys until start',
      ],
    ],
    outputs: ['table', 'json'],
    results: true,
  },
  restart: {
    summary: 'rolling restart, --batch N VMs at a time',
    usage: 'v-auto PROJECT SPEC restart [OPTIONS]',
    examples: [
      ['v-auto demo web restart --pending --batch 2', 'restart the VMs with a pending change, two at a time'],
    ],
    outputs: ['table', 'json'],
    results: true,
  },
  addresses: {
    summary: 'list every planned static address and what the cluster reports for it',
    usage: 'v-auto PROJECT [SPEC] addresses [OPTIONS]',
    description:
      'One row per planned address: network, address, project/spec, instance, and what the cluster reports (the VMI\'s IP, "not deployed", ' +
      '"held by …"). Without SPEC: every spec of the project. Reads the cluster only. Exit 2 when a spec cannot be planned or an address ' +
      'conflicts (listed after the rest); exit 3 when the cluster cannot be read (the plan is printed all the same); else 0.',
    examples: [
      ['v-auto demo addresses', 'every planned address of project demo, with what the cluster reports'],
      ['v-auto demo web addresses -o json', "one spec's addresses as one JSON document"],
      ['v-auto demo web addresses --replicas 4', 'where a fourth instance would land, before deploying it'],
    ],
    projectWide: true,
    outputs: ['table', 'yaml', 'json'],
  },
} satisfies Record<Action, CommandSpec>;

export interface FlagSpec {
  name: string;
  alias?: string;
  type: 'string' | 'boolean' | 'number';
  describe: string;
  /** The actions it applies to; absent: every action. */
  actions?: readonly Action[];
  /** The values it accepts. */
  choices?: readonly string[];
  /** The value when it is not given, as the help shows it. */
  default?: string | number | boolean;
  /** May be given more than once (only --set): the option is the list of values. */
  repeat?: boolean;
  /** Takes an optional value (`--wait` or `--wait 600`). */
  optionalValue?: boolean;
  /** What shell completion offers for its value (besides `choices`). */
  complete?: 'projects' | 'specs' | 'instances' | 'files' | 'dirs';
  /** 'spec': only when a spec is given; 'project': only when the action acts on every spec. Absent: both. */
  scope?: 'spec' | 'project';
  /** The options field it fills (absent: its name in camelCase); false: it stands for a word of Target. */
  field?: string | false;
  /** Checks the value given and turns it into the option's value; throws a usage error. */
  parse?: (given: never) => unknown;
  /** The environment variable that gives the value when the flag is not given. */
  env?: string;
  /** The value when it is not given, where the help says it in words rather than as [default: …]. */
  fallback?: string | number | boolean;
}

/** The shells `v-auto completion SHELL` writes a script for. */
export const SHELLS = ['bash', 'zsh'] as const;
export const COMPLETION_USAGE = 'v-auto completion bash|zsh';

export const DEFAULT_WAIT_SECONDS = 900;
/** restart: how long each batch may take to be Ready again when --wait is not given. */
export const DEFAULT_RESTART_WAIT_SECONDS = 600;
/** deploy, delete: concurrent oc calls for a large apply or delete (docs/performance.md: measured, and what APF allows one user). */
export const DEFAULT_PARALLEL = 8;
export const MAX_PARALLEL = 16;

export const FLAGS = [
  {
    name: 'project',
    type: 'string',
    field: false,
    complete: 'projects',
    describe: 'project folder under <home>/projects (instead of the first word)',
  },
  {
    name: 'spec',
    type: 'string',
    field: false,
    complete: 'specs',
    describe: 'spec file specs/<spec>.yaml (instead of the second word)',
  },
  {
    name: 'action',
    type: 'string',
    field: false,
    choices: ACTIONS,
    describe: 'action (instead of the action word)',
  },
  {
    name: 'home',
    type: 'string',
    complete: 'dirs',
    env: 'V_AUTO_HOME',
    describe:
      'workspace folder holding projects/ (default: $V_AUTO_HOME, ./ if it has projects/, else the tool folder)',
  },
  {
    name: 'replicas',
    type: 'string',
    scope: 'spec',
    parse: parseReplicas,
    describe: 'number of instances, overrides replicas',
  },
  {
    name: 'target',
    type: 'string',
    scope: 'spec',
    complete: 'instances',
    describe: 'only this instance, e.g. web-02',
  },
  {
    name: 'set',
    type: 'string',
    repeat: true,
    field: 'sets',
    scope: 'spec',
    describe: 'key.path=value, repeatable, highest precedence',
  },
  {
    name: 'output',
    alias: 'o',
    type: 'string',
    choices: ['table', 'yaml', 'json'],
    default: 'table',
    describe: "output format (which formats: see the action's --help)",
  },
  {
    name: 'show-secrets',
    type: 'boolean',
    default: false,
    describe: 'print Secret values instead of <redacted>',
    actions: ['inspect'],
  },
  {
    name: 'dry-run',
    type: 'boolean',
    default: false,
    describe: 'deploy: print the plan against the cluster (reads only) and stop; delete: list what would go',
    actions: ['deploy', 'delete'],
  },
  {
    name: 'yes',
    alias: 'y',
    type: 'boolean',
    default: false,
    describe: 'do not ask for confirmation',
    actions: ['deploy', 'delete'],
  },
  {
    name: 'wait',
    type: 'string',
    optionalValue: true,
    parse: parseWait,
    describe: `deploy: wait until all VMs are ready (optional seconds, default ${DEFAULT_WAIT_SECONDS}); restart: seconds each batch may take to be Ready again (default ${DEFAULT_RESTART_WAIT_SECONDS})`,
    actions: ['deploy', 'restart'],
  },
  {
    name: 'parallel',
    type: 'string',
    parse: parseParallel,
    fallback: DEFAULT_PARALLEL,
    describe: `deploy, delete: split a large apply or delete into up to N concurrent oc calls by instance (1 to ${MAX_PARALLEL}, default ${DEFAULT_PARALLEL})`,
    actions: ['deploy', 'delete'],
  },
  {
    name: 'batch',
    type: 'string',
    parse: parseBatch,
    describe: 'restart, deploy --restart: VMs restarted at once (default 1)',
    actions: ['restart', 'deploy'],
  },
  {
    name: 'pending',
    type: 'boolean',
    default: false,
    describe: 'restart, deploy --restart: only VMs with RestartRequired',
    actions: ['restart', 'deploy'],
  },
  {
    name: 'restart',
    type: 'boolean',
    default: false,
    describe: 'deploy: after applying, roll the VMs whose change needs a restart',
    actions: ['deploy'],
  },
  // Connection flags are accepted everywhere, so that scripts can share one prefix of options.
  {
    name: 'oc',
    type: 'string',
    complete: 'files',
    env: 'V_AUTO_OC',
    describe: 'oc or kubectl binary (default: $V_AUTO_OC, oc, else kubectl)',
  },
  { name: 'kubeconfig', type: 'string', complete: 'files', describe: 'kubeconfig file passed to oc' },
  { name: 'context', type: 'string', describe: 'kubeconfig context passed to oc' },
  {
    name: 'request-timeout',
    type: 'number',
    default: 30,
    parse: (seconds: number) => positiveSeconds(seconds, '--request-timeout', MAX_REQUEST_TIMEOUT),
    describe: 'seconds for each request to the cluster',
  },
  {
    name: 'keep-disks',
    type: 'boolean',
    default: false,
    describe: 'delete, deploy --prune: keep DataVolumes and PVCs',
    actions: ['delete', 'deploy'],
  },
  {
    name: 'skip-protected',
    type: 'boolean',
    default: false,
    describe:
      'delete, deploy --prune: leave VMs labelled kubevirt.io/vm-delete-protection (and their disks) instead of refusing',
    actions: ['delete', 'deploy'],
  },
  {
    name: 'adopt',
    type: 'boolean',
    default: false,
    describe: "take over unlabeled objects with this spec's exact names (listed and asked first)",
    actions: ['deploy'],
  },
  {
    name: 'insecure-upload',
    type: 'boolean',
    default: false,
    describe: 'file: images: accept an upload proxy certificate that does not verify',
    actions: ['deploy'],
  },
  {
    name: 'prune',
    type: 'boolean',
    default: false,
    describe: 'delete instances and objects of this spec that it no longer plans',
    actions: ['deploy'],
  },
  {
    name: 'fail-fast',
    type: 'boolean',
    default: false,
    scope: 'project',
    describe: 'deploy, delete of every spec: stop at the first spec that fails',
    actions: ['deploy', 'delete'],
  },
  {
    name: 'all-specs',
    type: 'boolean',
    default: false,
    scope: 'project',
    describe: 'delete without SPEC: delete every spec of the project (with --yes)',
    actions: ['delete'],
  },
  {
    name: 'include-unlabeled',
    type: 'boolean',
    default: false,
    describe: "also delete this spec's resources that lost their labels",
    actions: ['delete'],
  },
] as const satisfies readonly FlagSpec[];

/** Whether `flag` applies to `action`. */
export function flagApplies(flag: FlagSpec, action: Action): boolean {
  return !flag.actions || flag.actions.includes(action);
}

/** The options field a flag fills: `show-secrets` → `showSecrets`, unless it names its own. */
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
type FieldOf<F extends FlagSpec> = F['field'] extends string ? F['field'] : CamelCase<F['name']>;
/** The value a flag gives: what its parse returns, else one of its choices, else as yargs types it. */
type Parsed<F extends FlagSpec> = F extends { parse: (given: never) => infer T }
  ? T
  : F extends { choices: readonly (infer C)[] }
    ? C
    : F extends { type: 'boolean' }
      ? boolean
      : F extends { type: 'number' }
        ? number
        : string;
type ValueOf<F extends FlagSpec> = F extends { repeat: true }
  ? Parsed<F>[]
  : F extends { default: unknown } | { fallback: unknown }
    ? Parsed<F>
    : Parsed<F> | undefined;

/** The options that flags `F` fill, one field per flag. */
export type FlagValues<F extends FlagSpec> = {
  [K in Exclude<F, { field: false }> as FieldOf<K>]: ValueOf<K>;
};

type Flag = (typeof FLAGS)[number];
/** The flags that name `A` among their actions: the command's own flags. */
type OwnFlag<A extends Action, F = Flag> = F extends { actions: readonly (infer X)[] }
  ? A extends X
    ? F
    : never
  : never;

/** Everything the command line says, resolved and checked. */
export type CliOptions = Target & FlagValues<Flag>;
export type OutputFormat = CliOptions['output'];
/** What a command receives from its own flags; a flag left out is as if not given. */
export type CommandOptions<A extends Action> = Partial<FlagValues<OwnFlag<A>>>;

/** The options field `flag` fills, or undefined when it stands for a word (--project, --spec, --action). */
export function fieldOf(flag: FlagSpec): string | undefined {
  if (flag.field === false) return undefined;
  return flag.field ?? flag.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The options of `action`'s own flags out of everything the command line says. */
export function commandOptions<A extends Action>(
  action: A,
  options: CliOptions,
  flags: readonly FlagSpec[] = FLAGS,
): CommandOptions<A> {
  const own = flags.filter((f) => f.actions?.includes(action)).map(fieldOf);
  return Object.fromEntries(
    Object.entries(options).filter(([field]) => own.includes(field)),
  ) as CommandOptions<A>;
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

/** `--wait` alone is given as '' (see the parser's bareWait): the default. */
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

/** The command line's whole vocabulary, as the parser, the help and completion read it (tests hand their own). */
export interface Definitions {
  commands: Record<Action, CommandSpec>;
  flags: readonly FlagSpec[];
}
export const DEFINITIONS: Definitions = { commands: COMMANDS, flags: FLAGS };
