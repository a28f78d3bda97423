import { loadWorkspace } from '../../lib/config/load-workspace.js';
import { parseYamlSource } from '../../lib/config/yaml-source.js';
import { didYouMean } from '../../lib/config/did-you-mean.js';
import { ExitCode } from '../../lib/errors.js';
import path from 'node:path';
import { errorOf, IMAGE, repoRoot, settingsFor, tempDir, writeWorkspace } from '../helpers/workspace.js';

const SPEC = 'projects/demo/specs/web.yaml';

describe('YAML syntax', () => {
  test.each([
    ['an unclosed flow sequence', 'cpu: 2\nnetworks: [lan\n', /^web\.yaml:\d+:\d+: /],
    [
      'a tab used for indentation',
      'node_selector:\n\tzone: core\n',
      /^web\.yaml:2:1: .*\(indent with spaces, not tabs\)$/,
    ],
    [
      'a duplicate key',
      'cpu: 2\nmemory: 4Gi\ncpu: 4\n',
      /^web\.yaml:3:1: .*\(each key may appear once per mapping\)$/,
    ],
    [
      'a list at the top',
      '- cpu: 2\n',
      /^web\.yaml:1:1: expected a mapping of keys \(key: value\), found a list$/,
    ],
  ])('%s names file:line:col', (_name, text, message) => {
    const err = errorOf(() => parseYamlSource('web.yaml', text));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });

  test.each([
    [
      'a value holding ": "',
      'cpu: 2\nmemory: 4Gi: x\n',
      'web.yaml:2:9: the value of "memory" holds ": " ("4Gi: x"), which YAML reads as a second key on the line',
      'quote the value (memory: "4Gi: x"), or put the second key on a line of its own',
    ],
    [
      'an over-indented key',
      'cpu: 2\n  memory: 4Gi\n',
      'web.yaml:2: "memory" is indented deeper than "cpu" on line 1, so YAML reads it as part of the value of cpu',
      'check the indentation: the keys of one mapping start in the same column (here the first)',
    ],
    [
      'an over-indented key in a nested mapping',
      'node_selector:\n  zone: core\n    rack: r1\n',
      'web.yaml:3: "rack" is indented deeper than "zone" on line 2, so YAML reads it as part of the value of zone',
      'check the indentation: the keys of one mapping start in the same column (here column 3)',
    ],
  ])('%s: no parser jargon, the line to fix and how', (_name, text, message, hint) => {
    const err = errorOf(() => parseYamlSource('web.yaml', text));
    expect([err.message, err.hint]).toEqual([message, hint]);
  });

  test('an empty file is an empty mapping; lineOf finds keys', () => {
    expect(parseYamlSource('c.yaml', '').data).toEqual({});
    const src = parseYamlSource('c.yaml', 'cpu: 2\nnetworks:\n  lan:\n    ipam:\n      range: x\n');
    expect(src.lineOf(['networks', 'lan', 'ipam', 'range'])).toBe(5);
    expect(src.lineOf(['cpu'])).toBe(1);
  });
});

