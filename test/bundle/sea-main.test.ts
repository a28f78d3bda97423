// The single executable's entry (scripts/sea-main.cjs) run under Node with a stand-in node:sea:
// where it unpacks, and that it never runs from a folder someone else could have written.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const uid = process.getuid!();
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'v-auto-sea-main-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function runSea(env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    ['-r', join(repo, 'test/fixtures/sea/fake-sea.cjs'), join(repo, 'scripts/sea-main.cjs')],
    {
      env: { PATH: process.env.PATH!, HOME: join(tmp, 'home'), TMPDIR: join(tmp, 'tmp'), ...env },
      encoding: 'utf8',
      // A hang is the failure this guards against; the run itself takes well under a second.
      timeout: 20_000,
    },
  );
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

test("unpacks under the user's cache folder, made one level at a time", () => {
  const cache = join(tmp, 'deep', 'er', 'cache');
  expect(runSea({ XDG_CACHE_HOME: cache })).toEqual({
    status: 0,
    signal: null,
    stdout: `ran from ${join(cache, 'v-auto', 'v0.0.0-fake-abc123')}\n`,
    stderr: '',
  });
});

test('a cache folder under /proc (never creatable) does not hang: the private temp folder is used', () => {
  mkdirSync(join(tmp, 'tmp'));
  expect(runSea({ XDG_CACHE_HOME: '/proc/self/no-such/cache' })).toEqual({
    status: 0,
    signal: null,
    stdout: `ran from ${join(tmp, 'tmp', `v-auto-${uid}`, 'v0.0.0-fake-abc123')}\n`,
    stderr: '',
  });
});

describe('without a home folder, in the temp folder', () => {
  const env = { FAKE_SEA_NO_HOME: '1', HOME: '' };
  const own = () => join(tmp, 'tmp', `v-auto-${uid}`);
  /** What another local user could leave there before the first run: a tree whose program is theirs. */
  function plant(root: string) {
    const leaf = join(root, 'v0.0.0-fake-abc123');
    mkdirSync(join(leaf, 'bin'), { recursive: true });
    writeFileSync(join(leaf, 'VERSION'), 'v0.0.0-fake\n');
    writeFileSync(
      join(leaf, 'bin', 'load-bundle.cjs'),
      "console.log('planted'); exports.loadBundle = () => ({ exports: { main: async () => 0 }, saveCodeCache() {} });\n",
    );
  }

  test('a folder of its own, mode 0700', () => {
    mkdirSync(join(tmp, 'tmp'));
    expect(runSea(env).stdout).toBe(`ran from ${join(own(), 'v0.0.0-fake-abc123')}\n`);
    expect(spawnSync('stat', ['-c', '%a %u', own()], { encoding: 'utf8' }).stdout.trim()).toBe(`700 ${uid}`);
  });

  // Only root can hand a folder to another user.
  test.each([
    ...(uid === 0
      ? [
          [
            'owned by another user',
            (dir: string) => chownSync(dir, 65534, 65534),
            'owned by uid 65534',
          ] as const,
        ]
      : []),
    ['writable by others', (dir: string) => chmodSync(dir, 0o777), 'writable by others (mode 777)'] as const,
  ])('a planted folder %s is not run from', (_what, spoil, reason) => {
    mkdirSync(join(tmp, 'tmp'));
    plant(own());
    spoil(own());
    const result = runSea(env);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(70);
    expect(result.stderr).toContain(`${own()} is ${reason}, not used: remove it`);
  });

  test('a planted symbolic link is not followed', () => {
    plant(join(tmp, 'theirs'));
    mkdirSync(join(tmp, 'tmp'));
    symlinkSync(join(tmp, 'theirs'), own());
    const result = runSea(env);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${own()} is a symbolic link, not used: remove it`);
  });
});
