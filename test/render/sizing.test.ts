// Instance types, preferences, CPU topology and eviction strategy: validation and the VM they render.
import { ExitCode } from '../../lib/errors.js';
import { inspectReport } from '../../lib/report/inspect-report.js';
import { errorOf, IMAGE, named, renderFor, settingsFor } from '../helpers/workspace.js';

const SPEC = 'projects/demo/specs/web.yaml';
const CONFIG = 'projects/demo/config.yaml';
const vmOf = (
  spec: Record<string, unknown>,
  extra: { config?: Record<string, unknown>; sets?: string[] } = {},
) => named(renderFor({ spec: { ...IMAGE, ...spec }, ...extra }).manifests, 'VirtualMachine', 'web-01') as any;

describe('instancetype and preference render spec.instancetype / spec.preference', () => {
  test.each([
    [
      'a name: a cluster instance type',
      { instancetype: 'u1.medium' },
      { name: 'u1.medium', kind: 'VirtualMachineClusterInstancetype' },
      undefined,
    ],
    [
      '{name, kind}: a namespaced one',
      { instancetype: { name: 'big', kind: 'VirtualMachineInstancetype' } },
      { name: 'big', kind: 'VirtualMachineInstancetype' },
      undefined,
    ],
    [
      'with a preference name',
      { instancetype: 'u1.large', preference: 'rhel.9' },
      { name: 'u1.large', kind: 'VirtualMachineClusterInstancetype' },
      { name: 'rhel.9', kind: 'VirtualMachineClusterPreference' },
    ],
    [
      'with a namespaced preference',
      { instancetype: 'u1.large', preference: { name: 'ours', kind: 'VirtualMachinePreference' } },
      { name: 'u1.large', kind: 'VirtualMachineClusterInstancetype' },
      { name: 'ours', kind: 'VirtualMachinePreference' },
    ],
  ])('%s', (_name, spec, instancetype, preference) => {
    const vm = vmOf(spec);
    expect(vm.spec.instancetype).toEqual(instancetype);
    expect(vm.spec.preference).toEqual(preference);
    // KubeVirt rejects domain.cpu sockets/cores/threads and any domain.memory beside an instance type.
    expect(vm.spec.template.spec.domain.cpu).toBeUndefined();
    expect(vm.spec.template.spec.domain.memory).toBeUndefined();
    expect(Object.keys(vm.spec.template.spec.domain)).toEqual(['devices']);
  });

  test('a preference alone keeps cpu and memory', () => {
    const vm = vmOf({ preference: 'fedora', cpu: 4, memory: '8Gi' });
    expect(vm.spec.instancetype).toBeUndefined();
    expect(vm.spec.preference).toEqual({ name: 'fedora', kind: 'VirtualMachineClusterPreference' });
    expect(vm.spec.template.spec.domain.cpu).toEqual({ cores: 4 });
    expect(vm.spec.template.spec.domain.memory).toEqual({ guest: '8Gi' });
  });

  test('a later layer replaces the reference whole: a spec name does not inherit config.yaml kind', () => {
    const vm = vmOf(
      { instancetype: 'u1.small' },
      { config: { instancetype: { name: 'big', kind: 'VirtualMachineInstancetype' } } },
    );
    expect(vm.spec.instancetype).toEqual({ name: 'u1.small', kind: 'VirtualMachineClusterInstancetype' });
    expect(vmOf({}, { sets: ['instancetype=u1.xlarge'] }).spec.instancetype.name).toBe('u1.xlarge');
  });

  test('without them: no spec.instancetype, no spec.preference', () => {
    const vm = vmOf({});
    expect(Object.keys(vm.spec).sort()).toEqual(['runStrategy', 'template']);
  });
});

