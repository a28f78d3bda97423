// Shell completion: the candidates for each word position, the workspace rules, and the scripts
// tried in a real bash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTIONS, FLAGS } from '../../lib/commands/definitions.js';
import {
  completeWords,
  DIRS,
  FILES,
  workspaceSource,
  type CompletionSource,
} from '../../lib/cli/completion.js';
import { binary, repoRoot } from '../helpers/e2e.js';

const source: CompletionSource = {
  projects: () => ['demo', 'shop'],
  specs: (project) => (project === 'demo' ? ['db', 'web'] : ['cart']),
  instances: (project, spec, replicas = 2, sets) =>
    Array.from(
      { length: replicas },
      (_, i) => `${sets.includes('name_prefix=www') ? 'www' : spec}-0${i + 1}`,
    ),
};
const complete = (line: string, current = '') => completeWords(line ? line.split(' ') : [], current, source);

describe('candidates by word position', () => {
  test.each([
    ['', '', ['demo', 'shop', ...ACTIONS, 'completion', 'help']],
    ['', 'd', ['demo', 'deploy', 'delete', 'diff']],
    ['demo', '', ['db', 'web', ...ACTIONS]],
    ['demo', 'w', ['web']],
    ['demo web', '', ACTIONS],
    ['demo web', 'st', ['status', 'start', 'stop']],
    ['demo web deploy', '', []],
    ['deploy', '', ['demo', 'shop']],
    ['deploy demo', '', ['db', 'web']],
    ['demo deploy', 'w', ['web']],
    ['--project shop', '', ['cart', ...ACTIONS]],
    ['--project shop --spec cart', '', ACTIONS],
    ['--home /x demo', 'w', ['web']],
    ['completion', '', ['bash', 'zsh']],
    ['completion bash', '', []],
    ['help', 're', ['restart']],
  ])('after "%s", completing "%s"', (line, current, expected) => {
    expect(complete(line, current)).toEqual(expected);
  });
});

describe('flags', () => {
  test('every flag of the action, and only those; a flag given once is not offered again (--set is)', () => {
    const deleteFlags = complete('demo web delete', '--');
    expect(deleteFlags).toContain('--keep-disks');
    expect(deleteFlags).toContain('--include-unlabeled');
    expect(deleteFlags).not.toContain('--wait');
    expect(deleteFlags).not.toContain('--show-secrets');
    expect(complete('demo web inspect --show-secrets', '--s')).toEqual(['--spec', '--set']);
    expect(complete('demo web inspect --set a=1', '--se')).toEqual(['--set']);
    expect(complete('demo web start', '--o')).toEqual(['--output', '--oc']);
    expect(complete('', '--')).toEqual([...FLAGS.map((f) => `--${f.name}`), '--help']);
  });

  test.each([
    ['demo web deploy -o', '', ['table', 'json']],
    ['demo web inspect --output', 'y', ['yaml']],
    ['--action', 'de', ['deploy', 'delete']],
    ['--project', '', ['demo', 'shop']],
    ['--project demo --spec', '', ['db', 'web']],
    ['demo --spec', 'w', ['web']],
    ['demo web delete --target', '', ['web-01', 'web-02']],
    ['demo web delete --replicas 3 --target', 'web-0', ['web-01', 'web-02', 'web-03']],
    ['demo web status --set name_prefix=www --target', '', ['www-01', 'www-02']],
    ['--target', '', []],
    ['demo web deploy --home', '', [DIRS]],
    ['demo web deploy --kubeconfig', '', [FILES]],
    ['demo web deploy --oc', '/u', [FILES]],
    ['demo web deploy --replicas', '', []],
    // bash splits at "=": the value alone; zsh passes the word whole.
    ['demo web deploy --output =', 'j', ['json']],
    ['demo web deploy', '--output=j', ['--output=json']],
    ['demo web delete --target =', '', ['web-01', 'web-02']],
  ])('value of "%s", completing "%s"', (line, current, expected) => {
    expect(complete(line, current)).toEqual(expected);
  });

  test('--wait takes its seconds optionally: after it come words and flags', () => {
    expect(complete('--wait', 'de')).toEqual(['demo', 'deploy', 'delete']);
    expect(complete('demo web deploy --wait', '--y')).toEqual(['--yes']);
  });
});

