// End-to-end test of scripts/bundle.sh: builds the offline bundle and runs it as a bastion would.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseAllDocuments } from 'yaml';
import { brokenLinks, markdownFiles } from '../helpers/markdown-links.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = 'v0.0.0-bundletest.1';
const name = `v-auto-${VERSION}`;
const BUILD_TIMEOUT_MS = 120_000;

let tmp: string;
let site: string; // the unpacked bundle folder, v-auto-VERSION/
let bastion: Bastion;
let repoVersionBefore: string;

/** Runs a command in the repo with this machine's environment (npm, git, tar on PATH). */
function runHere(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return spawnSync(cmd, args, {
    cwd: options.cwd ?? repo,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
  });
}

function bundle(args: string[], dist: string): SpawnSyncReturns<string> {
  const result = runHere('bash', ['scripts/bundle.sh', ...args], { env: { V_AUTO_DIST: dist } });
  if (result.status !== 0)
    throw new Error(`bundle.sh ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result;
}

/** The archive bundle.sh wrote: the last line it prints. */
function archiveOf(result: SpawnSyncReturns<string>): string {
  return result.stdout.trim().split('\n').pop()!;
}

/** True when a folder or any folder above it holds node_modules: Node would find packages there. */
function nodeModulesAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return undefined;
  }
}

function which(cmd: string): string | undefined {
  const found = runHere('sh', ['-c', `command -v ${cmd}`]);
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/**
 * A stand-in for the air-gapped bastion: PATH holds node and nothing else, no variable of this
 * machine leaks in (NODE_OPTIONS, KUBECONFIG), and, where the kernel lets us, a network
 * namespace with no interface but a loopback that is down.
 */
class Bastion {
  readonly netns: string[];
  private readonly env: Record<string, string>;

  constructor(root: string) {
    const nodeOnly = join(root, 'node-only-bin');
    mkdirSync(nodeOnly);
    symlinkSync(process.execPath, join(nodeOnly, 'node'));
    const home = join(root, 'home');
    mkdirSync(home);
    this.env = { PATH: nodeOnly, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), LANG: 'C.UTF-8' };
    const unshare = which('unshare');
    // Root can unshare the network directly; other users need a user namespace for it (-r).
    const flags = [['-n'], ['-rn']].find((f) => unshare && runHere(unshare, [...f, 'true']).status === 0);
    this.netns = unshare && flags ? [unshare, ...flags, '--'] : [];
  }

  run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
    const [file, ...rest] = [...this.netns, cmd, ...args];
    return spawnSync(file, rest, { cwd, env: this.env, encoding: 'utf8', timeout: 30_000 });
  }
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'v-auto-bundle-'));
  repoVersionBefore = readFileSync(join(repo, 'VERSION'), 'utf8');
  bundle(['--no-stamp', VERSION], join(tmp, 'dist1'));
  bundle(['--no-stamp', VERSION], join(tmp, 'dist2'));
  const unpackTo = join(tmp, 'site');
  mkdirSync(unpackTo);
  const untar = runHere('tar', ['-xzf', join(tmp, 'dist1', `${name}.tar.gz`), '-C', unpackTo]);
  if (untar.status !== 0) throw new Error(untar.stderr);
  site = join(unpackTo, name);
  bastion = new Bastion(tmp);
}, 2 * BUILD_TIMEOUT_MS);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the archive', () => {
  test('two builds of the same source and VERSION are byte-identical', () => {
    const first = readFileSync(join(tmp, 'dist1', `${name}.tar.gz`));
    const second = readFileSync(join(tmp, 'dist2', `${name}.tar.gz`));
    expect(second.equals(first)).toBe(true);
  });

  test('the .sha256 beside it verifies with sha256sum -c', () => {
    const check = runHere('sha256sum', ['-c', `${name}.tar.gz.sha256`], { cwd: join(tmp, 'dist1') });
    expect(check.stdout).toBe(`${name}.tar.gz: OK\n`);
    expect(check.status).toBe(0);
  });

  test('unpacks into one folder, owned by 0/0, with the files a site needs', () => {
    const listing = runHere('tar', ['-tvzf', join(tmp, 'dist1', `${name}.tar.gz`), '--numeric-owner']);
    const lines = listing.stdout.trim().split('\n');
    const paths = lines.map((line) => line.split(/\s+/).slice(5).join(' '));
    expect(paths.every((p) => p === `${name}/` || p.startsWith(`${name}/`))).toBe(true);
    expect(lines.every((line) => line.split(/\s+/)[1] === '0/0')).toBe(true);
    for (const entry of [
      'bin/v-auto',
      'bin/load-bundle.cjs',
      'bin/package.json',
      'build/v-auto.cjs',
      'templates/',
      'examples/',
      'schemas/result.schema.json',
      'schemas/config.schema.json',
      'schemas/spec.schema.json',
      'projects/',
      'VERSION',
      'package.json',
      'THIRD_PARTY_LICENSES',
    ]) {
      expect(paths).toContain(`${name}/${entry}`);
    }
    expect(paths.some((p) => p.includes('node_modules'))).toBe(false);
    expect(lines.find((line) => line.endsWith(`${name}/bin/v-auto`))).toMatch(/^-rwxr-xr-x /);
  });

  test('ships README.md', () => {
    // Fails until the repo has a README.md (bundle.sh only warns, so a build still works).
    expect(existsSync(join(site, 'README.md'))).toBe(true);
  });

  test('ships the reference in docs/ with the Korean guide, every page the checkout has', () => {
    const pages = markdownFiles(repo).filter((file) => file.startsWith('docs/'));
    expect(pages).toContain('docs/ko/README.md');
    expect(markdownFiles(site)).toEqual(markdownFiles(repo));
  });

  test('every relative link of the bundled README and docs resolves inside the bundle', () => {
    expect(brokenLinks(site, markdownFiles(site))).toEqual([]);
  });

  test('carries VERSION, an empty projects/ and package.json type module', () => {
    expect(readFileSync(join(site, 'VERSION'), 'utf8')).toBe(`${VERSION}\n`);
    expect(readdirSync(join(site, 'projects'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(site, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
  });

  test('THIRD_PARTY_LICENSES names every runtime dependency, and LEGAL.txt comes along', () => {
    const licenses = readFileSync(join(site, 'THIRD_PARTY_LICENSES'), 'utf8');
    const { dependencies } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    for (const dep of Object.keys(dependencies)) expect(licenses).toContain(`\n  ${dep}@`);
    expect(licenses).toContain('Permission is hereby granted'); // MIT text, not just names
    if (existsSync(join(repo, 'build', 'v-auto.cjs.LEGAL.txt'))) {
      expect(existsSync(join(site, 'build', 'v-auto.cjs.LEGAL.txt'))).toBe(true);
    }
  });

  test('leaves the repo VERSION and dist/ untouched (--no-stamp, V_AUTO_DIST)', () => {
    expect(readFileSync(join(repo, 'VERSION'), 'utf8')).toBe(repoVersionBefore);
    expect(existsSync(join(repo, 'dist', `${name}.tar.gz`))).toBe(false);
  });
});

describe('on the bastion (only node on PATH, no network)', () => {
  test('the unpacked bundle has no node_modules above it', () => {
    expect(nodeModulesAbove(site)).toBeUndefined();
  });

  test('the sandbox really has no network', () => {
    if (bastion.netns.length === 0) {
      console.warn('unshare -n is not permitted here: the bundle runs with the network available');
      return;
    }
    // /proc/self/net/dev lists the interfaces of the process's own network namespace.
    const dev = bastion.run('node', ['-p', "require('fs').readFileSync('/proc/self/net/dev','utf8')"], site);
    const interfaces = dev.stdout
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0].trim())
      .filter(Boolean);
    expect(interfaces).toEqual(['lo']);
  });

  test('bin/v-auto --version prints the bundle VERSION', () => {
    const result = bastion.run('bin/v-auto', ['--version'], site);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(VERSION);
    expect(result.status).toBe(0);
  });

  describe('with the example project copied into projects/', () => {
    let fromBundle: SpawnSyncReturns<string>;

    beforeAll(() => {
      const demo = join(site, 'examples', 'projects', 'demo');
      if (existsSync(demo)) cpSync(demo, join(site, 'projects', 'demo'), { recursive: true });
      fromBundle = bastion.run('bin/v-auto', ['demo', 'web', 'inspect', '-o', 'yaml'], site);
    });

    test('the bundle ships examples/projects/demo', () => {
      expect(existsSync(join(site, 'examples', 'projects', 'demo', 'config.yaml'))).toBe(true);
    });

    test('bin/v-auto demo web inspect -o yaml prints YAML objects', () => {
      expect(existsSync(join(site, 'projects', 'demo'))).toBe(true);
      expect(fromBundle.stderr).toBe('');
      expect(fromBundle.status).toBe(0);
      const parsed = parseAllDocuments(fromBundle.stdout);
      const docs = Array.isArray(parsed) ? parsed : [parsed];
      expect(docs.flatMap((d) => d.errors)).toEqual([]);
      // Objects (a plan, manifests, or a list of them), not an echo of words.
      const objects = docs.filter(
        (d) => isMap(d.contents) || (isSeq(d.contents) && d.contents.items.every(isMap)),
      );
      expect(objects.length).toBeGreaterThan(0);
      // The templates were found: inspect renders a VirtualMachine from templates/.
      expect(fromBundle.stdout).toMatch(/^kind: VirtualMachine$/m);
      expect(fromBundle.stdout).toContain('web');
    });

    test('the cluster side loads from the bundle too, and says plainly when oc is missing', () => {
      // status runs the modules inspect never needs (the oc runner); with no oc or kubectl on this
      // PATH it must end in v-auto's own exit-3 message, not in a module that cannot be found.
      const result = bastion.run('bin/v-auto', ['demo', 'web', 'status'], site);
      expect(result.stderr.split('\n')[0]).toBe('v-auto: neither oc nor kubectl was found on PATH');
      expect(result.status).toBe(3);
    });

    test("shell completion from the bundle: the script calls the bundle's own bin/v-auto, which lists its projects", () => {
      const script = bastion.run('bin/v-auto', ['completion', 'bash'], site);
      expect(script.status).toBe(0);
      expect(script.stdout).toContain(`local bin='${join(site, 'bin', 'v-auto')}'`);
      const elsewhere = mkdtempSync(join(tmp, 'completion-'));
      const words = bastion.run(
        join(site, 'bin', 'v-auto'),
        ['__complete', 'demo', 'web', 'delete', '--target', ''],
        elsewhere,
      );
      expect(words.stdout).toBe('web-01\nweb-02\n');
      expect(words.stderr).toBe('');
    });

    test("the code cache goes to the user's cache folder, nothing into the bundle folder", () => {
      const bundleFiles = readdirSync(join(site, 'build')).sort();
      expect(bastion.run('bin/v-auto', ['demo', 'web', 'inspect'], site).status).toBe(0);
      expect(readdirSync(join(site, 'build')).sort()).toEqual(bundleFiles);
      const caches = readdirSync(join(tmp, 'home', '.cache', 'v-auto', 'code-cache'));
      expect(caches).toHaveLength(1);
      expect(caches[0]).toMatch(
        new RegExp(`^[0-9a-f]{32}-node${process.versions.node}-${process.arch}\\.bin$`),
      );
    });

    test('run from another folder, the default home is the bundle folder', () => {
      const elsewhere = mkdtempSync(join(tmp, 'elsewhere-'));
      const result = bastion.run(
        join(site, 'bin', 'v-auto'),
        ['demo', 'web', 'inspect', '-o', 'yaml'],
        elsewhere,
      );
      expect(result.status).toBe(fromBundle.status);
      expect(result.stdout).toBe(fromBundle.stdout);
    });
  });
});

describe('VERSION chosen by date', () => {
  test(
    'vYYYYMMDD, then vYYYYMMDD.N for a same-day rebuild',
    () => {
      const dist = join(tmp, 'dist-dated');
      const first = basename(archiveOf(bundle(['--no-stamp'], dist)));
      const second = basename(archiveOf(bundle(['--no-stamp'], dist)));
      expect(first).toMatch(/^v-auto-v\d{8}(\.\d+)?\.tar\.gz$/);
      expect(second).toMatch(/^v-auto-v\d{8}\.\d+\.tar\.gz$/);
      expect(second).not.toBe(first);
      expect(readFileSync(join(repo, 'VERSION'), 'utf8')).toBe(repoVersionBefore);
    },
    2 * BUILD_TIMEOUT_MS,
  );
});

test('bundle.sh --help explains VERSION and the output folder', () => {
  const result = runHere('bash', ['scripts/bundle.sh', '--help']);
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Usage: scripts\/bundle\.sh/);
  expect(result.stdout).toContain('V_AUTO_DIST');
  expect(result.stdout).toContain('--no-stamp');
});

// Needs postject, which package.json does not list yet: point POSTJECT at one to run this.
const postject = process.env.POSTJECT ?? join(repo, 'node_modules', '.bin', 'postject');
(existsSync(postject) ? describe : describe.skip)('--sea: one executable that needs no Node.js', () => {
  let exe: string;

  beforeAll(() => {
    const result = bundle(['--no-stamp', '--sea', VERSION], join(tmp, 'dist-sea'));
    exe = result.stdout
      .trim()
      .split('\n')
      .find((line) => line.endsWith('-linux-x64'))!;
  }, 2 * BUILD_TIMEOUT_MS);

  function runAlone(args: string[], cwd: string) {
    const [file, ...rest] = [...bastion.netns, exe, ...args];
    const home = join(tmp, 'sea-home');
    return spawnSync(file, rest, {
      cwd,
      env: { PATH: join(tmp, 'empty-path'), HOME: home, XDG_CACHE_HOME: join(home, '.cache') },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  test('--version prints VERSION with an empty PATH', () => {
    const result = runAlone(['--version'], tmp);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(VERSION);
  });

  test('inspect in a workspace gives what the bundle gives', () => {
    const workspace = mkdtempSync(join(tmp, 'sea-workspace-'));
    cpSync(join(site, 'examples', 'projects'), join(workspace, 'projects'), { recursive: true });
    const result = runAlone(['demo', 'web', 'inspect', '-o', 'yaml'], workspace);
    const viaNode = bastion.run(
      join(site, 'bin', 'v-auto'),
      ['demo', 'web', 'inspect', '-o', 'yaml'],
      workspace,
    );
    expect(result.stdout).toBe(viaNode.stdout);
    expect(result.status).toBe(viaNode.status);
    // The embedded program keeps its V8 code cache where bin/v-auto would, and a run that uses
    // it prints the same.
    expect(
      readdirSync(join(tmp, 'sea-home', '.cache', 'v-auto', 'code-cache')).filter((f) => f.endsWith('.bin')),
    ).toHaveLength(1);
    expect(runAlone(['demo', 'web', 'inspect', '-o', 'yaml'], workspace).stdout).toBe(viaNode.stdout);
  });
});