describe('a more specific layer chooses the size: an instance type replaces inherited cpu and memory, and the other way round', () => {
  const spec = (text: string) => `image_url: ${IMAGE.image_url}\n${text}`;

  test("a spec's instance type replaces config.yaml's cpu and memory for every spec", () => {
    const s = settingsFor({ config: 'cpu: 8\nmemory: 16Gi\n', spec: spec('instancetype: u1.medium\n') });
    expect(s.instancetype).toEqual({ name: 'u1.medium', kind: 'VirtualMachineClusterInstancetype' });
    expect([s.cpu, s.memory]).toEqual([undefined, undefined]);
    expect(s.sizeReplaced).toBe(`cpu, memory from ${CONFIG}`);
    const vm = vmOf({ instancetype: 'u1.medium' }, { config: { cpu: 8, memory: '16Gi' } });
    expect(vm.spec.instancetype.name).toBe('u1.medium');
    expect(vm.spec.template.spec.domain.cpu).toBeUndefined();
    expect(vm.spec.template.spec.domain.memory).toBeUndefined();
  });

  test("a spec's cpu replaces config.yaml's instance type", () => {
    const s = settingsFor({ config: 'instancetype: u1.medium\n', spec: spec('cpu: 4\nmemory: 8Gi\n') });
    expect(s.instancetype).toBeUndefined();
    expect([s.cpu, s.memory]).toEqual([4, '8Gi']);
    expect(s.sizeReplaced).toBe(`instancetype u1.medium from ${CONFIG}`);
  });

  test('--set cpu replaces the instance type the spec chose', () => {
    const s = settingsFor({ spec: spec('instancetype: u1.medium\n'), sets: ['cpu=4'] });
    expect(s.instancetype).toBeUndefined();
    expect(s.cpu).toBe(4);
    expect(s.sizeReplaced).toBe(`instancetype u1.medium from ${SPEC}`);
  });

  test('inspect says what the size replaced', () => {
    const sized = (input: Parameters<typeof renderFor>[0]) => {
      const { plan, manifests } = renderFor(input);
      return inspectReport({ plan, manifests, inputs: {}, placeholders: [], warnings: [] }, [])
        .split('\n')
        .find((l) => l.startsWith('  size:'));
    };
    expect(sized({ config: { cpu: 8, memory: '16Gi' }, spec: { ...IMAGE, instancetype: 'u1.medium' } })).toBe(
      `  size:        instance type u1.medium: 1 vCPU, 4Gi memory (common instance type) (replaces cpu, memory from ${CONFIG}), 50Gi disk`,
    );
    expect(sized({ config: { instancetype: 'u1.medium' }, spec: { ...IMAGE, cpu: 4 } })).toBe(
      `  size:        4 cores, 4Gi memory (replaces instancetype u1.medium from ${CONFIG}), 50Gi disk`,
    );
  });

  test('nothing replaced: no note', () => {
    expect(settingsFor({ spec: spec('instancetype: u1.medium\n') }).sizeReplaced).toBeUndefined();
    expect(settingsFor({ config: 'cpu: 8\n', spec: spec('cpu: 4\n') }).sizeReplaced).toBeUndefined();
  });
});

describe('an instance type with cpu or memory in the same layer is exit 2, naming each key and the instance type', () => {
  test.each([
    [
      'cpu in the spec',
      { config: undefined, spec: `image_url: x\ninstancetype: u1.medium\ncpu: 4\n` },
      `${SPEC}:3: cpu: cannot be set with an instance type (${SPEC}:2: instancetype: u1.medium)`,
    ],
    [
      'memory in the spec',
      { config: undefined, spec: `image_url: x\ninstancetype: u1.medium\nmemory: 8Gi\n` },
      `${SPEC}:3: memory: cannot be set with an instance type`,
    ],
    [
      'cpu beside it in config.yaml',
      { config: 'instancetype: u1.medium\ncpu: 2\n', spec: `image_url: x\n` },
      `${CONFIG}:2: cpu: cannot be set with an instance type (${CONFIG}:1: instancetype: u1.medium)`,
    ],
    [
      'cpu_topology',
      { config: undefined, spec: `image_url: x\ninstancetype: u1.medium\ncpu_topology: sockets\n` },
      `${SPEC}:3: cpu_topology: cannot be set with an instance type`,
    ],
    [
      '--set cpu beside --set instancetype',
      { config: undefined, spec: `image_url: x\n`, sets: ['instancetype=u1.medium', 'cpu=4'] },
      '--set: cpu: cannot be set with an instance type',
    ],
  ])('%s', (_name, input, message) => {
    const err = errorOf(() =>
      settingsFor({ ...input, spec: input.spec.replace('image_url: x', `image_url: ${IMAGE.image_url}`) }),
    );
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message.startsWith(message)).toBe(true);
    expect(err.message).toContain('KubeVirt rejects a VM that sets them too');
  });

  test('both cpu and memory: both are named', () => {
    const err = errorOf(() =>
      settingsFor({ spec: `image_url: ${IMAGE.image_url}\ninstancetype: u1.medium\ncpu: 4\nmemory: 8Gi\n` }),
    );
    expect(err.message).toMatch(
      /^projects\/demo\/specs\/web.yaml:3: cpu: .*\n {2}also: projects\/demo\/specs\/web.yaml:4: memory: /,
    );
  });
});