describe('the workspace, found as a run finds it', () => {
  const examples = path.join(repoRoot, 'examples');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-completion-'));
    mkdirSync(path.join(dir, 'projects', 'lab', 'specs'), { recursive: true });
    writeFileSync(
      path.join(dir, 'projects', 'lab', 'specs', 'api.yaml'),
      'replicas: 3\nimage_url: http://x/disk.img\n',
    );
    writeFileSync(path.join(dir, 'projects', 'lab', 'specs', 'broken.yaml'), 'replicas: [\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--home wins over V_AUTO_HOME, which wins over ./projects', () => {
    const env = { V_AUTO_HOME: examples };
    expect(
      completeWords(['--home', dir], '', workspaceSource(['--home', dir], env, '/', repoRoot)),
    ).toContain('lab');
    expect(completeWords([], '', workspaceSource([], env, dir, repoRoot))).toContain('demo');
    expect(completeWords([], '', workspaceSource([], {}, dir, repoRoot))).toContain('lab');
  });

  test('instance names follow the spec (replicas, name_prefix); a spec with an error completes nothing', () => {
    const words = ['--home', dir, 'lab', 'api', 'delete', '--target'];
    expect(completeWords(words, '', workspaceSource(words, {}, '/', repoRoot))).toEqual([
      'api-01',
      'api-02',
      'api-03',
    ]);
    const ex = ['--home', examples, 'demo', 'db', 'status', '--target'];
    expect(completeWords(ex, '', workspaceSource(ex, {}, '/', repoRoot))).toEqual(['db-01']);
    const broken = ['--home', dir, 'lab', 'broken', 'delete', '--target'];
    expect(completeWords(broken, '', workspaceSource(broken, {}, '/', repoRoot))).toEqual([]);
    const missing = ['--home', '/nonexistent', '--project'];
    expect(completeWords(missing, '', workspaceSource(missing, {}, '/', repoRoot))).toEqual([]);
  });
});

describe('in a real bash (the built bin/v-auto)', () => {
  const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: os.tmpdir() };
  const script = () => {
    const r = spawnSync(process.execPath, [binary, 'completion', 'bash'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    return r.stdout;
  };

  /** Sources the script, sets the words as bash would for `line` with the cursor at its end, runs the function. */
  function tab(line: string): string[] {
    const words = line.split(' ');
    const setup = `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE='${line}'; COMP_POINT=${line.length}`;
    const r = spawnSync(
      'bash',
      [
        '-c',
        `source /dev/stdin <<<"$SCRIPT"; complete -p v-auto; ${setup}; _v_auto; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      {
        encoding: 'utf8',
        env: { ...env, SCRIPT: script() },
        cwd: os.tmpdir(),
      },
    );
    expect(r.stderr).toBe('');
    const [registered, ...reply] = r.stdout.split('\n').filter(Boolean);
    expect(registered).toBe('complete -F _v_auto v-auto');
    return reply;
  }

  test('actions, projects, specs, flags and --target instances of the example workspace', () => {
    const home = `--home ${path.join(repoRoot, 'examples')}`;
    expect(tab(`v-auto ${home} de`)).toEqual(['demo', 'deploy', 'delete']);
    expect(tab(`v-auto ${home} demo `)).toEqual(['db', 'web', ...ACTIONS]);
    expect(tab(`v-auto ${home} demo web delete --target `)).toEqual(['web-01', 'web-02']);
    expect(tab(`v-auto ${home} demo web delete --keep`)).toEqual(['--keep-disks']);
    expect(tab(`v-auto ${home} demo web restart -o j`)).toEqual(['json']);
    expect(tab('v-auto completion ')).toEqual(['bash', 'zsh']);
  });

  test('V_AUTO_HOME is honoured, and --home takes folder names from the shell', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `source /dev/stdin <<<"$SCRIPT"; COMP_WORDS=(v-auto demo w); COMP_CWORD=2; _v_auto; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      {
        encoding: 'utf8',
        env: { ...env, SCRIPT: script(), V_AUTO_HOME: path.join(repoRoot, 'examples') },
      },
    );
    expect(r.stdout.trim()).toBe('web');
    expect(tab(`v-auto --home ${repoRoot}/exa`)).toEqual([`${repoRoot}/examples`]);
  });

  test('zsh: a script that registers _v-auto and asks the same __complete', () => {
    const r = spawnSync(process.execPath, [binary, 'completion', 'zsh'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('#compdef v-auto');
    expect(r.stdout).toContain(`local bin='${binary}'`);
    expect(r.stdout).toContain('__complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}"');
    expect(r.stdout).toContain('compdef _v-auto v-auto');
  });

  test('an unknown shell is exit 2 with the usage', () => {
    const r = spawnSync(process.execPath, [binary, 'completion', 'fish'], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('completion takes one shell: bash or zsh, got "fish"');
  });
});