describe('wrong types and unknown keys name file:line and key path', () => {
  test.each([
    ['replicas: three', `${SPEC}:2: replicas: expected an integer, got "three"`],
    ['cpu: -1', `${SPEC}:2: cpu: must be between 1 and 512, got -1`],
    ['memory: 4GB', `${SPEC}:2: memory: "4GB" is not a Kubernetes quantity: write it like 4Gi or 512Mi`],
    ['replcas: 3', `${SPEC}:2: replcas: unknown key (did you mean "replicas"?)`],
    ['affinity: [a, b]', `${SPEC}:2: affinity: expected a mapping (a Kubernetes object), got a list`],
    ['affinity: near-db', `${SPEC}:2: affinity: expected a mapping (a Kubernetes object), got "near-db"`],
    // Kubernetes' own keys are checked offline too, with did-you-mean (k8s.io/api core/v1 Affinity, Toleration).
    [
      'affinity:\n  nodeAffinty: {}',
      `${SPEC}:3: affinity.nodeAffinty: unknown key (did you mean "nodeAffinity"?)`,
    ],
    [
      'affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 100\n        podAfinityTerm: {}',
      `${SPEC}:6: affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAfinityTerm: unknown key (did you mean "podAffinityTerm"?)`,
    ],
    [
      'tolerations:\n  - key: dedicated\n    operater: Equal',
      `${SPEC}:4: tolerations[0].operater: unknown key (did you mean "operator"?)`,
    ],
    [
      'tolerations:\n  - dedicated',
      `${SPEC}:3: tolerations[0]: expected a mapping (a Kubernetes object), got "dedicated"`,
    ],
    [
      'run_strategy: always',
      `${SPEC}:2: run_strategy: expected one of Always, Halted, Manual, RerunOnFailure, Once, got "always" (did you mean "Always"?)`,
    ],
    ['node_selector:\n  zone: [a]', `${SPEC}:3: node_selector.zone: expected a string value, got a list`],
    [
      'name_prefix: Web',
      `${SPEC}:2: name_prefix: "Web" is not a valid name: use lower case letters, digits and "-" (DNS-1123 label)`,
    ],
  ])('%s', (line, message) => {
    const err = errorOf(() => settingsFor({ spec: `image_url: ${IMAGE.image_url}\n${line}\n` }));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });

  test('a misspelt nested key suggests the right one', () => {
    const err = errorOf(() =>
      settingsFor({
        config: 'networks:\n  lan:\n    nad_name: lan\n    bridge: br\n    ipam:\n      rnage: 10.0.0.0/24\n',
        spec: IMAGE,
      }),
    );
    expect(err.message).toBe(
      'projects/demo/config.yaml:6: networks.lan.ipam.rnage: unknown key (did you mean "range"?)',
    );
  });

  test('a spec may refine a catalog entry of config.yaml; required settings are checked on the merge', () => {
    const config = 'networks:\n  lan:\n    nad_name: lan\n';
    expect(
      settingsFor({ config, spec: { ...IMAGE, network: 'lan', networks: undefined } }).catalog.lan.nad_name,
    ).toBe('lan');
    const err = errorOf(() =>
      settingsFor({
        config,
        spec: `${`image_url: ${IMAGE.image_url}`}\nnetworks:\n  lan:\n    ipam:\n      range: 10.0.0.0/24\n`,
      }),
    );
    expect(err.message).toBe(
      `${SPEC}:4: networks.lan.ipam: static addresses need a bridge: add bridge (the node bridge the NAD attaches to)`,
    );
  });

  test.each([
    ['labels', 'app: "web server"'],
    ['node_selector', `zone: ${'z'.repeat(64)}`],
  ])('%s values must be Kubernetes label values', (key, entry) => {
    const err = errorOf(() => settingsFor({ spec: `image_url: ${IMAGE.image_url}\n${key}:\n  ${entry}\n` }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(new RegExp(`^${SPEC}:3: ${key}\\.\\w+: ".*" is not a valid label value`));
  });

  test.each([
    ['labels', 'v-auto/spec: other'],
    ['annotations', 'v-auto/stopped-at: "2026-01-01T00:00:00Z"'],
  ])('%s under v-auto/ are reserved: exit 2, naming the key', (key, entry) => {
    const err = errorOf(() => settingsFor({ spec: `image_url: ${IMAGE.image_url}\n${key}:\n  ${entry}\n` }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(
      new RegExp(
        `^${SPEC}:3: ${key}\\.v-auto/[a-z-]+: "v-auto/[a-z-]+" is reserved: keys under v-auto/ are v-auto's own`,
      ),
    );
  });

  test('every problem is reported, not only the first', () => {
    const err = errorOf(() => settingsFor({ spec: `image_url: ${IMAGE.image_url}\ncpu: 0\nmemory: lots\n` }));
    expect(err.message.split('\n')).toEqual([
      `${SPEC}:2: cpu: must be between 1 and 512, got 0`,
      `  also: ${SPEC}:3: memory: "lots" is not a Kubernetes quantity: write it like 4Gi or 512Mi`,
    ]);
  });

  test('a variable nobody uses is an unknown key', () => {
    expect(errorOf(() => settingsFor({ spec: { ...IMAGE, admin_usr: 'ops' } })).message).toBe(
      `${SPEC}:2: admin_usr: unknown key: not a setting, and no cloud_init or network_data template uses it as a variable`,
    );
  });

  test('a computed variable cannot be set', () => {
    const spec = { ...IMAGE, vm_name: 'x', cloud_init: '#cloud-config\nhostname: {{ vm_name }}\n' };
    expect(errorOf(() => settingsFor({ spec })).message).toBe(
      `${SPEC}:2: vm_name: is computed by v-auto for each instance and cannot be set`,
    );
  });

  test('didYouMean finds near words only', () => {
    expect(didYouMean('replcas', ['replicas', 'cpu'])).toBe('replicas');
    expect(didYouMean('zzzzzz', ['replicas', 'cpu'])).toBeUndefined();
  });
});

describe('networks and images', () => {
  test('a network not in the catalog names the key and suggests the nearest entry', () => {
    const err = errorOf(() =>
      settingsFor({
        config: { networks: { lan: { nad_name: 'lan' } } },
        spec: `image_url: ${IMAGE.image_url}\nnetwork: lna\n`,
      }),
    );
    expect(err.message).toBe(`${SPEC}:2: network: network "lna" is not in the catalog (did you mean "lan"?)`);
  });

  test('a network in a list not in the catalog lists the catalog', () => {
    const err = errorOf(() =>
      settingsFor({
        config: { networks: { lan: { nad_name: 'lan' } } },
        spec: `image_url: ${IMAGE.image_url}\nnetworks: [lan, storage]\n`,
      }),
    );
    expect(err.message).toBe(`${SPEC}:2: networks[1]: network "storage" is not in the catalog; catalog: lan`);
  });

  test('no image at all', () => {
    expect(errorOf(() => settingsFor({ spec: { cpu: 2 } })).message).toBe(
      `${SPEC}: image: is required: give image_url: https://… or image: {url | registry | pvc | datasource}, or the name of an images: catalog entry`,
    );
  });

  test('image: NAME not in the images: catalog names the nearest entry', () => {
    const config = { images: { rhel95: { url: 'http://mirror.local/rhel-9.5.qcow2' } } };
    expect(errorOf(() => settingsFor({ config, spec: 'image: rhel59\n' })).message).toBe(
      `${SPEC}:1: image: image "rhel59" is not in the images: catalog (did you mean "rhel95"?)`,
    );
  });

  test('a disk_size smaller than the golden image it clones', () => {
    const config = { images: { rhel95: { url: 'http://mirror.local/rhel-9.5.qcow2', size: '30Gi' } } };
    expect(errorOf(() => settingsFor({ config, spec: 'image: rhel95\ndisk_size: 20Gi\n' })).message).toBe(
      `${SPEC}:1: image: disk_size 20Gi is smaller than image rhel95's size 30Gi: each instance's disk is a clone of the golden image; raise disk_size or lower images.rhel95.size`,
    );
  });

  test.each([
    [{ rhel: {} }, 'images.rhel: has no usable source: give one of url, registry, file'],
    [
      { rhel: { url: 'http://m/r.qcow2', file: 'r.qcow2' } },
      'images.rhel: give exactly one image source, not url and file',
    ],
    [
      { rhel: { file: 'r.qcow2', sha256: 'abc' } },
      'images.rhel.sha256: "abc" is not a SHA-256: 64 lower case hex digits',
    ],
    [
      { Rhel: { file: 'r.qcow2' } },
      'images.Rhel: image names must be DNS-1123 labels of at most 50 characters (lower case letters, digits, "-")',
    ],
  ])('images: %j', (images, message) => {
    expect(
      errorOf(() => settingsFor({ config: { images }, spec: { image_url: IMAGE.image_url } })).message,
    ).toContain(message);
  });

  test.each([
    ['image: {}', `${SPEC}:1: image: has no usable source: give one of url, registry, pvc, datasource`],
    [
      'image: {url: https://a.example.com/x, registry: "docker://q/x"}',
      `${SPEC}:1: image: give exactly one image source, not url and registry`,
    ],
    [
      'image: {registry: quay.io/x}',
      `${SPEC}:1: image.registry: "quay.io/x" must be a docker:// image reference`,
    ],
    ['image: {pvc: {namespace: golden}}', `${SPEC}:1: image.pvc.name: is required`],
    [
      'image: docker://quay.io/containerdisks/fedora:40',
      `${SPEC}:1: image: expected an images: catalog name or a mapping with one of url, registry, pvc, datasource, got "docker://quay.io/containerdisks/fedora:4…" (for a container image write image: {registry: docker://quay.io/containerdisks/fedora:40})`,
    ],
    [
      'network: [lan, pod]',
      `${SPEC}:1: network: expected one network name, got a list: for several write networks: [lan, pod]`,
    ],
    [
      'image: http://repo.local/rhel9.qcow2',
      `${SPEC}:1: image: expected an images: catalog name or a mapping with one of url, registry, pvc, datasource, got "http://repo.local/rhel9.qcow2" (for a URL write image_url: http://repo.local/rhel9.qcow2, or image: {url: http://repo.local/rhel9.qcow2})`,
    ],
  ])('%s', (text, message) => {
    expect(errorOf(() => settingsFor({ spec: text })).message).toBe(message);
  });
});

test('ipam.dns given as "a,b" suggests a list', () => {
  const config = {
    networks: { lan: { nad_name: 'lan', ipam: { range: '10.0.0.0/24', dns: '10.0.0.53,10.0.0.54' } } },
  };
  expect(
    errorOf(() => settingsFor({ config, spec: `image_url: ${IMAGE.image_url}\nnetwork: lan\n` })).message,
  ).toMatch(
    /networks\.lan\.ipam\.dns: "10\.0\.0\.53,10\.0\.0\.54" holds several servers in one string: write a list, dns: \[10\.0\.0\.53, 10\.0\.0\.54\]$/,
  );
});

describe('workspace', () => {
  const home = writeWorkspace(tempDir(), { specs: { web: IMAGE, db: IMAGE } });

  test('spec not found lists the specs that exist', () => {
    const err = errorOf(() => loadWorkspace(home, 'demo', 'wbe'));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe('spec "wbe" not found: no projects/demo/specs/wbe.yaml');
    expect(err.hint).toBe('specs in project demo: db, web');
  });

  test('project not found lists the projects that exist', () => {
    const err = errorOf(() => loadWorkspace(home, 'dmeo', 'web'));
    expect(err.message).toMatch(/^project "dmeo" not found in .*projects$/);
    expect(err.hint).toBe('projects here: demo');
  });

  test('a project that is one of the examples (a fresh checkout) points at --home examples', () => {
    const err = errorOf(() => loadWorkspace(repoRoot, 'demo', 'web'));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.hint).toBe(
      `demo is one of the examples: add --home ${path.join(repoRoot, 'examples')} (from ${repoRoot}: --home examples), or copy examples/projects/demo into a workspace of your own (its projects/ folder, outside the bundle) and point --home or V_AUTO_HOME at it`,
    );
  });

  test('an empty spec is refused', () => {
    const h = writeWorkspace(tempDir(), { specs: { web: '# nothing yet\n' } });
    expect(errorOf(() => loadWorkspace(h, 'demo', 'web')).message).toBe(
      'projects/demo/specs/web.yaml: the spec is empty',
    );
  });

  test('site templates are read from <home>/templates', () => {
    const h = writeWorkspace(tempDir(), {
      specs: { web: IMAGE },
      templates: { 'secret.yaml.hbs': 'x: 1\n' },
    });
    expect(loadWorkspace(h, 'demo', 'web').siteTemplates).toEqual({ 'secret.yaml.hbs': 'x: 1\n' });
  });
});

describe('indentation mistakes read as other settings', () => {
  test('a key dedented out of node_selector: an unknown setting, and "check the indentation"', () => {
    const err = errorOf(() =>
      settingsFor({ spec: `image_url: ${IMAGE.image_url}\nnode_selector:\n  zone: core\nrack: r1\n` }),
    );
    expect(err.message).toBe(
      `${SPEC}:4: rack: unknown key: not a setting, and no cloud_init or network_data template uses it as a variable; if it belongs under node_selector above, check the indentation (indent it like the keys of node_selector)`,
    );
  });

  test('an unknown key after a plain setting gets no indentation advice', () => {
    const err = errorOf(() => settingsFor({ spec: `image_url: ${IMAGE.image_url}\ncpu: 2\nrack: r1\n` }));
    expect(err.message).toBe(
      `${SPEC}:3: rack: unknown key: not a setting, and no cloud_init or network_data template uses it as a variable`,
    );
  });

  test('ipam dedented one level: not read as a network named ipam', () => {
    const spec = `image_url: ${IMAGE.image_url}\nnetwork: lan2\nnetworks:\n  lan2:\n    nad_name: lan2\n    bridge: br-lan\n  ipam:\n    range: 10.215.200.0/24\n`;
    const err = errorOf(() => settingsFor({ spec }));
    expect(err.message).toBe(
      `${SPEC}:7: networks.ipam: "ipam" is a setting of a network, not a network name: check the indentation (indent it under the network it belongs to, like its nad_name)`,
    );
  });
});

describe('names that come from the folder and file names', () => {
  test('spec file DB.yaml: the error names the file and suggests name_prefix', () => {
    const err = errorOf(() => settingsFor({ specName: 'DB' }));
    expect(err.message).toBe(
      'projects/demo/specs/DB.yaml: the instance names (DB-01, …) come from the spec file\'s name "DB", which is not a valid Kubernetes name (lower case letters, digits and "-")',
    );
    expect(err.hint).toBe(
      'set name_prefix: db in projects/demo/specs/DB.yaml, or rename the file to db.yaml',
    );
    expect(
      settingsFor({ specName: 'DB', spec: `image_url: ${IMAGE.image_url}\nname_prefix: db\n` }).name_prefix,
    ).toBe('db');
  });

  test('project Shop: the namespace comes from the project name; namespace: is the way out', () => {
    const err = errorOf(() => settingsFor({ project: 'Shop' }));
    expect(err.message).toBe(
      'namespace "vm-Shop" is not a valid name: it comes from the project name "Shop" (the default namespace is vm-<project>), and Kubernetes names are lower case letters, digits and "-"',
    );
    expect(err.hint).toBe(
      'set namespace: in projects/Shop/config.yaml (for example namespace: vm-shop), or rename the project folder',
    );
    expect(settingsFor({ project: 'Shop', config: 'namespace: vm-shop\n' }).namespace).toBe('vm-shop');
  });
});
