// What cloud-init would drop or misread, refused or corrected before anything is sent: YAML 1.1
// booleans in maps, templates in map keys, rendered user-data that is no YAML, objects too large.
// `cloud-init schema` (the real one) judges the rendered user-data where it is installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { ExitCode } from '../../lib/errors.js';
import { assertSizeLimits, MAX_ANNOTATION_BYTES } from '../../lib/render/size-limits.js';
import { errorOf, IMAGE, LAN, named, renderFor, secretText } from '../helpers/workspace.js';

const CATALOG = { networks: { lan: LAN } };
const userdata = (spec: string, inputs: Record<string, unknown> = {}) =>
  secretText(
    named(
      renderFor({ config: CATALOG, spec: `image_url: ${IMAGE.image_url}\n${spec}` }, { inputs }).manifests,
      'Secret',
      'web-01-cloud-init',
    ),
    'userdata',
  );

const cloudInit = spawnSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' }).stdout.trim();
/** `cloud-init schema` on one user-data: its exit code and what it said. */
function schema(text: string): { code: number | null; out: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-schema-'));
  try {
    writeFileSync(path.join(dir, 'user-data'), text);
    const r = spawnSync(cloudInit, ['schema', '--config-file', path.join(dir, 'user-data')], {
      encoding: 'utf8',
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const withCloudInit = cloudInit || process.env.CI ? test : test.skip;

describe('YAML 1.1 booleans in a cloud_init map', () => {
  const spec = [
    'cloud_init:',
    '  users:',
    '    - name: ops',
    '      lock_passwd: no',
    '  ssh_pwauth: yes',
    '  package_upgrade: on',
    '  write_files:',
    '    - path: /etc/answer',
    '      content: "no"',
  ].join('\n');

  test('are written as the booleans cloud-init (PyYAML) reads them as; a quoted one stays text', () => {
    const doc = load(userdata(spec)) as any;
    expect(doc.users[0].lock_passwd).toBe(false);
    expect(doc.ssh_pwauth).toBe(true);
    expect(doc.package_upgrade).toBe(true);
    expect(doc.write_files[0].content).toBe('no');
  });

  withCloudInit('and cloud-init schema accepts the result', () => {
    const r = schema(userdata(spec));
    expect(r.out).toContain('Valid cloud-config');
    expect(r.code).toBe(0);
  });

  test('y and n (booleans to YAML 1.1, strings to PyYAML) are exit 2 saying what to write', () => {
    const err = errorOf(() => userdata('cloud_init:\n  ssh_pwauth: y\n'));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'projects/demo/specs/web.yaml:3: cloud_init.ssh_pwauth: y is a boolean to YAML 1.1 and a string to cloud-init\'s parser: write true/false (or quote it, "y", for the letter)',
    );
  });
});

describe('templates in map keys', () => {
  test('a network_data map key is rendered like its values', () => {
    const { manifests } = renderFor({
      config: CATALOG,
      spec: `image_url: ${IMAGE.image_url}\nnetwork: lan\nnetwork_data:\n  version: 2\n  ethernets:\n    "{{ name_of_nic }}":\n      match: {macaddress: "{{ mac_address }}"}\n      addresses: ["{{ static_ip }}"]\nname_of_nic: uplink\n`,
    });
    const doc = load(secretText(named(manifests, 'Secret', 'web-01-cloud-init'), 'networkdata')) as any;
    expect(Object.keys(doc.ethernets)).toEqual(['uplink']);
    expect(doc.ethernets.uplink.addresses).toEqual(['10.215.100.101/24']);
  });

  test('a key that renders empty is exit 2', () => {
    const err = errorOf(() =>
      renderFor({
        config: CATALOG,
        spec: `image_url: ${IMAGE.image_url}\nnetwork_data:\n  version: 2\n  "{{ nic }}": {}\nnic: ""\n`,
      }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe('spec web: network_data: the key "{{ nic }}" renders empty');
  });
});

describe('rendered user-data that is not YAML', () => {
  const broken = 'cloud_init: |\n  #cloud-config\n  hostname {{ vm_name }}\n  users:\n    - name: ops\n';
  test('is exit 2 naming the spec, the instance and the rendered line', () => {
    const err = errorOf(() => userdata(broken));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(
      /^spec web: cloud_init: renders invalid YAML for web-01 \(rendered line \d+: "[^"]+"\): /,
    );
  });

  test('a line holding an input is never quoted', () => {
    const err = errorOf(() =>
      userdata('cloud_init: |\n  #cloud-config\n  password: {{ password }}: oops\n  users: []\n', {
        password: 'S3cret!pw',
      }),
    );
    expect(err.message).toMatch(/rendered line \d+, not shown: it may hold a secret/);
    expect(err.message).not.toContain('S3cret!pw');
  });

  withCloudInit('cloud-init itself refuses what is refused here', () => {
    const text = '#cloud-config\nhostname web-01\nusers:\n  - name: ops\n';
    expect(schema(text).code).not.toBe(0);
  });
});

describe('size limits', () => {
  test('user-data past the annotation limit (kubectl apply records the object) is exit 2 naming the Secret', () => {
    const big = 'x'.repeat(MAX_ANNOTATION_BYTES);
    const err = errorOf(() =>
      userdata(`cloud_init:\n  write_files:\n    - path: /big\n      content: "${big}"\n`),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(
      /^Secret web-01-cloud-init: kubectl apply would record it in its kubectl\.kubernetes\.io\/last-applied-configuration annotation, \d+ bytes of annotations, more than an object may have \(262144 bytes, 256 KiB\)$/,
    );
  });

  test('a Secret whose values pass 1 MiB is exit 2 before the annotation is even counted', () => {
    const data = { userdata: Buffer.alloc(1024 * 1024 + 1, 'a').toString('base64') };
    const err = errorOf(() =>
      assertSizeLimits([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data }]),
    );
    expect(err.message).toBe(
      'Secret s: its values hold 1048577 bytes, more than a Secret may (1048576 bytes, 1 MiB)',
    );
  });

  test('an ordinary spec is well within both', () => {
    expect(() => userdata('cloud_init:\n  hostname: "{{ vm_name }}"\n')).not.toThrow();
  });
});
