import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { prepareManifests, prepareSettings } from '../../lib/pipeline/prepare-manifests.js';
import { ExitCode } from '../../lib/errors.js';
import { planInstances } from '../../lib/plan/plan-instances.js';
import {
  cloudInitWarnings,
  compileCloudInit,
  networkDataMayHoldSecrets,
} from '../../lib/render/cloud-init.js';
import { compileTemplates, renderManifests } from '../../lib/render/render-manifests.js';
import { deriveSalt, sha512Crypt } from '../../lib/render/sha512-crypt.js';
import {
  asyncErrorOf,
  errorOf,
  builtinTemplates,
  IMAGE,
  LAN,
  named,
  renderFor,
  repoRoot,
  secretText,
  settingsFor,
  tempDir,
  writeWorkspace,
  type SettingsFor,
} from '../helpers/workspace.js';

const CONFIG = {
  networks: { lan: LAN, office: { nad_name: 'office', bridge: 'br-office' }, pod: { type: 'pod' } },
};
const userdata = (
  spec: Record<string, unknown>,
  options: Parameters<typeof renderFor>[1] = {},
  name = 'web-01',
) =>
  secretText(
    named(
      renderFor({ config: CONFIG, spec: { ...IMAGE, ...spec } }, options).manifests,
      'Secret',
      `${name}-cloud-init`,
    ),
    'userdata',
  );

const openssl = (password: string, salt: string) =>
  execFileSync('openssl', ['passwd', '-6', '-salt', salt, password], { encoding: 'utf8' }).trim();

describe('cloud-init variables', () => {
  test('the default user-data sets the hostname', () => {
    expect(userdata({})).toBe('#cloud-config\nhostname: web-01\n');
  });

  test('every documented variable, written with and without spaces', () => {
    const template = [
      '#cloud-config',
      'a: {{ vm_name }} {{index}} {{ project }} {{ spec }} {{ namespace }}',
      'b: {{ static_ip }} {{ ip }} {{ prefix_length }} {{ netmask }} {{ gateway_ip }}',
      'c: {{#each dns_servers}}{{this}};{{/each}} {{ interface_name }}',
      'd: {{#each interfaces}}{{name}}={{interface_name}}/{{nad}}/{{static_ip}};{{/each}}',
      'e: {{ admin_user }} {{ cpu }} {{ memory }} {{ node_selector.zone }}',
      '',
    ].join('\n');
    const spec = {
      networks: ['office', 'lan', 'pod'],
      replicas: 2,
      admin_user: 'ops',
      node_selector: { zone: 'core' },
      cloud_init: template,
    };
    expect(userdata(spec, {}, 'web-02').split('\n')).toEqual([
      '#cloud-config',
      'a: web-02 2 demo web vm-demo',
      'b: 10.215.100.102/24 10.215.100.102 24 255.255.255.0 10.215.100.1',
      'c: 10.215.100.53; enp2s0',
      'd: office=enp1s0/office/;lan=enp2s0/web-02-lan/10.215.100.102/24;pod=enp3s0//;',
      'e: ops 2 4Gi core',
      '',
    ]);
  });

  test('a map cloud_init is written out under #cloud-config with its strings rendered', () => {
    const text = userdata({
      network: 'lan',
      cloud_init: {
        hostname: '{{ vm_name }}',
        packages: ['nginx'],
        runcmd: [['echo', '{{ static_ip }}']],
        ssh_pwauth: false,
      },
    });
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(parse(text)).toEqual({
      hostname: 'web-01',
      packages: ['nginx'],
      runcmd: [['echo', '10.215.100.101/24']],
      ssh_pwauth: false,
    });
  });

  test('a template syntax error names the spec and line', () => {
    expect(() => userdata({ cloud_init: '#cloud-config\nhostname: {{ vm_name }\n' })).toThrow(
      /^spec web: cloud_init:2: template syntax error/,
    );
  });
});

