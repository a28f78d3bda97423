import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { InspectOptions } from '../../lib/commands/inspect.js';
import { inspectPrinted } from '../helpers/inspect.js';
import type { Output } from '../../lib/report/output.js';
import { IMAGE, repoRoot, tempDir, writeWorkspace } from '../helpers/workspace.js';

const examples = path.join(repoRoot, 'examples');

/** Runs the inspect action on the bundled examples, capturing what it prints. */
async function inspectExamples(
  spec: string,
  options: Partial<InspectOptions & { output: 'table' | 'yaml' | 'json' }> = {},
  env: Record<string, string> = {},
) {
  let out = '';
  const output: Output = {
    out: (t) => void (out += t),
    err: (t) => void (out += `[stderr] ${t}`),
    isTTY: false,
    color: false,
  };
  const code = await inspectPrinted(
    { home: examples, project: 'demo', spec, sets: [], output: 'table', showSecrets: false, ...options },
    { toolRoot: repoRoot, env, output },
  );
  return { code, out };
}

describe('inspect (action)', () => {
  test('-o yaml: a multi-document stream in apply order with redacted Secret values', async () => {
    const { code, out } = await inspectExamples('web', { output: 'yaml' });
    expect(code).toBe(0);
    const docs = parseAllDocuments(out).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'NetworkAttachmentDefinition/web-01-lan',
      'NetworkAttachmentDefinition/web-02-lan',
      'Secret/web-01-cloud-init',
      'Secret/web-02-cloud-init',
      'DataVolume/web-01-rootdisk',
      'DataVolume/web-02-rootdisk',
      'VirtualMachine/web-01',
      'VirtualMachine/web-02',
    ]);
    for (const secret of docs.filter((d) => d.kind === 'Secret')) {
      expect(Object.keys(secret.data)).toEqual(['userdata', 'networkdata']);
      for (const v of Object.values(secret.data)) expect(v).toBe('<redacted>');
    }
    expect(out).not.toContain('$6$');
  });

  test('-o json: a v1 List', async () => {
    const { out } = await inspectExamples('db', { output: 'json' });
    const list = JSON.parse(out);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(list.items.map((m: any) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'NetworkAttachmentDefinition/office',
      'Secret/db-01-cloud-init',
      'DataVolume/db-01-rootdisk',
      'VirtualMachine/db-01',
    ]);
    expect(list.items[1].data.userdata).toBe('<redacted>');
  });

  test('--show-secrets prints the base64 values', async () => {
    const { out } = await inspectExamples(
      'web',
      { output: 'json', showSecrets: true },
      { V_AUTO_PASSWORD: 'pw' },
    );
    const secret = JSON.parse(out).items.find((m: any) => m.metadata.name === 'web-02-cloud-init');
    const userdata = Buffer.from(secret.data.userdata, 'base64').toString('utf8');
    expect(userdata).toMatch(/^#cloud-config\nhostname: web-02\n/);
    expect(userdata).toMatch(/passwd: "\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}"/);
    expect(userdata).toContain('web-02 (10.215.100.102/24) is managed by v-auto, project demo');
  });

  test('redacted values and the report carry no size: a password inserted in clear would show its length', async () => {
    // 287/294/302 bytes for passwords of 1/8/16 characters, when the size was shown.
    const home = writeWorkspace(tempDir(), {
      specs: {
        web: {
          ...IMAGE,
          cloud_init: '#cloud-config\nchpasswd: {list: "root:{{ password }}"}\nb64: {{base64 password}}\n',
        },
      },
    });
    // stdout and stderr (the warnings: chpasswd.list is deprecated, b64 is no cloud-config key).
    const run = async (password: string, output: 'json' | 'table') => {
      const printed = { out: '', err: '' };
      const sink: Output = {
        out: (t) => void (printed.out += t),
        err: (t) => void (printed.err += t),
        isTTY: false,
        color: false,
      };
      await inspectPrinted(
        { home, project: 'demo', spec: 'web', sets: [], output, showSecrets: false },
        { toolRoot: repoRoot, env: { V_AUTO_PASSWORD: password }, output: sink },
      );
      return printed;
    };
    for (const output of ['json', 'table'] as const) {
      const short = await run('x', output);
      expect(short).toEqual(await run('x'.repeat(16), output));
      expect(`${short.out}${short.err}`).not.toMatch(/\d+ bytes/);
    }
    expect(JSON.parse((await run('x', 'json')).out).items[0].data.userdata).toBe('<redacted>');
  });

  test('--target and --replicas apply', async () => {
    const { out } = await inspectExamples('web', { output: 'json', replicas: 5, target: 'web-04' });
    expect(JSON.parse(out).items.map((m: any) => m.metadata.name)).toEqual([
      'web-04-lan',
      'web-04-cloud-init',
      'web-04-rootdisk',
      'web-04',
    ]);
    expect(JSON.parse(JSON.parse(out).items[0].spec.config).ipam.addresses[0].address).toBe(
      '10.215.100.104/24',
    );
  });

  test('the readable report', async () => {
    const { code, out } = await inspectExamples('web', { sets: ['cpu=4'] });
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual(
      expect.arrayContaining([
        'demo/web → namespace vm-demo: 2 instances of 2',
        '  size:        4 cores, 4Gi memory, 30Gi disk',
        '  overrides:   cpu=4',
        '  inputs:      password (asked at deploy); values are never printed',
        '  web-01    lan=10.215.100.101/24  enp1s0',
        '  web-02    lan=10.215.100.102/24  enp1s0',
        '  8 resources: 2 NetworkAttachmentDefinition, 2 Secret, 2 DataVolume, 2 VirtualMachine (see -o yaml)',
      ]),
    );
  });
});

