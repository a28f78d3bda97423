import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTIONS, COMMANDS, FLAGS, flagApplies, type Action } from '../../lib/commands/definitions.js';
import { parseArgs, type CliOptions } from '../../lib/cli/parse-args.js';
import { ExitCode } from '../../lib/errors.js';
import { findToolRoot, readVersion } from '../../lib/tool-root.js';
import { asyncErrorOf, repoRoot } from '../helpers/workspace.js';

const run = async (argv: string[], env: Record<string, string> = {}): Promise<CliOptions> => {
  const result = await parseArgs(argv, 'v9.9.9', env);
  if (result.kind !== 'run') throw new Error(`expected options, got printed text: ${result.text}`);
  return result.options;
};

describe('parseArgs', () => {
  test('defaults', async () => {
    expect(await run(['demo', 'web', 'inspect'])).toMatchObject({
      project: 'demo',
      spec: 'web',
      action: 'inspect',
      sets: [],
      output: 'table',
      showSecrets: false,
      replicas: undefined,
      home: undefined,
    });
  });

  test('options', async () => {
    const o = await run([
      '--home',
      'ws',
      'demo',
      'web',
      'inspect',
      '--replicas',
      '3',
      '--target',
      'web-02',
      '-o',
      'yaml',
      '--show-secrets',
    ]);
    expect(o).toMatchObject({ home: 'ws', replicas: 3, target: 'web-02', output: 'yaml', showSecrets: true });
  });

  test('addresses takes the spec word or not; the other actions still need it', async () => {
    const whole = await run(['demo', 'addresses', '-o', 'json']);
    expect(whole).toMatchObject({ project: 'demo', action: 'addresses', output: 'json' });
    expect('spec' in whole).toBe(false);
    expect(await run(['addresses', 'demo', 'web'])).toMatchObject({
      project: 'demo',
      spec: 'web',
      action: 'addresses',
    });
    expect((await asyncErrorOf(() => run(['demo', 'inspect']))).message).toBe(
      'missing spec: give it after the project or with --spec',
    );
  });

  test('V_AUTO_HOME gives the home; --home wins', async () => {
    expect((await run(['demo', 'web', 'inspect'], { V_AUTO_HOME: '/ws' })).home).toBe('/ws');
    expect((await run(['demo', 'web', 'inspect', '--home', 'here'], { V_AUTO_HOME: '/ws' })).home).toBe(
      'here',
    );
  });

  test.each([
    [['--set', 'password=0123', 'demo', 'web', 'inspect'], ['password=0123']],
    [
      ['demo', '--set', 'cpu=4', 'web', '--set', 'node_selector.zone=a', 'inspect'],
      ['cpu=4', 'node_selector.zone=a'],
    ],
  ])('--set is repeatable and leaves the words alone: %j', async (argv, sets) => {
    expect(await run(argv)).toMatchObject({ project: 'demo', spec: 'web', action: 'inspect', sets });
  });

  test.each([
    ['0', '--replicas: must be between 1 and 1000, got 0'],
    ['abc', '--replicas: expected a whole number of instances, got "abc"'],
    ['100000', '--replicas: must be between 1 and 1000, got 100000'],
    ['2.5', '--replicas: expected a whole number of instances, got "2.5"'],
    ['-1', '--replicas: expected a whole number of instances, got "-1"'],
  ])('--replicas %s is an exit-2 error', async (value, message) => {
    const err = await asyncErrorOf(() => run(['demo', 'web', 'inspect', `--replicas=${value}`]));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });

  test.each([
    [
      ['demo', 'web', 'status', '-o', 'wide'],
      '--output wide: not a choice (choose table, yaml or json)',
      'kubectl\'s "-o wide" is "-o table" here: the table already has every column',
    ],
    [
      ['demo', 'web', 'inspect', '--output=xml'],
      '--output xml: not a choice (choose table, yaml or json)',
      'did you mean yaml?',
    ],
    [
      ['demo', 'web', '--action', 'stat'],
      '--action stat: not a choice (choose ' +
        ACTIONS.slice(0, -1).join(', ') +
        ' or ' +
        ACTIONS[ACTIONS.length - 1] +
        ')',
      'did you mean start?',
    ],
  ])('%j names the flag, the value and the choices', async (argv, message, hint) => {
    const err = await asyncErrorOf(() => run(argv));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
    expect(err.hint).toBe(hint);
  });

  test.each([[['demo', 'web', 'inspect', '--bogus'], /^Unknown argument: bogus$/]])(
    '%j is an exit-2 error with a hint',
    async (argv, message) => {
      const err = await asyncErrorOf(() => run(argv));
      expect(err.exitCode).toBe(ExitCode.USAGE);
      expect(err.message).toMatch(message);
      expect(err.hint).toBe('see v-auto --help');
    },
  );

  test('--help shows usage, examples and the precedence', async () => {
    const result = await parseArgs(['--help'], 'v9.9.9', {});
    expect(result.kind).toBe('print');
    const text = (result as { text: string }).text;
    expect(text).toContain('Usage: v-auto [PROJECT] [SPEC] [ACTION] [OPTIONS]');
    expect(text).toContain('Examples:');
    expect(text).toContain('v-auto demo web inspect ');
    expect(text).toContain(
      'Precedence (later wins): built-in defaults, config.yaml, specs/<spec>.yaml, --replicas, --set.',
    );
  });

  test('--version prints the VERSION file', async () => {
    const version = readFileSync(path.join(repoRoot, 'VERSION'), 'utf8').trim();
    expect(readVersion(findToolRoot())).toBe(version);
    expect(await parseArgs(['--version'], readVersion(repoRoot), {})).toEqual({
      kind: 'print',
      text: version,
    });
  });
});

