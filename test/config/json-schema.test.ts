// The editor schemas (schemas/config.schema.json, spec.schema.json): generated from the validator's
// rules, committed as generated, accepting every example and refusing what v-auto refuses.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { schemaFiles } from '../../lib/config/json-schema.js';
import { checkSource, TOP_LEVEL } from '../../lib/config/rules.js';
import { repoRoot } from '../helpers/workspace.js';

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const schemaOf = (file: 'config' | 'spec') =>
  JSON.parse(readFileSync(path.join(repoRoot, 'schemas', `${file}.schema.json`), 'utf8'));
const validateConfig = ajv.compile<unknown>(schemaOf('config'));
const validateSpec = ajv.compile<unknown>(schemaOf('spec'));

test('the committed schemas are what the rules generate (run npm run schemas after changing lib/config/rules.ts)', () => {
  for (const [name, text] of Object.entries(schemaFiles())) {
    expect([name, readFileSync(path.join(repoRoot, 'schemas', name), 'utf8')]).toEqual([name, text]);
  }
});

test('every setting has a description, shown by editors', () => {
  const { properties } = schemaOf('spec');
  expect(Object.keys(properties).sort()).toEqual(Object.keys(TOP_LEVEL).sort());
  for (const [key, s] of Object.entries(properties as Record<string, { description?: string }>))
    expect([key, typeof s.description]).toEqual([key, 'string']);
});

describe('the examples', () => {
  const demo = path.join(repoRoot, 'examples', 'projects', 'demo');
  const files = [
    path.join(demo, 'config.yaml'),
    ...readdirSync(path.join(demo, 'specs')).map((f) => path.join(demo, 'specs', f)),
  ];
  test.each(files.map((f) => [path.relative(repoRoot, f), f]))(
    '%s is valid and names its schema for the YAML language server',
    (_, file) => {
      const text = readFileSync(file, 'utf8');
      const line = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
      expect(line).not.toBeNull();
      const kind = path.basename(file) === 'config.yaml' ? 'config' : 'spec';
      expect(path.resolve(path.dirname(file), line![1])).toBe(
        path.join(repoRoot, 'schemas', `${kind}.schema.json`),
      );
      const validate = kind === 'config' ? validateConfig : validateSpec;
      expect([validate(parse(text)), validate.errors]).toEqual([true, null]);
    },
  );
});

describe('the hardening corpus', () => {
  const corpus = path.join(repoRoot, 'test', 'hardening', 'corpus');
  /** Cases whose mistake sits in one file and is a matter of type, range, pattern or known keys. */
  const refused = [
    'affinity-list',
    'affinity-string',
    'cidr-invalid-prefix',
    'cidr-not-an-address',
    'computed-variable-set',
    'cpu-negative',
    'image-no-source',
    'image-two-sources',
    'memory-4GB',
    'name-underscore',
    'name-upper-case',
    'namespace-upper-case',
    'replicas-float',
    'replicas-huge',
    'replicas-string',
    'run-strategy-typo',
    'unknown-nested-key',
    'yaml-scalar-config',
    'yaml-top-level-list',
  ];
  /** What a schema of one file cannot say, by reason; v-auto refuses these with its own checks. */
  const beyond: Record<string, string[]> = {
    'not YAML a parser reads (syntax, tabs, duplicate keys, too many aliases)': [
      'yaml-bad-indent',
      'yaml-duplicate-key',
      'yaml-duplicate-key-config',
      'yaml-many-aliases',
      'yaml-nested-compact',
      'yaml-tab-indent',
      'yaml-unclosed-flow',
      'yaml-unclosed-quote',
    ],
    'a YAML tag or a number that does not print back as written': [
      'yaml-tag-binary',
      'yaml-tag-omap',
      'yaml-tag-set',
      'yaml-number-label-version',
      'yaml-number-node-selector',
      'yaml-number-password',
    ],
    'the command line, the environment or the folders': [
      'cli-number-like-project',
      'cli-replicas-fraction',
      'cli-replicas-huge',
      'cli-replicas-zero',
      'cli-request-timeout-huge',
      'cli-set-empty-input',
      'cli-set-proto',
      'cli-set-without-value',
      'cli-unknown-flag',
      'env-reference-empty',
      'env-reference-unset',
      'project-missing',
      'spec-missing',
      'spec-named-yml',
      'spec-empty',
      'spec-comments-only',
    ],
    'templates: what they use and what they render': [
      'cloud-init-root-input',
      'cloud-init-unknown-variable',
      'network-data-empty',
      'template-builtin-log',
      'template-builtin-lookup',
      'template-invalid-yaml',
      'template-syntax-error',
      'template-unknown-helper',
    ],
    'several files or the merged settings (the catalog, a required image, addresses)': [
      'cidr-slash-31',
      'gateway-collides',
      'gateway-outside-subnet',
      'image-missing',
      'network-constructor',
      'network-not-in-catalog',
      'networks-list-not-in-catalog',
      'offset-overflows-subnet',
      'pod-network-with-bridge',
      'name-too-long-suffixed',
      'key-valueOf',
      'unknown-key-did-you-mean',
      'affinity-deep',
    ],
  };

  /** Whether the schemas refuse some file of the case; undefined when a file is no YAML a parser reads. */
  function verdict(name: string): boolean | undefined {
    const files: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name.endsWith('.yaml')) files.push(path.join(dir, e.name));
      }
    };
    walk(path.join(corpus, name, 'projects'));
    let refusedSome = false;
    for (const file of files) {
      let data: unknown;
      try {
        data = parse(readFileSync(file, 'utf8'), { uniqueKeys: true });
      } catch {
        return undefined;
      }
      const validate = path.basename(file) === 'config.yaml' ? validateConfig : validateSpec;
      if (data !== null && !validate(data)) refusedSome = true;
    }
    return refusedSome;
  }

  test('every case is either refused by the schemas or listed with the reason a schema cannot', () => {
    const listed = [...refused, ...Object.values(beyond).flat()].sort();
    expect(listed).toEqual(readdirSync(corpus).sort());
  });

  test.each(refused)('%s is refused', (name) => {
    expect(verdict(name)).toBe(true);
  });

  test.each(Object.values(beyond).flat())('%s passes the schemas (v-auto itself refuses it)', (name) => {
    expect(verdict(name)).not.toBe(true);
  });
});