describe('bin/v-auto (built)', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' });
  }, 120000);

  const cli = (args: string[], env: Record<string, string> = {}) => {
    const { V_AUTO_HOME: _home, V_AUTO_DEBUG: _debug, ...base } = process.env;
    return spawnSync(path.join(repoRoot, 'bin', 'v-auto'), args, {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...base, ...env },
    });
  };

  test('inspect -o yaml exits 0 with the manifests on stdout', () => {
    expect(existsSync(path.join(repoRoot, 'build', 'v-auto.cjs'))).toBe(true);
    const r = cli(['--home', 'examples', 'demo', 'db', 'inspect', '-o', 'yaml']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(parseAllDocuments(r.stdout).map((d) => d.toJS().kind)).toEqual([
      'NetworkAttachmentDefinition',
      'Secret',
      'DataVolume',
      'VirtualMachine',
    ]);
  });

  test.each([
    [
      ['--home', 'examples', 'demo', 'wbe', 'inspect'],
      'v-auto: spec "wbe" not found: no projects/demo/specs/wbe.yaml\nhint: specs in project demo: db, web\n',
    ],
    [
      ['--home', 'examples', 'demo', 'web', 'inspect', '--replicas', '0'],
      'v-auto: --replicas: must be between 1 and 1000, got 0\n',
    ],
    [
      ['--home', 'examples', 'demo', 'web'],
      'v-auto: missing action: give one of deploy, delete, status, inspect, diff, start, stop, restart, addresses\nhint: example: v-auto demo web inspect\n',
    ],
    [
      ['--home', 'examples', 'demo', 'web', 'inspect', '--set', 'cpu=lots'],
      'v-auto: --set: cpu: expected an integer, got "lots"\n',
    ],
  ])('%j exits 2 with one clear line and no stack trace', (args, stderr) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(stderr);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('--show-secrets without a TTY and without the variable exits 2 naming both ways', () => {
    const r = cli(['--home', 'examples', 'demo', 'web', 'inspect', '--show-secrets']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'v-auto: cloud-init variable "password" has no value and there is no terminal to ask for it\nhint: set the environment variable V_AUTO_PASSWORD, or run on a terminal to be asked for it\n',
    );
  });

  test('--version prints the VERSION file', () => {
    expect(cli(['--version']).stdout.trim()).toBe(
      execFileSync('cat', [path.join(repoRoot, 'VERSION')], { encoding: 'utf8' }).trim(),
    );
  });
});
