// Tests scripts/git_sync.sh in a throwaway checkout whose origin is a local bare repository.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// Git without this machine's global or system config (hooks, signing, default branch), and
// with a fixed identity so commits work on a CI machine that has none.
const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'v-auto test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'v-auto test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

function run(cmd: string, args: string[], cwd: string) {
  return spawnSync(cmd, args, { cwd, env: gitEnv, encoding: 'utf8', timeout: 30_000 });
}

function git(cwd: string, ...args: string[]): string {
  const result = run('git', args, cwd);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** The ref's commit, or '' when the ref does not exist. */
function commitOf(gitDir: string, ref: string): string {
  const result = run('git', ['--git-dir', gitDir, 'rev-parse', '-q', '--verify', `${ref}^{commit}`], gitDir);
  return result.status === 0 ? result.stdout.trim() : '';
}

interface Checkout {
  work: string;
  remote: string;
  sync: (...args: string[]) => ReturnType<typeof run>;
}

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'v-auto-git-sync-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A checkout holding git_sync.sh, VERSION and a README, pushed to its bare origin. */
function makeCheckout(): Checkout {
  const dir = mkdtempSync(join(tmp, 'case-'));
  const remote = join(dir, 'origin.git');
  const work = join(dir, 'work');
  git(dir, 'init', '-q', '--bare', remote);
  git(dir, 'init', '-q', '-b', 'main', work);
  mkdirSync(join(work, 'scripts'));
  for (const file of ['git_sync.sh', 'release-version.sh']) {
    copyFileSync(join(repo, 'scripts', file), join(work, 'scripts', file));
  }
  writeFileSync(join(work, 'VERSION'), 'v0.1.0-dev\n');
  writeFileSync(join(work, 'README.md'), '# v-auto\n');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'Initial');
  git(work, 'remote', 'add', 'origin', remote);
  git(work, 'push', '-q', 'origin', 'main');
  return { work, remote, sync: (...args) => run('bash', ['scripts/git_sync.sh', ...args], work) };
}

test('-h prints usage', () => {
  const { sync } = makeCheckout();
  const result = sync('-h');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Usage: scripts\/git_sync\.sh \[--dry-run\] \[--remote NAME\] \[VERSION\]/);
});

test('--dry-run shows the commands and changes nothing', () => {
  const { work, remote, sync } = makeCheckout();
  const head = git(work, 'rev-parse', 'HEAD');
  const result = sync('--dry-run', 'v1.2.3');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(
    [
      'dry run: nothing is changed; these commands would run:',
      '+ echo v1.2.3 > VERSION',
      '+ git add VERSION',
      "+ git commit --quiet -m 'Release v1.2.3'",
      "+ git tag -a v1.2.3 -m 'v-auto v1.2.3'",
      '+ git push --atomic origin refs/heads/main:refs/heads/main refs/tags/v1.2.3:refs/tags/v1.2.3',
      '',
    ].join('\n'),
  );
  expect(readFileSync(join(work, 'VERSION'), 'utf8')).toBe('v0.1.0-dev\n');
  expect(git(work, 'rev-parse', 'HEAD')).toBe(head);
  expect(git(work, 'tag')).toBe('');
  expect(commitOf(remote, 'refs/tags/v1.2.3')).toBe('');
});

test('refuses uncommitted changes other than VERSION, and names them', () => {
  const { work, sync } = makeCheckout();
  const head = git(work, 'rev-parse', 'HEAD');
  writeFileSync(join(work, 'README.md'), '# changed\n');
  writeFileSync(join(work, 'new-template.yaml.hbs'), 'kind: X\n');
  writeFileSync(join(work, 'VERSION'), 'v9\n');
  const result = sync('v1.2.3');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('uncommitted changes other than VERSION');
  expect(result.stderr).toContain('README.md');
  expect(result.stderr).toContain('new-template.yaml.hbs');
  expect(result.stderr).not.toMatch(/ VERSION\n/);
  expect(result.stdout).toBe('');
  expect(git(work, 'rev-parse', 'HEAD')).toBe(head);
  expect(git(work, 'tag')).toBe('');
});