describe('hash_password', () => {
  const salt = deriveSalt('vm-demo', 'web', 'password');

  test.each([
    ['secret', 'saltsaltsaltsalt'],
    ['0123', 'abc'],
    ['pässwörd with spaces and "quotes"', 'x./Y9'],
    ['a'.repeat(80), salt],
  ])('sha512Crypt(%j, %j) equals openssl passwd -6', (password, s) => {
    expect(sha512Crypt(password, s)).toBe(openssl(password, s));
  });

  test('the Secret holds the same hash openssl computes with the derived salt', () => {
    const text = userdata(
      { cloud_init: '#cloud-config\npasswd: "{{hash_password password}}"\n' },
      { inputs: { password: 'S3cret!' } },
    );
    expect(salt).toMatch(/^[./0-9A-Za-z]{16}$/);
    expect(text).toBe(`#cloud-config\npasswd: "${openssl('S3cret!', salt)}"\n`);
  });

  test('stable across runs; one salt per namespace, spec and variable, never from the password', () => {
    const spec = {
      replicas: 2,
      cloud_init: '#cloud-config\na: {{hash_password password}}\nb: {{hash_password other}}\n',
    };
    const hashes = (name: string, password = 'pw', more: Partial<SettingsFor> = {}) =>
      Object.fromEntries(
        secretText(
          named(
            renderFor(
              { config: CONFIG, spec: { ...IMAGE, ...spec }, ...more },
              { inputs: { password, other: password } },
            ).manifests,
            'Secret',
            `${name}-cloud-init`,
          ),
          'userdata',
        )
          .split('\n')
          .slice(1, 3)
          .map((l) => [l[0], l.slice(3)]),
      );
    const first = hashes('web-01');
    expect(hashes('web-01')).toEqual(first);
    const saltOf = (h: string) => h.split('$')[2];
    expect(saltOf(first.a)).toBe(salt);
    expect(saltOf(first.b)).toBe(deriveSalt('vm-demo', 'web', 'other'));
    expect(saltOf(first.b)).not.toBe(saltOf(first.a));
    // The instances of a spec share the password by construction, and so the hash.
    expect(hashes('web-02')).toEqual(first);
    expect(saltOf(hashes('web-01', 'another').a)).toBe(salt);
    expect(saltOf(hashes('db-01', 'pw', { specName: 'db' }).a)).toBe(deriveSalt('vm-demo', 'db', 'password'));
    expect(saltOf(hashes('web-01', 'pw', { config: { ...CONFIG, namespace: 'vm-other' } }).a)).toBe(
      deriveSalt('vm-other', 'web', 'password'),
    );
  });

  test.each([
    ['one variable', '{{hash_password password}}', 1],
    ['two variables', '{{hash_password password}} {{hash_password other}}', 2],
    ['the same variable twice', '{{hash_password password}} {{hash_password password}}', 1],
    ['a value that differs per instance', '{{hash_password vm_name}}', 5],
  ])('a deploy computes each hash once for all instances: %s', (_, line, computed) => {
    const plan = planInstances(
      settingsFor({
        config: CONFIG,
        spec: { ...IMAGE, replicas: 5, cloud_init: `#cloud-config\nx: ${line}\n` },
      }),
      {},
    );
    const memo = new Map<string, string>();
    const renderer = compileCloudInit(plan, 'spec web', memo);
    const texts = plan.instances.map((i) => renderer.render(i, { password: 'pw', other: 'pw2' }).userdata);
    expect(memo.size).toBe(computed);
    expect(new Set(texts).size).toBe(computed === 5 ? 5 : 1);
    const [hash] = /\$6\$[^ \n]+/.exec(texts[4])!;
    expect(hash).toBe(
      openssl(
        computed === 5 ? 'web-05' : 'pw',
        deriveSalt('vm-demo', 'web', computed === 5 ? 'vm_name' : 'password'),
      ),
    );
  });

  test('renders of parts of one plan (the first instance, then the rest) share one compiled cloud-init and its hashes', () => {
    const plan = planInstances(
      settingsFor({
        config: CONFIG,
        spec: { ...IMAGE, replicas: 3, cloud_init: '#cloud-config\nx: {{hash_password password}}\n' },
      }),
      {},
    );
    const memo = new Map<string, string>();
    const cloudInit = compileCloudInit(plan, 'spec web', memo);
    const templates = compileTemplates(builtinTemplates(), {});
    const parts = [plan.instances.slice(0, 1), plan.instances.slice(1)].map((instances) =>
      renderManifests({ ...plan, instances }, templates, { password: 'pw' }, 'spec web', { cloudInit }),
    );
    expect(memo.size).toBe(1);
    expect(
      parts
        .flat()
        .filter((m) => m.kind === 'Secret')
        .map((m) => m.metadata.name),
    ).toEqual(['web-01-cloud-init', 'web-02-cloud-init', 'web-03-cloud-init']);
  });
});