describe('schema and validator agree, value by value', () => {
  const samples: Record<string, unknown[]> = {
    namespace: ['vm-demo', 'VM', 'a_b', '', 7],
    name_prefix: ['web', 'Web', '-web'],
    replicas: [1, 1000, 0, 1001, 1.5, '2'],
    cpu: [1, 512, 0, 513, '4'],
    memory: ['4Gi', '512Mi', '1.5Gi', '4GB', 4096, ''],
    cpu_topology: ['cores', 'sockets', 'Cores'],
    instancetype: [
      'u1.medium',
      { name: 'u1.small', kind: 'VirtualMachineInstancetype' },
      { name: 'x', kind: 'Other' },
      { kind: 'VirtualMachineInstancetype' },
      'U1',
      3,
    ],
    eviction_strategy: ['LiveMigrate', 'None', 'live'],
    image: [
      { url: 'https://x/y.img' },
      { registry: 'docker://q/img' },
      { pvc: { namespace: 'os', name: 'rhel' } },
      { url: 'ftp://x' },
      { url: 'https://x', registry: 'docker://y' },
      {},
      'http://x/y.img',
      { pvc: { namespace: 'os' } },
      { url: 'https://x', tag: 1 },
    ],
    image_url: ['http://x/y', 'x/y'],
    access_mode: ['ReadWriteMany', 'RWX'],
    networks: [
      ['lan', { name: 'lan', offset: 120 }, 'Lan'],
      ['lan'],
      [{ name: 'lan', offset: 0 }],
      [{ offset: 5 }],
      {
        lan: {
          nad_name: 'lan',
          bridge: 'br0',
          vlan: 10,
          ipam: {
            range: '10.0.0.0/24',
            gateway: '10.0.0.1',
            dns: ['10.0.0.53'],
            offset: 101,
            reserved: ['10.0.0.150'],
          },
        },
      },
      { lan: { nad_name: 'lan', ipam: { range: '10.0.0.0/33' } } },
      { lan: { ipam: { range: '10.0.0.0/24', gateway: 'router' } } },
      { lan: { ipam: { dns: '10.0.0.53' } } },
      { lan: { ipam: { dns: '10.0.0.53,10.0.0.54' } } },
      { lan: { ipam: { rnage: '10.0.0.0/24' } } },
      { lan: { ipam: { mode: 'cloud-init' } } },
      { lan: { ipam: { mode: 'dhcp' } } },
      { lan: { vlan: 5000 } },
      { pod: { type: 'pod' } },
      { pod: { type: 'pod', bridge: 'br0' } },
      { pod: { type: 'host' } },
      { Lan: { nad_name: 'lan' } },
      'lan',
    ],
    network: ['lan', 'LAN'],
    node_selector: [
      { zone: 'core' },
      { 'node-role.kubernetes.io/worker': '' },
      { zone: 'a b' },
      { 'bad key!': 'x' },
      { zone: { nested: 1 } },
      ['zone'],
    ],
    labels: [{ tier: 'web' }, { tier: 'x'.repeat(64) }],
    annotations: [{ note: 'any text at all' }, { note: ['x'] }],
    affinity: [{ nodeAffinity: {} }, ['x']],
    tolerations: [[{ key: 'k' }], { key: 'k' }],
    run_strategy: ['Always', 'always'],
    generate_network_data: [true, false, 'no'],
    cloud_init: ['#cloud-config\n', { users: [] }, 3, ['x']],
  };
  const cases = Object.entries(samples).flatMap(([key, values]) =>
    values.map((value) => [key, JSON.stringify(value), value] as const),
  );
  test.each(cases)('%s: %s', (key, _, value) => {
    const byValidator = checkSource({ [key]: value }, new Set()).length === 0;
    expect([key, value, validateSpec({ [key]: value })]).toEqual([key, value, byValidator]);
  });

  test('a key no setting knows is a template variable for both (v-auto then asks whether a template uses it); a computed one is refused', () => {
    expect(validateSpec({ password: 'x', site_code: 7 })).toBe(true);
    expect(validateSpec({ vm_name: 'x' })).toBe(false);
  });

  test('any value may be an env: reference, read at run time', () => {
    expect(validateSpec({ replicas: 'env:WEB_REPLICAS', image: { url: 'env:IMAGE_URL' } })).toBe(true);
    expect(validateSpec({ replicas: 'env:' })).toBe(false);
  });
});
