import { mergeLayers, setPath } from '../../lib/config/merge.js';
import { parseSet } from '../../lib/config/settings.js';
import { ExitCode } from '../../lib/errors.js';
import { errorOf, IMAGE, LAN, settingsFor } from '../helpers/workspace.js';

describe('mergeLayers', () => {
  test('maps merge deeply, lists and scalars are replaced, the right-most layer wins', () => {
    const base = { a: 1, m: { x: 1, deep: { k: 'base', keep: true } }, list: [1, 2, 3] };
    const over = { a: 2, m: { y: 2, deep: { k: 'over' } }, list: [9] };
    expect(mergeLayers(base, over)).toEqual({
      a: 2,
      m: { x: 1, y: 2, deep: { k: 'over', keep: true } },
      list: [9],
    });
    expect(base).toEqual({ a: 1, m: { x: 1, deep: { k: 'base', keep: true } }, list: [1, 2, 3] });
  });

  test('a scalar replaces a map and a map replaces a scalar', () => {
    expect(mergeLayers({ a: { x: 1 } }, { a: 'text' })).toEqual({ a: 'text' });
    expect(mergeLayers({ a: 'text' }, { a: { x: 1 } })).toEqual({ a: { x: 1 } });
  });

  test('setPath creates the maps along a dotted path', () => {
    const target: Record<string, unknown> = { node_selector: 'not a map' };
    setPath(target, 'node_selector.zone', 'core');
    setPath(target, 'a.b.c', 1);
    expect(target).toEqual({ node_selector: { zone: 'core' }, a: { b: { c: 1 } } });
  });
});