describe('inputs: variables no configuration defines', () => {
  const home = writeWorkspace(tempDir(), {
    specs: {
      web: {
        ...IMAGE,
        cloud_init: '#cloud-config\npasswd: {{hash_password password}}\nkey: {{ api_key }}\n',
      },
    },
  });
  const options = { home, project: 'demo', spec: 'web', sets: [] as string[] };
  const deps = (env: Record<string, string>, promptSecret?: (q: string) => Promise<string>) => ({
    toolRoot: repoRoot,
    env,
    promptSecret,
  });

  test('without a TTY: exit 2 naming the variable and both ways to give it', async () => {
    const err = await asyncErrorOf(() => prepareManifests(options, deps({ V_AUTO_API_KEY: 'k' })));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'cloud-init variable "password" has no value and there is no terminal to ask for it',
    );
    expect(err.hint).toBe(
      'set the environment variable V_AUTO_PASSWORD, or run on a terminal to be asked for it',
    );
  });

  test('from the environment (V_AUTO_<NAME>), from --set, and from a prompt', async () => {
    const fromEnv = await prepareManifests(options, deps({ V_AUTO_PASSWORD: 'pw', V_AUTO_API_KEY: '0042' }));
    const text = secretText(named(fromEnv.manifests, 'Secret', 'web-01-cloud-init'), 'userdata');
    expect(text).toBe(
      `#cloud-config\npasswd: ${openssl('pw', deriveSalt('vm-demo', 'web', 'password'))}\nkey: 0042\n`,
    );
    expect(fromEnv.inputs).toEqual({ password: 'pw', api_key: '0042' });

    const fromSet = await prepareManifests({ ...options, sets: ['password=pw', 'api_key=0042'] }, deps({}));
    expect(fromSet.manifests).toEqual(fromEnv.manifests);
    expect(fromSet.inputs).toEqual({});

    const asked: string[] = [];
    const fromPrompt = await prepareManifests(
      options,
      deps({}, async (v) => (asked.push(v), v === 'password' ? 'pw' : '0042')),
    );
    expect(asked).toEqual(['password', 'api_key']);
    expect(fromPrompt.manifests).toEqual(fromEnv.manifests);
  });

  test('inspect placeholders: nothing asked, nothing missing', async () => {
    const prepared = await prepareManifests(options, deps({ V_AUTO_API_KEY: 'k' }), { placeholders: true });
    expect(prepared.placeholders).toEqual(['password']);
    expect(prepared.inputs).toEqual({ api_key: 'k' });
  });
});