test('pushes the VERSION commit and an annotated tag to origin', () => {
  const { work, remote, sync } = makeCheckout();
  const result = sync('v1.2.3');
  expect(result.status).toBe(0);
  const head = git(work, 'rev-parse', 'HEAD');
  expect(git(work, 'show', '-s', '--format=%s', 'HEAD')).toBe('Release v1.2.3');
  expect(readFileSync(join(work, 'VERSION'), 'utf8')).toBe('v1.2.3\n');
  expect(commitOf(remote, 'refs/heads/main')).toBe(head);
  expect(commitOf(remote, 'refs/tags/v1.2.3')).toBe(head);
  expect(git(remote, 'cat-file', '-t', 'refs/tags/v1.2.3')).toBe('tag');
  expect(git(remote, 'show', 'main:VERSION')).toBe('v1.2.3');
});

test('a VERSION already stamped (by bundle.sh) is committed, not refused', () => {
  const { work, remote, sync } = makeCheckout();
  writeFileSync(join(work, 'VERSION'), 'v2.0.0\n');
  const result = sync('v2.0.0');
  expect(result.status).toBe(0);
  expect(git(work, 'status', '--porcelain')).toBe('');
  expect(commitOf(remote, 'refs/tags/v2.0.0')).toBe(git(work, 'rev-parse', 'HEAD'));
});

test('--remote NAME pushes there and leaves origin alone', () => {
  const { work, remote, sync } = makeCheckout();
  const mirror = join(dirname(work), 'mirror.git');
  git(work, 'init', '-q', '--bare', mirror);
  git(work, 'remote', 'add', 'mirror', mirror);
  const originMain = commitOf(remote, 'refs/heads/main');
  const result = sync('--remote', 'mirror', 'v1.0.0');
  expect(result.status).toBe(0);
  expect(commitOf(mirror, 'refs/tags/v1.0.0')).toBe(git(work, 'rev-parse', 'HEAD'));
  expect(commitOf(remote, 'refs/heads/main')).toBe(originMain);
  expect(commitOf(remote, 'refs/tags/v1.0.0')).toBe('');
});

test('an unknown remote is refused with the known ones', () => {
  const { sync } = makeCheckout();
  const result = sync('--remote', 'nope', 'v1.0.0');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain("no git remote named 'nope'");
  expect(result.stderr).toContain('origin');
});

test('a VERSION whose tag marks another commit is refused', () => {
  const { work, sync } = makeCheckout();
  git(work, 'tag', 'v1.0.0');
  writeFileSync(join(work, 'README.md'), '# later\n');
  git(work, 'commit', '-q', '-am', 'Later');
  const result = sync('v1.0.0');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('tag v1.0.0 already exists');
});

test('date-based VERSION: vYYYYMMDD, a re-run only pushes again, a later commit gets .1', () => {
  const { work, remote, sync } = makeCheckout();
  expect(sync().status).toBe(0);
  const first = readFileSync(join(work, 'VERSION'), 'utf8').trim();
  expect(first).toMatch(/^v\d{8}$/);
  const head = git(work, 'rev-parse', 'HEAD');

  const again = sync();
  expect(again.status).toBe(0);
  expect(again.stdout).not.toContain('git commit');
  expect(git(work, 'rev-parse', 'HEAD')).toBe(head);

  writeFileSync(join(work, 'README.md'), '# later\n');
  git(work, 'commit', '-q', '-am', 'Later');
  expect(sync().status).toBe(0);
  expect(readFileSync(join(work, 'VERSION'), 'utf8')).toBe(`${first}.1\n`);
  expect(commitOf(remote, `refs/tags/${first}.1`)).toBe(git(work, 'rev-parse', 'HEAD'));
});

test('without VERSION, a release already tagged on HEAD is kept and only pushed', () => {
  const { work, remote, sync } = makeCheckout();
  writeFileSync(join(work, 'VERSION'), 'v20000101\n');
  git(work, 'commit', '-q', '-am', 'Release v20000101');
  git(work, 'tag', '-a', 'v20000101', '-m', 'v-auto v20000101');
  const head = git(work, 'rev-parse', 'HEAD');
  const result = sync();
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(
    '+ git push --atomic origin refs/heads/main:refs/heads/main refs/tags/v20000101:refs/tags/v20000101\n' +
      'pushed branch main and tag v20000101 to origin\n',
  );
  expect(git(work, 'rev-parse', 'HEAD')).toBe(head);
  expect(commitOf(remote, 'refs/tags/v20000101')).toBe(head);
});