describe('precedence: defaults → config.yaml → spec → --replicas/--set', () => {
  test.each([
    [
      'defaults alone',
      {},
      {
        replicas: 1,
        cpu: 2,
        memory: '4Gi',
        disk_size: '50Gi',
        run_strategy: 'Always',
        namespace: 'vm-demo',
        name_prefix: 'web',
      },
    ],
    [
      'config.yaml over defaults',
      { config: { cpu: 3, namespace: 'team-a' } },
      { cpu: 3, namespace: 'team-a', memory: '4Gi' },
    ],
    [
      'spec over config.yaml',
      { config: { cpu: 3, memory: '8Gi' }, spec: { ...IMAGE, cpu: 5 } },
      { cpu: 5, memory: '8Gi' },
    ],
    ['--replicas over spec', { spec: { ...IMAGE, replicas: 4 }, replicas: 7 }, { replicas: 7 }],
    [
      '--set over spec and --replicas',
      { spec: { ...IMAGE, cpu: 5 }, replicas: 7, sets: ['cpu=8', 'replicas=9'] },
      { cpu: 8, replicas: 9 },
    ],
    ['the last --set wins', { sets: ['memory=1Gi', 'memory=2Gi'] }, { memory: '2Gi' }],
  ])('%s', (_name, input, expected) => {
    const settings = settingsFor(input);
    expect(settings).toMatchObject(expected);
  });

  test('node_selector and labels merge key by key across layers', () => {
    const s = settingsFor({
      config: { node_selector: { zone: 'core', disk: 'ssd' }, labels: { team: 'a' } },
      spec: { ...IMAGE, node_selector: { zone: 'edge' }, labels: { app: 'web' } },
      sets: ['node_selector.rack=r1'],
    });
    expect(s.node_selector).toEqual({ zone: 'edge', disk: 'ssd', rack: 'r1' });
    expect(s.labels).toEqual({ team: 'a', app: 'web' });
  });

  test('lists are replaced, not concatenated (tolerations, dns)', () => {
    const s = settingsFor({
      config: { tolerations: [{ key: 'a', operator: 'Exists' }], networks: { lan: LAN } },
      spec: {
        ...IMAGE,
        tolerations: [{ key: 'b', operator: 'Exists' }],
        networks: {
          lan: { nad_name: 'lan', bridge: 'br-lan', ipam: { range: '10.215.100.0/24', dns: ['1.1.1.1'] } },
        },
      },
    });
    expect(s.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(s.catalog.lan.ipam?.dns).toEqual(['1.1.1.1']);
    // ...while the catalog entry itself merged deeply with config.yaml's.
    expect(s.catalog.lan).toMatchObject({ nad_name: 'lan', bridge: 'br-lan', vlan: 100 });
    expect(s.catalog.lan.ipam?.gateway).toBe('10.215.100.1');
  });

  test('a spec image source replaces the config.yaml one instead of merging into it', () => {
    const config = { image: { url: 'https://images.example.com/base.qcow2' } };
    expect(
      settingsFor({ config, spec: { image: { registry: 'docker://quay.io/c/fedora:40' } } }).image,
    ).toEqual({ registry: 'docker://quay.io/c/fedora:40' });
    expect(
      settingsFor({ config, spec: { image_url: 'https://images.example.com/other.qcow2' } }).image,
    ).toEqual({ url: 'https://images.example.com/other.qcow2' });
    expect(settingsFor({ config, spec: { cpu: 1 } }).image).toEqual({
      url: 'https://images.example.com/base.qcow2',
    });
  });

  test('image and image_url in the same file is an error', () => {
    const err = errorOf(() =>
      settingsFor({ spec: { ...IMAGE, image: { url: 'https://a.example.com/x.img' } } }),
    );
    expect(err.message).toBe('projects/demo/specs/web.yaml: give image or image_url, not both');
  });
});

describe('--set typing', () => {
  test.each([
    ['cpu=4', 'cpu', 4],
    ['replicas=3', 'replicas', 3],
    ['memory=8Gi', 'memory', '8Gi'],
    // String maps stay text: a number or a boolean there would be printed back, maybe changed.
    ['node_selector.rack=12', 'node_selector.rack', '12'],
    ['labels.canary=true', 'labels.canary', 'true'],
    ['labels.build=007', 'labels.build', '007'],
    ['node_selector.rack=1.10', 'node_selector.rack', '1.10'],
    // A number only when it reads back as written.
    ['cpu=04', 'cpu', '04'],
    ['tolerations=[{"key":"a","operator":"Exists"}]', 'tolerations', [{ key: 'a', operator: 'Exists' }]],
    // Variables are not settings: their values stay strings, leading zeros and all.
    ['password=0123', 'password', '0123'],
    ['admin_user=true', 'admin_user', 'true'],
    ['motd=a=b', 'motd', 'a=b'],
  ])('%s', (expression, path, value) => {
    expect(parseSet(expression)).toEqual({ path, value });
  });

  test.each(['=4', 'cpu', '.cpu=1', 'a..b=1'])('%s is not key.path=value', (expression) => {
    const err = errorOf(() => parseSet(expression));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(`--set ${JSON.stringify(expression)}: expected key.path=value`);
  });

  test('a known key with broken JSON is an error', () => {
    expect(errorOf(() => parseSet('tolerations=[{')).message).toBe(
      '--set tolerations: "[{" is not valid JSON',
    );
  });

  test('--set password=0123 reaches the variables as the string "0123"', () => {
    const s = settingsFor({
      spec: { ...IMAGE, cloud_init: '#cloud-config\npassword: {{ password }}\n' },
      sets: ['password=0123'],
    });
    expect(s.variables.password).toBe('0123');
  });

  test('a --set with a wrong type is reported against --set', () => {
    expect(errorOf(() => settingsFor({ sets: ['cpu=many'] })).message).toBe(
      '--set: cpu: expected an integer, got "many"',
    );
  });
});

describe('env:NAME values', () => {
  test('read the environment; known top-level keys are typed, nested values stay strings', () => {
    const s = settingsFor({
      spec: {
        ...IMAGE,
        cpu: 'env:VM_CPU',
        node_selector: { rack: 'env:RACK' },
        cloud_init: '#cloud-config\nx: {{ token }}\n',
        token: 'env:TOKEN',
      },
      env: { VM_CPU: '6', RACK: '7', TOKEN: '0042' },
    });
    expect(s.cpu).toBe(6);
    expect(s.node_selector).toEqual({ rack: '7' });
    expect(s.variables.token).toBe('0042');
  });

  test('a missing variable names the file, line, key and variable', () => {
    const err = errorOf(() =>
      settingsFor({
        spec: `image_url: https://images.example.com/a.img\nnode_selector:\n  rack: env:RACK_NAME\n`,
      }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'projects/demo/specs/web.yaml:3: node_selector.rack: environment variable RACK_NAME is not set',
    );
  });
});