describe('instancetype, preference and eviction_strategy values', () => {
  test.each([
    [
      'instancetype: U1.Medium',
      `${SPEC}:2: instancetype: "U1.Medium" is not a valid object name: lower case letters, digits, "-" and "." (DNS-1123 subdomain)`,
    ],
    ['instancetype: 4', `${SPEC}:2: instancetype: expected a name or a mapping {name, kind}, got 4`],
    [
      'instancetype: [u1.medium]',
      `${SPEC}:2: instancetype: expected a name or a mapping {name, kind}, got a list`,
    ],
    ['instancetype:\n  kind: VirtualMachineInstancetype', `${SPEC}:2: instancetype.name: is required`],
    [
      'instancetype:\n  name: u1.medium\n  kind: VirtualMachineClusterPreference',
      `${SPEC}:4: instancetype.kind: expected one of VirtualMachineClusterInstancetype, VirtualMachineInstancetype, got "VirtualMachineClusterPreference" (did you mean "VirtualMachineClusterInstancetype"?)`,
    ],
    [
      'preference:\n  name: rhel.9\n  kind: VirtualMachinePreferences',
      `${SPEC}:4: preference.kind: expected one of VirtualMachineClusterPreference, VirtualMachinePreference, got "VirtualMachinePreferences" (did you mean "VirtualMachinePreference"?)`,
    ],
    [
      'preference:\n  name: rhel.9\n  revision: x',
      `${SPEC}:4: preference.revision: unknown key; known keys: name, kind`,
    ],
    [
      'eviction_strategy: livemigrate',
      `${SPEC}:2: eviction_strategy: expected one of LiveMigrate, LiveMigrateIfPossible, External, None, got "livemigrate" (did you mean "LiveMigrate"?)`,
    ],
    ['cpu_topology: threads', `${SPEC}:2: cpu_topology: expected one of cores, sockets, got "threads"`],
    ['max_sockets: 0', `${SPEC}:2: max_sockets: must be between 1 and 512, got 0`],
  ])('%s', (line, message) => {
    const err = errorOf(() => settingsFor({ spec: `image_url: ${IMAGE.image_url}\n${line}\n` }));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });
});

describe('cpu_topology: cores (the default) or sockets, with max_sockets', () => {
  test.each([
    ['the default: cores, as v-auto always rendered', {}, { cores: 2 }],
    ['cores', { cpu: 4, cpu_topology: 'cores' }, { cores: 4 }],
    ['sockets', { cpu: 4, cpu_topology: 'sockets' }, { sockets: 4 }],
    [
      'sockets with headroom',
      { cpu: 4, cpu_topology: 'sockets', max_sockets: 16 },
      { sockets: 4, maxSockets: 16 },
    ],
    [
      'max_sockets equal to cpu',
      { cpu: 4, cpu_topology: 'sockets', max_sockets: 4 },
      { sockets: 4, maxSockets: 4 },
    ],
  ])('%s', (_name, spec, cpu) => {
    expect(vmOf(spec).spec.template.spec.domain.cpu).toEqual(cpu);
  });

  test.each([
    [
      'max_sockets with cores',
      'max_sockets: 8',
      `${SPEC}:2: max_sockets: needs cpu_topology: sockets (only CPU sockets hot-plug; with cores a CPU change needs a restart)`,
    ],
    [
      'max_sockets below cpu',
      'cpu_topology: sockets\ncpu: 8\nmax_sockets: 4',
      `${SPEC}:4: max_sockets: is less than cpu (8): KubeVirt rejects a VM whose "Number of sockets in CPU topology is greater than the maximum sockets allowed"`,
    ],
  ])('%s is exit 2', (_name, lines, message) => {
    const err = errorOf(() => settingsFor({ spec: `image_url: ${IMAGE.image_url}\n${lines}\n` }));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });
});

describe('eviction_strategy renders spec.template.spec.evictionStrategy', () => {
  test.each(['LiveMigrate', 'LiveMigrateIfPossible', 'External', 'None'])('%s', (strategy) => {
    expect(vmOf({ eviction_strategy: strategy }).spec.template.spec.evictionStrategy).toBe(strategy);
  });

  test('unset: left to the cluster default', () => {
    expect(vmOf({}).spec.template.spec).not.toHaveProperty('evictionStrategy');
  });
});