describe('inputs that are present but wrong', () => {
  const spec = {
    ...IMAGE,
    password: 'env:WEB_PW',
    cloud_init: 'passwd: {{hash_password password}}\nkey: {{ api_key }}\n',
  };
  const home = writeWorkspace(tempDir(), { specs: { web: spec } });
  const options = { home, project: 'demo', spec: 'web', sets: [] as string[] };

  test('an empty V_AUTO_<NAME> is refused, never hashed', async () => {
    const err = await asyncErrorOf(() =>
      prepareManifests(options, { toolRoot: repoRoot, env: { WEB_PW: 'pw', V_AUTO_API_KEY: '' } }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe('V_AUTO_API_KEY is set but empty');
  });

  test('an empty env: value is refused with its location before any template runs', async () => {
    const err = await asyncErrorOf(() =>
      prepareManifests(options, { toolRoot: repoRoot, env: { WEB_PW: '', V_AUTO_API_KEY: 'k' } }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'projects/demo/specs/web.yaml:2: password: environment variable WEB_PW is set but empty',
    );
  });

  test('an unset env: reference of a template variable fails the render with its location, not the settings', async () => {
    // status and delete only need settings: they work without the password.
    expect(prepareSettings(options, { toolRoot: repoRoot, env: {} }).settings.unsetEnv.password).toBe(
      'projects/demo/specs/web.yaml:2: password: environment variable WEB_PW is not set',
    );
    const err = await asyncErrorOf(() =>
      prepareManifests(options, { toolRoot: repoRoot, env: { V_AUTO_API_KEY: 'k' } }),
    );
    expect(err.message).toBe(
      'projects/demo/specs/web.yaml:2: password: environment variable WEB_PW is not set',
    );
  });
});

describe('a text cloud_init must start with a header cloud-init reads', () => {
  const warnings = (cloudInit: unknown) =>
    cloudInitWarnings(
      planInstances(settingsFor({ spec: { ...IMAGE, cloud_init: cloudInit } as SettingsFor['spec'] })),
    );
  test.each([
    ['#cloud-config\nhostname: x\n'],
    ['#!/bin/sh\necho hi\n'],
    ['Content-Type: multipart/mixed; boundary="b"\n'],
    [{ hostname: '{{ vm_name }}' }],
  ])('%j: no warning', (cloudInit) => {
    expect(warnings(cloudInit)).toEqual([]);
  });

  test.each([
    ['hostname: x\nusers: []\n', '"hostname: x"'],
    ['\n#cloud-config\n', '""'],
    ['# cloud-config\n', '"# cloud-config"'],
  ])('%j: a warning naming its first line', (cloudInit, first) => {
    expect(warnings(cloudInit)).toEqual([
      `cloud_init does not start with #cloud-config (its first line is ${first}): cloud-init ignores user-data without a header it knows, so the VM would boot without this configuration; make #cloud-config its first line, or write cloud_init as a map`,
    ]);
  });

  test('inspect prints it as a warning on stderr', async () => {
    const home = tempDir();
    writeWorkspace(home, { specs: { web: { ...IMAGE, cloud_init: 'hostname: x\n' } } });
    const { inspectPrinted } = await import('../helpers/inspect.js');
    const err: string[] = [];
    await inspectPrinted(
      { home, project: 'demo', spec: 'web', sets: [], output: 'yaml', showSecrets: false },
      {
        toolRoot: repoRoot,
        env: {},
        output: { out: () => undefined, err: (t) => void err.push(t), isTTY: false, color: false },
      },
    );
    expect(err.join('')).toContain('v-auto: warning: cloud_init does not start with #cloud-config');
  });
});

describe('a template that reads a field of a value never quotes the value', () => {
  // Handlebars' strict lookup builds its message from the value it searched (`Cannot use 'in'
  // operator to search for 'hash' in <the password>`, `"x" not defined in <a list's items>`).
  const PASSWORD = 'Pw-3x4mpl3-never-shown';
  test.each([
    ['a field of text', 'passwd: "{{password.hash}}"', /:2: password is text; it has no field "hash"$/],
    ['an index of text', 'passwd: "{{password.[0]}}"', /:2: password is text; it has no field "0"$/],
    [
      'a name inside a with block on text',
      'a: 1\npasswd: "{{#with password}}{{x}}{{/with}}"',
      /:3: "x" is not defined here: the block's value is text$/,
    ],
    [
      'a field of a list',
      'dns: "{{dns_servers.first}}"',
      /:2: dns_servers is a list; it has no field "first"$/,
    ],
    ['a field of a map', 'x: "{{interfaces.[0].nmae}}"', /:2: interfaces\.0 has no field "nmae"$/],
    ['a field of null', 'x: "{{gateway_ip.a.b}}"', /:2: gateway_ip\.a is empty; it has no field "b"$/],
  ])('%s: the error names the path and the line, never the value', (_what, line, message) => {
    const err = errorOf(() =>
      userdata(
        { network: 'lan', cloud_init: `#cloud-config\n${line}\n` },
        { inputs: { password: PASSWORD } },
      ),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain(PASSWORD);
    expect(err.message).toMatch(/^spec web: cloud_init/);
    expect(err.message).toMatch(message);
  });
});

describe('whether a network-config may hold a secret (then no plan or diff shows it)', () => {
  test.each<[string, unknown, boolean]>([
    ['none: v-auto generates it', undefined, false],
    [
      'only an instance’s own variables',
      'ethernets:\n  eth0:\n    addresses: [{{ ip }}/{{ prefix_length }}]\n',
      false,
    ],
    ['a map reading only interfaces', { version: 2, note: '{{#each interfaces}}{{name}}{{/each}}' }, false],
    [
      'an input (an 802.1x password)',
      'ethernets:\n  eth0:\n    auth: {password: "{{ wifi_password }}"}\n',
      true,
    ],
    ['a variable read from @root inside a block', '{{#each interfaces}}{{@root.psk}}{{/each}}', true],
    ['a map value reading a variable', { ethernets: { eth0: { auth: { password: '{{ pw }}' } } } }, true],
  ])('%s', (_, networkData, holds) => {
    expect(networkDataMayHoldSecrets(networkData)).toBe(holds);
  });
});
