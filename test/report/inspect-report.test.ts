// The inspect report's size, preference and eviction lines, from in-memory specs.
import { inspectReport } from '../../lib/report/inspect-report.js';
import { IMAGE, renderFor } from '../helpers/workspace.js';

const reportOf = (spec: Record<string, unknown>) =>
  inspectReport(
    { ...renderFor({ spec: { ...IMAGE, ...spec } }), inputs: {}, placeholders: [], warnings: [] },
    [],
  ).split('\n');
const lineOf = (spec: Record<string, unknown>, label: string) =>
  reportOf(spec).find((l) => l.startsWith(`  ${label}:`));

describe('inspect: the size a VM gets', () => {
  test.each([
    ['cores (the default)', {}, '  size:        2 cores, 4Gi memory, 50Gi disk'],
    [
      'sockets with headroom',
      { cpu: 4, cpu_topology: 'sockets', max_sockets: 16 },
      '  size:        4 sockets, hot-pluggable up to 16, 4Gi memory, 50Gi disk',
    ],
    [
      'sockets, KubeVirt default headroom',
      { cpu: 1, cpu_topology: 'sockets' },
      "  size:        1 socket, hot-pluggable up to the cluster's maxCpuSockets (else 4× at boot), 4Gi memory, 50Gi disk",
    ],
    // kubevirt/common-instancetypes v1.4.1: u1.medium 1 vCPU 4Gi, u1.2xlarge 8 vCPUs 32Gi, o1.nano 1 vCPU 512Mi.
    [
      'a common instance type',
      { instancetype: 'u1.medium' },
      '  size:        instance type u1.medium: 1 vCPU, 4Gi memory (common instance type), 50Gi disk',
    ],
    [
      'another',
      { instancetype: 'u1.2xlarge' },
      '  size:        instance type u1.2xlarge: 8 vCPUs, 32Gi memory (common instance type), 50Gi disk',
    ],
    [
      'o1.nano',
      { instancetype: 'o1.nano' },
      '  size:        instance type o1.nano: 1 vCPU, 512Mi memory (common instance type), 50Gi disk',
    ],
    [
      'a cluster instance type outside the common set',
      { instancetype: 'site.huge' },
      '  size:        instance type site.huge (VirtualMachineClusterInstancetype): its CPU and memory come from the cluster, 50Gi disk',
    ],
    [
      'a namespaced one named like a common one',
      { instancetype: { name: 'u1.medium', kind: 'VirtualMachineInstancetype' } },
      '  size:        instance type u1.medium (VirtualMachineInstancetype): its CPU and memory come from the cluster, 50Gi disk',
    ],
  ])('%s', (_name, spec, line) => {
    expect(lineOf(spec, 'size')).toBe(line);
  });

  test.each([
    [{}, undefined],
    [{ preference: 'rhel.9' }, '  preference:  rhel.9 (common preference)'],
    [{ preference: 'site.os' }, '  preference:  site.os (VirtualMachineClusterPreference, from the cluster)'],
    [
      { preference: { name: 'rhel.9', kind: 'VirtualMachinePreference' } },
      '  preference:  rhel.9 (VirtualMachinePreference, from the cluster)',
    ],
  ])('preference %j', (spec, line) => {
    expect(lineOf(spec, 'preference')).toBe(line);
  });
});

describe('inspect: eviction and node drains', () => {
  const WARNING = 'might prevent nodes from draining or block an infrastructure upgrade';
  test.each([
    ['unset', {}, "the cluster's default (LiveMigrate on multi-node OpenShift)", false],
    ['LiveMigrate, storage profile decides', { eviction_strategy: 'LiveMigrate' }, 'LiveMigrate', false],
    [
      'LiveMigrate with ReadWriteMany',
      { eviction_strategy: 'LiveMigrate', access_mode: 'ReadWriteMany' },
      'LiveMigrate',
      false,
    ],
    [
      'LiveMigrate with ReadWriteOnce',
      { eviction_strategy: 'LiveMigrate', access_mode: 'ReadWriteOnce' },
      'LiveMigrate',
      true,
    ],
    [
      'unset with ReadWriteOncePod',
      { access_mode: 'ReadWriteOncePod' },
      "the cluster's default (LiveMigrate on multi-node OpenShift)",
      true,
    ],
    [
      'LiveMigrateIfPossible with ReadWriteOnce',
      { eviction_strategy: 'LiveMigrateIfPossible', access_mode: 'ReadWriteOnce' },
      'LiveMigrateIfPossible',
      false,
    ],
    ['None with ReadWriteOnce', { eviction_strategy: 'None', access_mode: 'ReadWriteOnce' }, 'None', false],
  ])('%s', (_name, spec, eviction, warned) => {
    expect(lineOf(spec, 'eviction')).toBe(`  eviction:    ${eviction}`);
    const warning = lineOf(spec, 'warning');
    if (!warned) return expect(warning).toBeUndefined();
    expect(warning).toContain(
      `root disk access_mode is ${(spec as { access_mode: string }).access_mode}, so it cannot live-migrate`,
    );
    expect(warning).toContain(WARNING);
    expect(warning).toContain('set eviction_strategy: LiveMigrateIfPossible (or None)');
  });
});
