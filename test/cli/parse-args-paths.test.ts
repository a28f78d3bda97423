// The plain path and yargs read every command line alike: a corpus made from the definitions (each
// action × word layout, each action × flag, each flag × value shapes in its spellings, each flag
// twice and beside another, odd tokens), read both ways: where the plain path takes a line, yargs must take it too and give the
// same arguments, and parseArgs the same options, or the same error, hint and exit code.
import { isDeepStrictEqual } from 'node:util';
import { ACTIONS, DEFINITIONS, type FlagSpec } from '../../lib/commands/definitions.js';
import { optionsOf, parseArgs, plainArgs, yargsArgs, type Args } from '../../lib/cli/parse-args.js';
import { VAutoError } from '../../lib/errors.js';

const { flags } = DEFINITIONS;
const ENV = { V_AUTO_HOME: '/ws', V_AUTO_OC: 'kubectl' };

/** The words of a command line for `action`, in the layouts users write (and a few they should not). */
const LAYOUTS: ((action: string) => string[])[] = [
  (a) => ['demo', 'web', a],
  (a) => ['demo', a],
  (a) => [a, 'demo', 'web'],
  (a) => ['demo', a, 'web'],
  (a) => ['--project', 'demo', '--spec', 'web', '--action', a],
  (a) => ['web', a, '--project', 'demo'],
  (a) => ['4.10', '007', a],
  (a) => ['demo', 'web', 'extra', a],
  (a) => ['demo', 'web', a, a],
  (a) => ['demo', 'web', `${a}x`],
];
/** Values of each shape yargs might treat apart: numbers, switches' words, spaces, "=", quotes, dashes. */
const VALUES = [
  ...['3', '0', '2.5', '-1', '.5', '1e2', '0x10', '007', '4.10', '600', '10m', 'abc', 'true', 'false'],
  ...['', ' ', 'x y', 'a=b', '"q"', "'q'", '"', 'a"', 'deploy', 'web-02', 'json', 'wide', '--', '-', '-y'],
];
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every spelling of `flag` with `value` that yargs reads one way or another. */
function spellings(flag: FlagSpec, value: string): string[][] {
  const names = [`--${flag.name}`, ...(flag.alias ? [`-${flag.alias}`] : [])];
  if (flag.type === 'boolean')
    return [
      ...names.map((n) => [n, value]),
      [`--${flag.name}=${value}`],
      [`--no-${flag.name}`],
      [`--${camel(flag.name)}`],
    ];
  return [
    ...names.map((n) => [n, value]),
    ...names.map((n) => [`${n}=${value}`]),
    [`--${camel(flag.name)}`, value],
    [`--${flag.name}`],
  ];
}

/** A valid-looking value for `flag`, for lines that join several flags. */
const usual = (flag: FlagSpec): string[] =>
  flag.type === 'boolean'
    ? [`--${flag.name}`]
    : [
        `--${flag.name}`,
        String(
          flag.choices?.[1] ?? { replicas: '2', wait: '60', parallel: '4', batch: '2' }[flag.name] ?? 'x',
        ),
      ];

function corpus(): string[][] {
  const lines = new Map<string, string[]>();
  const add = (argv: string[]) => lines.set(JSON.stringify(argv), argv);
  let k = 0;
  const action = () => ACTIONS[k % ACTIONS.length];
  // A flag among the words, at a place that moves from line to line.
  const place = (words: string[], extra: string[]) => {
    const at = k++ % (words.length + 1);
    return [...words.slice(0, at), ...extra, ...words.slice(at)];
  };
  for (const a of ACTIONS) for (const layout of LAYOUTS) add(layout(a));
  // Each action with each flag (those it does not take, too).
  for (const a of ACTIONS) for (const flag of flags) add(place(LAYOUTS[k % LAYOUTS.length](a), usual(flag)));
  // Each flag with each value, in one of its spellings in turn.
  for (const flag of flags)
    for (const value of VALUES) {
      const all = spellings(flag, value);
      add(place(LAYOUTS[k % 4](action()), all[k % all.length]));
    }
  // Each flag twice, and with the next flag.
  for (const [i, a] of flags.entries()) {
    add(place(LAYOUTS[k % 4](action()), [...usual(a), ...usual(a)]));
    add(place(LAYOUTS[k % 4](action()), [...usual(a), ...usual(flags[(i + 1) % flags.length])]));
  }
  add(['demo', 'web', 'inspect', '--set', 'a=1', '--set=b=2', '--set', 'c=3']);
  // Odd tokens: end of options, a lone dash, grouped and unknown short flags, unknown long ones.
  for (const odd of [
    '--',
    '-',
    '---',
    '-yo',
    '-oy',
    '-x',
    '--bogus',
    '--bogus=1',
    '--=x',
    '-o=json',
    '-ojson',
  ])
    for (const a of ACTIONS) {
      add(place(LAYOUTS[0](a), [odd]));
      add([...LAYOUTS[0](a), odd, 'json']);
    }
  for (const argv of [
    [],
    ['demo'],
    ['demo', 'web'],
    ['--version'],
    ['--version', 'demo'],
    ['--version', '--version'],
    ['--wait'],
    ['--yes'],
    ['web', '--set'],
  ])
    add(argv);
  return [...lines.values()];
}

