// cloud-init's schema, as v-auto checks it before anything is sent: every corpus entry judged as
// cloud-init 22.4.2 judged it (test/helpers/cloud-config-corpus.ts; the real cloud-init compares in
// cloud-config-differential.test.ts), and what a refusal and a deprecation look like to the user.
import { load } from 'js-yaml';
import { checkCloudConfig, PYYAML_SCHEMA } from '../../lib/render/cloud-config-schema.js';
import { compileCloudInit } from '../../lib/render/cloud-init.js';
import { ExitCode } from '../../lib/errors.js';
import { CORPUS } from '../helpers/cloud-config-corpus.js';
import { capture } from '../helpers/fake-cluster.js';
import { inspectPrinted } from '../helpers/inspect.js';
import {
  asyncErrorOf,
  errorOf,
  IMAGE,
  LAN,
  renderFor,
  repoRoot,
  tempDir,
  writeWorkspace,
} from '../helpers/workspace.js';

const judge = (body: string) =>
  checkCloudConfig(load(`#cloud-config\n${body}`, { schema: PYYAML_SCHEMA }) as Record<string, unknown>);

test.each(CORPUS.map((e) => [e.name, e] as const))('%s', (_name, e) => {
  const { errors, warnings } = judge(e.body);
  // Refused where cloud-init 22.4.2 refuses, except what a later cloud-init accepts or its module applies.
  expect(errors.length > 0).toBe(Boolean(e.refused) && !e.later && !e.applied);
  // Warned where cloud-init reports a deprecation, about an unknown top-level key, and where only its schema refuses.
  if (!errors.length) expect(warnings.length > 0).toBe(Boolean(e.deprecated || e.unknownKey || e.applied));
});

test('YAML read as PyYAML reads it: yes/no/on/off and their case forms are booleans, quoted ones text', () => {
  const doc = load('a: no\nb: Yes\nc: OFF\nd: "no"\ne: True\nf: y\n', { schema: PYYAML_SCHEMA });
  expect(doc).toEqual({ a: false, b: true, c: false, d: 'no', e: true, f: 'y' });
});

const CATALOG = { networks: { lan: LAN } };
const spec = (cloudInit: string) =>
  `image_url: ${IMAGE.image_url}\nnetwork: lan\ncloud_init: |\n${cloudInit
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;

describe('a #cloud-config cloud-init refuses', () => {
  const text = [
    '#cloud-config',
    'users:',
    '  - name: ops',
    '    passwd: "{{ password }}"',
    '    lock_passwd: "{{ lock }}"',
    'runcmd: echo {{ password }}',
    'chpasswd:',
    '  "{{ password }}": true',
  ].join('\n');

  test('is exit 2 naming the spec, the instance and each key path, never a value', () => {
    const err = errorOf(() =>
      renderFor({ config: CATALOG, spec: spec(text) }, { inputs: { password: 'S3cret!pw', lock: 'no' } }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      "spec web: cloud_init: cloud-init's schema refuses the #cloud-config rendered for web-01: " +
        'users.0.lock_passwd is a string, where cloud-init wants true/false; ' +
        'runcmd is a string, where cloud-init wants a list; ' +
        'chpasswd.<not shown> is not a key cloud-init knows here',
    );
    expect(err.hint).toMatch(/fix the template/);
    expect(`${err.message} ${err.hint}`).not.toContain('S3cret');
  });

  test('a text template with lock_passwd: no (a boolean to cloud-init) is accepted', () => {
    expect(() =>
      renderFor({ config: CATALOG, spec: spec('#cloud-config\nusers:\n  - name: ops\n    lock_passwd: no') }),
    ).not.toThrow();
  });

  test('a script (#!) is not a cloud-config: not checked', () => {
    expect(() => renderFor({ config: CATALOG, spec: spec('#!/bin/sh\nruncmd: ls') })).not.toThrow();
  });
});

describe('a deprecated key', () => {
  const { plan } = renderFor({
    config: CATALOG,
    spec: spec('#cloud-config\nssh_pwauth: "yes"\napt_update: true'),
  });

  test('is a warning, once for all instances, and the user-data renders', () => {
    const renderer = compileCloudInit({ ...plan, instances: plan.instances }, 'spec web');
    renderer.render(plan.instances[0], {});
    renderer.render({ ...plan.instances[0], name: 'web-02' }, {});
    expect(renderer.warnings).toEqual([
      'spec web: cloud_init: ssh_pwauth is deprecated in cloud-init: write true or false',
      'spec web: cloud_init: apt_update is deprecated in cloud-init: write package_update',
    ]);
  });

  test('inspect prints it as a warning and exits 0', async () => {
    const home = writeWorkspace(tempDir(), {
      config: CATALOG,
      specs: { web: spec('#cloud-config\nhostname: "{{ vm_name }}"\napt_upgrade: true') },
    });
    const output = capture();
    const code = await inspectPrinted(
      { home, project: 'demo', spec: 'web', sets: [], output: 'table', showSecrets: false },
      { toolRoot: repoRoot, env: {}, output },
    );
    expect(code).toBe(ExitCode.OK);
    expect(output.stderr).toContain(
      'v-auto: warning: projects/demo/specs/web.yaml: cloud_init: apt_upgrade is deprecated in cloud-init: write package_upgrade\n',
    );
  });

  test('a refused one stops inspect with exit 2 before anything is printed', async () => {
    const home = writeWorkspace(tempDir(), {
      config: CATALOG,
      specs: { web: spec('#cloud-config\ntimezone: true') },
    });
    const output = capture();
    const err = await asyncErrorOf(() =>
      inspectPrinted(
        { home, project: 'demo', spec: 'web', sets: [], output: 'table', showSecrets: false },
        { toolRoot: repoRoot, env: {}, output },
      ),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(
      /^projects\/demo\/specs\/web\.yaml: cloud_init: .* web-01: timezone is true\/false, where cloud-init wants a string$/,
    );
    expect(output.stdout).toBe('');
  });
});
