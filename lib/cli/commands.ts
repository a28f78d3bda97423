// The command line's vocabulary: every action and every flag, each declared once with its help.
//
// Adding an action is one entry in COMMANDS (its usage, summary and examples); adding a flag is
// one entry in FLAGS (with the actions it applies to) plus the field it fills in CliOptions.
// parse-args builds yargs, the per-action help and the "does not apply" and -o checks from them.

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
} satisfies Record<string, CommandSpec>;

export type Action = keyof typeof COMMANDS;
export const ACTIONS = Object.keys(COMMANDS) as Action[];

export interface FlagSpec {
  name: string;
  alias?: string;
  type: 'string' | 'boolean' | 'number';
  describe: string;
  /** The actions it applies to; absent: every action. */
  actions?: Action[];
  /** The values yargs accepts. */
  choices?: string[];
  default?: unknown;
  /** May be given more than once (only --set). */
  repeat?: boolean;
  /** Takes an optional value (`--wait` or `--wait 600`). */
  optionalValue?: boolean;
  /** What shell completion offers for its value (besides `choices`). */
  complete?: 'projects' | 'specs' | 'instances' | 'files' | 'dirs';
  /** 'spec': only when a spec is given; 'project': only when the action acts on every spec. Absent: both. */
  scope?: 'spec' | 'project';
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

export const FLAGS: FlagSpec[] = [
  {
    name: 'project',
    type: 'string',
    complete: 'projects',
    describe: 'project folder under <home>/projects (instead of the first word)',
  },
  {
    name: 'spec',
    type: 'string',
    complete: 'specs',
    describe: 'spec file specs/<spec>.yaml (instead of the second word)',
  },
  { name: 'action', type: 'string', choices: ACTIONS, describe: 'action (instead of the action word)' },
  {
    name: 'home',
    type: 'string',
    complete: 'dirs',
    describe:
      'workspace folder holding projects/ (default: $V_AUTO_HOME, ./ if it has projects/, else the tool folder)',
  },
  { name: 'replicas', type: 'string', scope: 'spec', describe: 'number of instances, overrides replicas' },
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
    describe: `deploy: wait until all VMs are ready (optional seconds, default ${DEFAULT_WAIT_SECONDS}); restart: seconds each batch may take to be Ready again (default ${DEFAULT_RESTART_WAIT_SECONDS})`,
    actions: ['deploy', 'restart'],
  },
  {
    name: 'parallel',
    type: 'string',
    describe: `deploy, delete: split a large apply or delete into up to N concurrent oc calls by instance (1 to ${MAX_PARALLEL}, default ${DEFAULT_PARALLEL})`,
    actions: ['deploy', 'delete'],
  },
  {
    name: 'batch',
    type: 'string',
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
    describe: 'oc or kubectl binary (default: $V_AUTO_OC, oc, else kubectl)',
  },
  { name: 'kubeconfig', type: 'string', complete: 'files', describe: 'kubeconfig file passed to oc' },
  { name: 'context', type: 'string', describe: 'kubeconfig context passed to oc' },
  {
    name: 'request-timeout',
    type: 'number',
    default: 30,
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
];

/** Whether `flag` applies to `action`. */
export function flagApplies(flag: FlagSpec, action: Action): boolean {
  return !flag.actions || flag.actions.includes(action);
}
