// Label and field selectors: the parser in isolation, then every selector form through the real kubectl.
import { matchesLabels, parseFieldSelector, parseLabelSelector, matchesFields } from './selectors.js';
import { startSimulator, type Simulator } from './index.js';
import { kubectl } from './kubectl.js';

describe('parseLabelSelector', () => {
  test.each([
    ['a=b', [{ key: 'a', op: 'in', values: ['b'] }]],
    ['a==b', [{ key: 'a', op: 'in', values: ['b'] }]],
    ['a!=b', [{ key: 'a', op: 'notin', values: ['b'] }]],
    ['c in (d, e)', [{ key: 'c', op: 'in', values: ['d', 'e'] }]],
    ['c notin (d,e)', [{ key: 'c', op: 'notin', values: ['d', 'e'] }]],
    ['f', [{ key: 'f', op: 'exists' }]],
    ['!f', [{ key: 'f', op: '!exists' }]],
    [
      'a=b,c in (d,e),!f',
      [
        { key: 'a', op: 'in', values: ['b'] },
        { key: 'c', op: 'in', values: ['d', 'e'] },
        { key: 'f', op: '!exists' },
      ],
    ],
  ])('%s', (text, reqs) => {
    expect(parseLabelSelector(text)).toEqual(reqs);
  });

  test('a missing key satisfies != and notin, as upstream', () => {
    expect(matchesLabels(parseLabelSelector('a!=b,c notin (d)'), {})).toBe(true);
  });

  test('field selectors on events', () => {
    const ev = {
      metadata: { name: 'x', namespace: 'n' },
      involvedObject: { kind: 'VirtualMachine', name: 'web-1' },
    };
    expect(
      matchesFields(parseFieldSelector('involvedObject.kind=VirtualMachine,involvedObject.name=web-1'), ev),
    ).toBe(true);
    expect(matchesFields(parseFieldSelector('involvedObject.name!=web-1'), ev)).toBe(false);
    expect(() => parseFieldSelector('spec.foo=bar')).toThrow('field label not supported');
  });
});

describe('kubectl get/delete with selectors', () => {
  let sim: Simulator;
  // name → labels; one VM, DV and NAD each so a single `get vm,dv,net-attach-def` spans three API groups.
  const LABELS: Record<string, Record<string, string>> = {
    'ab-cd': { a: 'b', c: 'd' },
    'ab-ce': { a: 'b', c: 'e' },
    'ab-cx': { a: 'b', c: 'x' },
    'ab-cd-f': { a: 'b', c: 'd', f: '1' },
    'ax-cd': { a: 'x', c: 'd' },
    none: {},
  };
  const KINDS = [
    {
      kind: 'VirtualMachine',
      apiVersion: 'kubevirt.io/v1',
      spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: {} } } } },
    },
    {
      kind: 'DataVolume',
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '1Gi' } } } },
      status: { phase: 'Succeeded', progress: '100.0%' },
    },
    { kind: 'NetworkAttachmentDefinition', apiVersion: 'k8s.cni.cncf.io/v1', spec: { config: '{}' } },
  ];

  beforeAll(async () => {
    sim = await startSimulator();
    for (const k of KINDS) {
      for (const [name, labels] of Object.entries(LABELS)) {
        sim.put({
          apiVersion: k.apiVersion,
          kind: k.kind,
          metadata: { name: `${k.kind.toLowerCase().slice(0, 3)}-${name}`, namespace: 'default', labels },
          spec: k.spec,
          status: k.status,
        });
      }
    }
    await sim.settle();
  });
  afterAll(async () => {
    await sim.stop();
  });

  test.each([
    ['a=b', ['ab-cd', 'ab-cd-f', 'ab-ce', 'ab-cx']],
    ['a==b', ['ab-cd', 'ab-cd-f', 'ab-ce', 'ab-cx']],
    ['a!=b', ['ax-cd', 'none']],
    ['c in (d,e)', ['ab-cd', 'ab-cd-f', 'ab-ce', 'ax-cd']],
    ['c notin (d,e)', ['ab-cx', 'none']],
    ['f', ['ab-cd-f']],
    ['!f', ['ab-cd', 'ab-ce', 'ab-cx', 'ax-cd', 'none']],
    ['a=b,c in (d,e),!f', ['ab-cd', 'ab-ce']],
  ])('get vm,dv,net-attach-def -l %s', async (selector, names) => {
    const r = await kubectl(sim, ['get', 'vm,dv,net-attach-def', '-l', selector, '-o', 'json']);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout)
      .items.map((o: any) => `${o.kind}/${o.metadata.name}`)
      .sort();
    const want = KINDS.flatMap((k) =>
      names.map((n) => `${k.kind}/${k.kind.toLowerCase().slice(0, 3)}-${n}`),
    ).sort();
    expect(got).toEqual(want);
  });

  test('human output is served as a Table', async () => {
    const r = await kubectl(sim, ['get', 'dv', '-l', 'f']);
    expect(r.stdout).toMatch(
      /^NAME\s+PHASE\s+PROGRESS\s+RESTARTS\s+AGE\ndat-ab-cd-f\s+Succeeded\s+100.0%\s+0\s+\S+\n$/,
    );
  });

  test('short names and categories resolve as on a cluster', async () => {
    for (const res of [
      'vms',
      'vmi',
      'dvs',
      'net-attach-def',
      'network-attachment-definitions',
      'virtualmachines.kubevirt.io',
      'pvc',
      'po',
      'ev',
      'ns',
    ]) {
      const r = await kubectl(sim, ['get', res, '-o', 'name']);
      expect([res, r.stderr]).toEqual([res, '']);
    }
    const all = await kubectl(sim, ['get', 'all', '-l', 'f', '-o', 'name']);
    expect(all.stdout.trim().split('\n').sort()).toEqual([
      'datavolume.cdi.kubevirt.io/dat-ab-cd-f',
      'virtualmachine.kubevirt.io/vir-ab-cd-f',
    ]);
  });

  test('delete with a selector removes exactly the matching objects and prints kubectl lines', async () => {
    const r = await kubectl(sim, ['delete', 'vm,dv,net-attach-def', '-l', 'a=b,c in (d,e),!f']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      'datavolume.cdi.kubevirt.io "dat-ab-cd" deleted',
      'datavolume.cdi.kubevirt.io "dat-ab-ce" deleted',
      'networkattachmentdefinition.k8s.cni.cncf.io "net-ab-cd" deleted',
      'networkattachmentdefinition.k8s.cni.cncf.io "net-ab-ce" deleted',
      'virtualmachine.kubevirt.io "vir-ab-cd" deleted',
      'virtualmachine.kubevirt.io "vir-ab-ce" deleted',
    ]);
    expect(
      sim
        .list('VirtualMachine')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['vir-ab-cd-f', 'vir-ab-cx', 'vir-ax-cd', 'vir-none']);
    const none = await kubectl(sim, ['delete', 'vm', '-l', 'a=nothing']);
    expect((none.stdout + none.stderr).trim()).toBe('No resources found');
  });
});