describe('flags the action cannot use, and flags given twice', () => {
  test.each([
    [['demo', 'web', 'delete', '--wait', '600'], '--wait does not apply to delete'],
    [['demo', 'web', 'inspect', '--keep-disks'], '--keep-disks does not apply to inspect'],
    [['demo', 'web', 'status', '--dry-run'], '--dry-run does not apply to status'],
    [['demo', 'web', 'deploy', '--show-secrets'], '--show-secrets does not apply to deploy'],
    [['demo', 'web', 'deploy', '-o', 'yaml'], '-o yaml does not apply to deploy'],
    [['demo', 'web', 'start', '-o', 'yaml'], '-o yaml does not apply to start'],
    [['demo', 'web', 'inspect', '--replicas', '2', '--replicas', '3'], '--replicas is given more than once'],
    [['demo', 'web', 'inspect', '-o', 'yaml', '-o', 'json'], '--output is given more than once'],
    [['--oc', 'a', '--oc', 'b', 'demo', 'web', 'status'], '--oc is given more than once'],
    [['demo', 'web', 'status', '--parallel', '2'], '--parallel does not apply to status'],
    [
      ['demo', 'web', 'deploy', '--parallel', '0'],
      '--parallel: expected a whole number of oc calls from 1 to 16, got "0"',
    ],
    [
      ['demo', 'web', 'delete', '--parallel', '17'],
      '--parallel: expected a whole number of oc calls from 1 to 16, got "17"',
    ],
    [
      ['demo', 'web', 'deploy', '--parallel', '2.5'],
      '--parallel: expected a whole number of oc calls from 1 to 16, got "2.5"',
    ],
  ])('%j → exit 2: %s', async (argv, message) => {
    const err = await asyncErrorOf(() => run(argv));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });

  test('--set repeats, and connection flags are accepted by every action', async () => {
    const o = await run([
      'demo',
      'web',
      'inspect',
      '--set',
      'cpu=4',
      '--set',
      'memory=8Gi',
      '--oc',
      'kubectl',
      '--kubeconfig',
      'k',
    ]);
    expect(o.sets).toEqual(['cpu=4', 'memory=8Gi']);
    expect(o.oc).toBe('kubectl');
  });
});

describe('words and string flags are taken verbatim (never read as numbers)', () => {
  test.each(['4.10', '1e2', '0x10', '007', '1.0', '12345678901234567890', 'Infinity', 'NaN'])(
    'project word %s',
    async (word) => {
      expect(await run([word, 'web', 'inspect'])).toMatchObject({ project: word, spec: 'web' });
      expect(await run(['demo', word, 'status'])).toMatchObject({ project: 'demo', spec: word });
    },
  );

  test.each([
    ['--project', 'project', '4.10'],
    ['--spec', 'spec', '1e2'],
    ['--target', 'target', 'web-010'],
    ['--home', 'home', '0x10'],
    ['--context', 'context', '1.10'],
    ['--kubeconfig', 'kubeconfig', '007'],
    ['--oc', 'oc', '0012'],
  ])('%s %s keeps "%s"', async (flag, key, value) => {
    const base =
      flag === '--project'
        ? ['web', 'inspect']
        : flag === '--spec'
          ? ['demo', 'inspect']
          : ['demo', 'web', 'inspect'];
    expect((await run([...base, flag, value]))[key as keyof CliOptions]).toBe(value);
  });

  test.each(['labels.build=007', 'node_selector.rack=1.10', 'password=0x10'])(
    '--set %s stays text',
    async (set) => {
      expect((await run(['demo', 'web', 'inspect', '--set', set])).sets).toEqual([set]);
      expect((await run(['demo', 'web', 'inspect', `--set=${set}`])).sets).toEqual([set]);
    },
  );
});