type Outcome = { args: Args } | { printed: string } | { error: string; hint?: string; exitCode: number };

const errorOf = (err: unknown): Outcome => {
  if (!(err instanceof VAutoError)) throw err;
  return { error: err.message, hint: err.hint, exitCode: err.exitCode };
};

/** What parseArgs reads of the arguments: the words and each flag's value by its name. */
const read = (args: Args) => ({
  words: args.words,
  ...Object.fromEntries(flags.map((f) => [f.name, args[f.name]])),
});

/** The outcome of reading `argv` with yargs alone, as before the plain path. */
async function byYargs(argv: string[]): Promise<{ read: Outcome; options: unknown }> {
  let args: Args | string;
  try {
    args = await yargsArgs(argv, 'v9.9.9', DEFINITIONS);
  } catch (err) {
    return { read: errorOf(err), options: errorOf(err) };
  }
  if (typeof args === 'string') return { read: { printed: args }, options: { printed: args } };
  let options: unknown;
  try {
    options = { kind: 'run', options: optionsOf(args, argv, DEFINITIONS, ENV) };
  } catch (err) {
    options = errorOf(err);
  }
  return { read: { args: read(args) }, options };
}

/** The outcome of parseArgs, which takes the plain path where it can. */
async function byParseArgs(argv: string[]): Promise<unknown> {
  try {
    const result = await parseArgs(argv, 'v9.9.9', ENV);
    return result.kind === 'print' ? { printed: result.text } : result;
  } catch (err) {
    return errorOf(err);
  }
}

describe('the plain path against yargs', () => {
  test('every line the plain path takes, yargs reads the same, and parseArgs ends the same', async () => {
    const lines = corpus();
    const differ: unknown[] = [];
    let plain = 0;
    for (const argv of lines) {
      // A line the plain path leaves goes to yargs as before: only the lines it takes can differ.
      const light = plainArgs(argv, flags, 'v9.9.9');
      if (!light) continue;
      plain++;
      const yargs = await byYargs(argv);
      const options = await byParseArgs(argv);
      const mine = typeof light === 'string' ? { printed: light } : { args: read(light) };
      if (!isDeepStrictEqual(yargs.read, mine)) differ.push({ argv, plain: mine, yargs: yargs.read });
      if (!isDeepStrictEqual(options, yargs.options))
        differ.push({ argv, parseArgs: options, yargs: yargs.options });
    }
    expect(differ.slice(0, 10)).toEqual([]);
    // The corpus must exercise the plain path, not only what it leaves to yargs.
    expect({ lines: lines.length > 1000, plain: plain > 500 }).toEqual({ lines: true, plain: true });
  });

  test.each<[string[]]>([
    [['demo', 'web', 'deploy']],
    [['demo', 'deploy', '--yes']],
    [['demo', 'web', 'deploy', '--yes', '--wait']],
    [['demo', 'web', 'deploy', '--wait', '600', '--restart', '--batch', '2', '--pending']],
    [['demo', 'web', 'status', '-o', 'json']],
    [['demo', 'status', '--oc', 'kubectl', '--kubeconfig', '/k', '--context', 'c']],
    [
      [
        'demo',
        'web',
        'inspect',
        '--set',
        'cpu=4',
        '--set',
        'memory=8Gi',
        '--replicas',
        '3',
        '--show-secrets',
      ],
    ],
    [['demo', 'web', 'delete', '--target', 'web-02', '-y', '--keep-disks', '--output=json']],
    [['demo', 'delete', '--all-specs', '--yes', '--parallel', '4']],
    [['--home', '/srv/v-auto', 'demo', 'web', 'diff']],
    [['demo', 'addresses']],
    [['demo', 'web', 'status', '--request-timeout', '60']],
    [['demo', 'web', 'status', '--request-timeout=2.5']],
  ])('takes a normal run: %j', (argv) => {
    expect(plainArgs(argv, flags, 'v9.9.9')).toBeDefined();
  });

  test('takes --version alone, and leaves --version with anything else to yargs', () => {
    expect(plainArgs(['--version'], flags, 'v9.9.9')).toBe('v9.9.9');
    expect(plainArgs(['demo', '--version'], flags, 'v9.9.9')).toBeUndefined();
  });
});