describe('help per action', () => {
  const help = async (argv: string[]): Promise<string> => {
    const result = await parseArgs(argv, 'v9.9.9', {});
    if (result.kind !== 'print') throw new Error(`expected help for ${argv.join(' ')}`);
    return result.text;
  };

  test.each(
    ACTIONS.flatMap(
      (action) =>
        [
          [action, [action, '--help']],
          [action, ['demo', 'web', action, '-h']],
          [action, ['help', action]],
        ] as [Action, string[]][],
    ),
  )('%s: %j prints its own usage, flags and examples', async (action, argv) => {
    const text = await help(argv);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(`Usage: ${COMMANDS[action].usage}`);
    for (const [cmd] of COMMANDS[action].examples) expect(flat).toContain(cmd);
    for (const flag of FLAGS) {
      if (flag.name === 'output' && !('outputs' in COMMANDS[action])) continue;
      expect([action, flag.name, text.includes(`--${flag.name} `)]).toEqual([
        action,
        flag.name,
        flagApplies(flag, action),
      ]);
    }
    expect(text).not.toContain('Actions (');
  });

  test('the global help lists every action with its summary, and no action-only usage', async () => {
    const text = await help(['--help']);
    for (const action of ACTIONS) expect(text).toContain(`${action.padEnd(10)}${COMMANDS[action].summary}`);
    expect(text).toContain('v-auto ACTION --help');
    expect(await help(['help'])).toBe(text);
  });

  test('a flag value that is an action word does not choose the help', async () => {
    expect(await help(['--target', 'deploy', '--help'])).toContain('Actions (');
  });

  test('help for a word that is no action is exit 2 with a suggestion', async () => {
    const err = await asyncErrorOf(() => parseArgs(['help', 'deploi'], 'v9.9.9', {}));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe('no help for "deploi": not an action (did you mean "deploy"?)');
  });
});

describe('--wait takes seconds', () => {
  test.each([
    [['demo', 'web', 'deploy', '--wait', 'abc'], '--wait takes a number of seconds, got "abc"'],
    [['demo', 'web', 'deploy', '--wait', '10m'], '--wait takes a number of seconds, got "10m"'],
    [['demo', 'web', 'deploy', '--wait=abc'], '--wait takes a number of seconds, got "abc"'],
    [['demo', 'web', 'deploy', '--wait', '0'], '--wait: expected a number of seconds greater than 0'],
  ])('%j → exit 2: %s', async (argv, message) => {
    const err = await asyncErrorOf(() => run(argv));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });

  test.each([
    [['--wait', 'demo', 'web', 'deploy'], 900],
    [['demo', 'web', 'deploy', '--wait'], 900],
    [['demo', 'web', 'deploy', '--wait', '60'], 60],
    [['demo', '--wait', '1.5', 'web', 'deploy'], 1.5],
  ])('%j waits %d s', async (argv, seconds) => {
    expect((await run(argv)).wait).toBe(seconds);
  });
});

describe('the whole project: deploy, status and delete without a spec', () => {
  test.each([['deploy'], ['status'], ['delete', '--all-specs', '--yes']])(
    '%s takes the project alone',
    async (action, ...rest) => {
      const o = await run(['demo', action, ...rest]);
      expect(o).toMatchObject({ project: 'demo', action });
      expect('spec' in o).toBe(false);
    },
  );

  test('--fail-fast and --all-specs are read', async () => {
    expect(await run(['demo', 'deploy', '--fail-fast'])).toMatchObject({ failFast: true, allSpecs: false });
    expect(await run(['demo', 'delete', '--all-specs', '--dry-run'])).toMatchObject({
      allSpecs: true,
      dryRun: true,
      failFast: false,
    });
  });

  test.each([
    [
      ['demo', 'deploy', '--set', 'cpu=4'],
      '--set applies to one spec; deploy without a spec acts on every spec of demo',
    ],
    [
      ['demo', 'delete', '--all-specs', '--yes', '--target', 'web-01'],
      '--target applies to one spec; delete without a spec acts on every spec of demo',
    ],
    [
      ['demo', 'status', '--replicas', '2'],
      '--replicas applies to one spec; status without a spec acts on every spec of demo',
    ],
    [
      ['demo', 'web', 'deploy', '--fail-fast'],
      '--fail-fast applies to deploy of every spec, not to one spec',
    ],
    [
      ['demo', 'web', 'delete', '--all-specs'],
      '--all-specs applies to delete of every spec, not to one spec',
    ],
    [['demo', 'delete', '--yes'], 'delete without a spec would delete every spec of project demo'],
    [
      ['demo', 'delete', '--all-specs'],
      'delete --all-specs needs --yes: it is never asked for on a terminal',
    ],
    [['demo', 'status', '--fail-fast'], '--fail-fast does not apply to status'],
  ])('%j is exit 2: %s', async (argv, message) => {
    const err = await asyncErrorOf(() => run(argv));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });
});
