// The change plan, table by table: every kind in every category, with the fields the platform owns.
import { LAST_APPLIED, type K8sObject } from '../../lib/cluster/k8s-object.js';
import { fieldDifferences } from '../../lib/changes/field-diff.js';
import { planChanges, type ChangeInput } from '../../lib/changes/plan-changes.js';
import { planLines } from '../../lib/report/plan-report.js';
import { quantityValue, sameQuantity } from '../../lib/model/quantity.js';
import { instanceOfResource } from '../../lib/model/names.js';
import type { Manifest } from '../../lib/render/render-manifests.js';
import { IMAGE, LAN, named, renderFor } from '../helpers/workspace.js';

const config = {
  namespace: 'vm-demo',
  networks: { lan: LAN, office: { nad_name: 'office', bridge: 'br-office' } },
};
const spec = {
  ...IMAGE,
  networks: ['lan', 'office'],
  memory: '4096Mi',
  cpu: 2,
  labels: { app: 'web' },
  cloud_init: '#cloud-config\nhostname: {{ vm_name }}\n',
};
const { manifests } = renderFor({ config, spec, replicas: 2 });
const OWN = { 'v-auto/managed': 'true', 'v-auto/project': 'demo', 'v-auto/spec': 'web' };

/** The object as OpenShift Virtualization stores it after v-auto applied `m` with client-side apply. */
function asStored(m: Manifest, status: object = {}): K8sObject {
  const o = structuredClone(m) as K8sObject;
  o.metadata = {
    ...o.metadata,
    uid: `uid-${m.metadata.name}`,
    resourceVersion: '1234',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }],
    annotations: { ...(o.metadata.annotations ?? {}), [LAST_APPLIED]: JSON.stringify(m) },
  };
  if (m.kind === 'VirtualMachine') {
    // kubemacpool: a MAC per interface that asks for none (one asked for is kept) and its
    // transaction timestamp; KubeVirt's VM mutator:
    // canonical quantities, machine type, architecture, firmware UUID and serial.
    o.metadata.annotations!['kubemacpool.io/transaction-timestamp'] = '2026-01-01T00:00:00.123456789Z';
    const t = o.spec.template.spec;
    t.domain.devices.interfaces.forEach(
      (i: Record<string, unknown>, n: number) => (i.macAddress ??= `02:00:00:00:00:0${n}`),
    );
    t.domain.memory.guest = '4Gi';
    t.domain.machine = { type: 'pc-q35-rhel9.4.0' };
    t.domain.firmware = { uuid: 'f1f2', serial: 's1s2' };
    t.architecture = 'amd64';
    o.status = { printableStatus: 'Running', ready: true, created: true, ...status };
  }
  if (m.kind === 'DataVolume') {
    o.metadata.annotations!['cdi.kubevirt.io/storage.usePopulator'] = 'true';
    o.status = { phase: 'Succeeded', progress: '100.0%', ...status };
  }
  return o;
}

function input(live: K8sObject[], extra: Partial<ChangeInput> = {}): ChangeInput {
  return {
    manifests,
    live,
    owner: { project: 'demo', spec: 'web' },
    instanceOf: (name) => instanceOfResource('web', name, ['lan', 'office']),
    adopt: false,
    ...extra,
  };
}

const allStored = () => manifests.map((m) => asStored(m));
const KINDS: [string, string][] = [
  ['NetworkAttachmentDefinition', 'web-01-lan'],
  ['NetworkAttachmentDefinition', 'office'],
  ['Secret', 'web-01-cloud-init'],
  ['DataVolume', 'web-01-rootdisk'],
  ['VirtualMachine', 'web-01'],
];
const find = (plan: ReturnType<typeof planChanges>, kind: string, name: string) =>
  plan.changes.find((c) => c.kind === kind && c.name === name)!;
const replace = (live: K8sObject[], kind: string, name: string, edit: (o: K8sObject) => void) =>
  live.map((o) => {
    if (o.kind !== kind || o.metadata.name !== name) return o;
    const c = structuredClone(o);
    edit(c);
    return c;
  });

test('nothing exists: every object is a create, in render order', () => {
  const plan = planChanges(input([]));
  expect(plan.changes.map((c) => c.action)).toEqual(manifests.map(() => 'create'));
  expect(plan.counts).toMatchObject({ create: manifests.length, update: 0, unchanged: 0 });
});

test.each(KINDS)(
  '%s %s as the platform stores it (MACs, mutator defaults, canonical quantities, status, server metadata) is unchanged',
  (kind, name) => {
    const plan = planChanges(input(allStored()));
    expect(find(plan, kind, name)).toMatchObject({ action: 'unchanged' });
    expect(plan.counts.unchanged).toBe(manifests.length);
  },
);

test('instancetype and preference revision names set by the controller are no difference (kubevirt#10145)', () => {
  const vm = {
    ...named(manifests, 'VirtualMachine', 'web-01'),
    spec: {
      ...(named(manifests, 'VirtualMachine', 'web-01').spec as object),
      instancetype: { name: 'u1.medium' },
      preference: { name: 'rhel.9' },
    },
  };
  const live = asStored(vm);
  live.spec.instancetype = {
    name: 'u1.medium',
    kind: 'virtualmachineclusterinstancetype',
    revisionName: 'web-01-u1.medium-abc-1',
  };
  live.spec.preference = {
    name: 'rhel.9',
    kind: 'virtualmachineclusterpreference',
    revisionName: 'web-01-rhel.9-def-1',
  };
  expect(planChanges(input([live], { manifests: [vm] })).changes[0].action).toBe('unchanged');
});

test.each<[string, string, (o: K8sObject) => void, string]>([
  [
    'NetworkAttachmentDefinition',
    'web-01-lan',
    (o) => (o.spec.config = o.spec.config.replace('br-lan', 'br-old')),
    'spec.config.bridge',
  ],
  [
    'NetworkAttachmentDefinition',
    'office',
    (o) => (o.metadata.annotations!['k8s.v1.cni.cncf.io/resourceName'] = 'bridge.network.kubevirt.io/br-old'),
    'metadata.annotations.k8s.v1.cni.cncf.io/resourceName',
  ],
  [
    'Secret',
    'web-01-cloud-init',
    (o) => ((o as any).data.userdata = Buffer.from('#cloud-config\nhostname: old\n').toString('base64')),
    'data.userdata',
  ],
  [
    'DataVolume',
    'web-01-rootdisk',
    (o) => (o.spec.storage.resources.requests.storage = '20Gi'),
    'spec.storage.resources.requests.storage',
  ],
  [
    'VirtualMachine',
    'web-01',
    (o) => (o.spec.template.spec.domain.cpu.cores = 1),
    'spec.template.spec.domain.cpu.cores',
  ],
  ['VirtualMachine', 'web-01', (o) => (o.metadata.labels!['app'] = 'old'), 'metadata.labels.app'],
])('%s %s drifted: an update naming the field', (kind, name, edit, path) => {
  const plan = planChanges(input(replace(allStored(), kind, name, edit)));
  const change = find(plan, kind, name);
  expect(change.action).toBe('update');
  expect(change.fields!.map((f) => f.path)).toEqual([path]);
  expect(plan.counts.update).toBe(1);
});

test('a field v-auto applied before and no longer renders is an update (read from the last-applied configuration)', () => {
  const live = replace(allStored(), 'VirtualMachine', 'web-01', (o) => {
    o.spec.template.spec.nodeSelector = { zone: 'core' };
    const previous = JSON.parse(o.metadata.annotations![LAST_APPLIED]);
    previous.spec.template.spec.nodeSelector = { zone: 'core' };
    o.metadata.annotations![LAST_APPLIED] = JSON.stringify(previous);
  });
  const change = find(planChanges(input(live)), 'VirtualMachine', 'web-01');
  expect(change.fields).toEqual([
    { path: 'spec.template.spec.nodeSelector.zone', before: 'core', after: undefined },
  ]);
});

test('an empty map in the last-applied configuration (kubectl writes `annotations: {}`) removes nothing', () => {
  const previous = { metadata: { name: 'x', annotations: {} }, spec: { a: 1 } };
  expect(
    fieldDifferences(
      { metadata: { name: 'x' }, spec: { a: 1 } },
      {
        metadata: { name: 'x', annotations: { 'kubemacpool.io/transaction-timestamp': 't' } },
        spec: { a: 1 },
      },
      previous,
    ),
  ).toEqual([]);
  const labelled = { metadata: { name: 'x', labels: { app: 'web' } } };
  expect(fieldDifferences({ metadata: { name: 'x' } }, labelled, labelled)).toEqual([
    { path: 'metadata.labels.app', before: 'web', after: undefined },
  ]);
});

test('an update carries the live MACs over where the rendered VM asks for none (a site template), so the apply keeps them', () => {
  // What a site template without macAddress renders; v-auto's own template asks for the planned MACs.
  const bare = manifests.map((m) => {
    if (m.kind !== 'VirtualMachine') return m;
    const copy = structuredClone(m) as any;
    for (const i of copy.spec.template.spec.domain.devices.interfaces) delete i.macAddress;
    return copy as Manifest;
  });
  const live = replace(
    bare.map((m) => asStored(m)),
    'VirtualMachine',
    'web-01',
    (o) => (o.spec.template.spec.domain.cpu.cores = 1),
  );
  const change = find(planChanges(input(live, { manifests: bare })), 'VirtualMachine', 'web-01');
  const ifaces = (change.manifest!.spec as any).template.spec.domain.devices.interfaces;
  expect(ifaces.map((i: { macAddress?: string }) => i.macAddress)).toEqual([
    '02:00:00:00:00:00',
    '02:00:00:00:00:01',
  ]);
  // The rendered manifest itself is not touched.
  expect(
    (named(bare, 'VirtualMachine', 'web-01').spec as any).template.spec.domain.devices.interfaces[0]
      .macAddress,
  ).toBeUndefined();
});

test('Secret values never reach the plan, nor their sizes (an input in clear would show its length)', () => {
  const old = '#cloud-config\nhostname: x\n';
  const live = replace(
    allStored(),
    'Secret',
    'web-01-cloud-init',
    (o) => ((o as any).data.userdata = Buffer.from(old).toString('base64')),
  );
  const change = find(planChanges(input(live)), 'Secret', 'web-01-cloud-init');
  expect(change.fields).toEqual([
    { path: 'data.userdata', before: '<redacted>', after: '<redacted>', secret: true },
  ]);
  expect(JSON.stringify(change.fields)).not.toContain('hostname');
});

describe('a field that holds a document as text is compared field by field inside it', () => {
  test("a NAD's spec.config: the changed address, whole on both sides, not the JSON cut at a common prefix", () => {
    const live = replace(allStored(), 'NetworkAttachmentDefinition', 'web-01-lan', (o) => {
      o.spec.config = o.spec.config.replace('10.215.100.101/24', '10.215.100.199/24');
    });
    const change = find(planChanges(input(live)), 'NetworkAttachmentDefinition', 'web-01-lan');
    expect(change.fields).toEqual([
      {
        path: 'spec.config.ipam.addresses[0].address',
        before: '10.215.100.199/24',
        after: '10.215.100.101/24',
      },
    ]);
    expect(planLines(planChanges(input(live)))).toContain(
      '  ~ NetworkAttachmentDefinition web-01-lan: spec.config.ipam.addresses[0].address 10.215.100.199/24 → 10.215.100.101/24',
    );
  });

  test('a config that only moved its keys around is still a change of the text, shown as one', () => {
    const live = replace(allStored(), 'NetworkAttachmentDefinition', 'office', (o) => {
      const { name, ...rest } = JSON.parse(o.spec.config);
      o.spec.config = JSON.stringify({ ...rest, name });
    });
    const change = find(planChanges(input(live)), 'NetworkAttachmentDefinition', 'office');
    expect(change.fields!.map((f) => f.path)).toEqual(['spec.config']);
  });

  test('the cloud-init network-config (no secret in it) as text, field by field; the userdata stays masked', () => {
    const userdata = Buffer.from('#cloud-config\nhostname: x\n').toString('base64');
    const live = replace(allStored(), 'Secret', 'web-01-cloud-init', (o: any) => {
      const text = Buffer.from(o.data.networkdata, 'base64').toString();
      o.data.networkdata = Buffer.from(text.replace('10.215.100.101/24', '10.215.100.199/24')).toString(
        'base64',
      );
      o.data.userdata = userdata;
    });
    const change = find(planChanges(input(live, { showNetworkData: true })), 'Secret', 'web-01-cloud-init');
    expect(change.fields).toEqual([
      { path: 'data.userdata', before: '<redacted>', after: '<redacted>', secret: true },
      {
        path: 'data.networkdata.ethernets.lan.addresses[0]',
        before: '10.215.100.199/24',
        after: '10.215.100.101/24',
      },
    ]);
    expect(JSON.stringify(change.fields)).not.toContain('hostname');
  });

  test('a network-config that may hold a secret (a network_data reading inputs) stays masked, as by default', () => {
    const live = replace(allStored(), 'Secret', 'web-01-cloud-init', (o: any) => {
      const text = Buffer.from(o.data.networkdata, 'base64').toString();
      o.data.networkdata = Buffer.from(text.replace('10.215.100.101/24', '10.215.100.199/24')).toString(
        'base64',
      );
    });
    for (const extra of [{}, { showNetworkData: false }]) {
      const change = find(planChanges(input(live, extra)), 'Secret', 'web-01-cloud-init');
      expect(change.fields).toEqual([
        { path: 'data.networkdata', before: '<redacted>', after: '<redacted>', secret: true },
      ]);
    }
  });

  test('a network-config that does not read as YAML stays masked', () => {
    const live = replace(allStored(), 'Secret', 'web-01-cloud-init', (o: any) => {
      o.data.networkdata = Buffer.from('version: [2\n').toString('base64');
    });
    const change = find(planChanges(input(live)), 'Secret', 'web-01-cloud-init');
    expect(change.fields).toEqual([
      { path: 'data.networkdata', before: '<redacted>', after: '<redacted>', secret: true },
    ]);
  });
});

describe('what a running VM needs (LiveUpdate)', () => {
  const vm = (edit: (o: K8sObject) => void, status: object = {}) => {
    const live = manifests.map((m) => asStored(m, status));
    return find(
      planChanges(input(replace(live, 'VirtualMachine', 'web-01', edit))),
      'VirtualMachine',
      'web-01',
    );
  };
  test.each<[string, (o: K8sObject) => void, object, string]>([
    [
      'memory grows within 4× (the default maxGuest)',
      (o) => (o.spec.template.spec.domain.memory.guest = '2Gi'),
      {},
      'live',
    ],
    [
      'memory grows past an explicit maxGuest',
      (o) => Object.assign(o.spec.template.spec.domain.memory, { guest: '2Gi', maxGuest: '3Gi' }),
      {},
      'restart',
    ],
    ['memory grows past 4×', (o) => (o.spec.template.spec.domain.memory.guest = '512Mi'), {}, 'restart'],
    ['cores change', (o) => (o.spec.template.spec.domain.cpu.cores = 1), {}, 'restart'],
    ['only a label outside the template', (o) => (o.metadata.labels!['app'] = 'old'), {}, 'none'],
    [
      'cores change on a stopped VM',
      (o) => (o.spec.template.spec.domain.cpu.cores = 1),
      { printableStatus: 'Stopped', ready: false, created: false },
      'none',
    ],
  ])('%s: %s', (_label, edit, status, effect) => {
    expect(vm(edit, status).vm).toBe(effect);
  });

  // kubevirt/kubevirt@d923fdb pkg/virt-controller/watch/vm/vm.go handleMemoryHotplugRequest,
  // pkg/liveupdate/memory/memory.go ValidateLiveUpdateMemory.
  const memory = (guest: string) => (o: K8sObject) => (o.spec.template.spec.domain.memory.guest = guest);
  test.each<[string, (o: K8sObject) => void, object, K8sObject[], RegExp | undefined]>([
    ['less memory than the VM started with', memory('8Gi'), {}, [], /below what the VM started with/],
    [
      'less memory, still above what the VMI started with (hot-unplug)',
      memory('8Gi'),
      {},
      [
        {
          kind: 'VirtualMachineInstance',
          metadata: { name: 'web-01' },
          status: { memory: { guestAtBoot: '2Gi' } },
        } as K8sObject,
      ],
      undefined,
    ],
    [
      'more memory on a VM whose VMI cannot live-migrate',
      memory('2Gi'),
      {},
      [
        {
          kind: 'VirtualMachineInstance',
          metadata: { name: 'web-01' },
          status: {
            conditions: [{ type: 'LiveMigratable', status: 'False', reason: 'DisksNotLiveMigratable' }],
          },
        } as K8sObject,
      ],
      /live-migrate \(DisksNotLiveMigratable\)/,
    ],
  ])('%s', (_label, edit, status, vmis, reason) => {
    const live = manifests.map((m) => asStored(m, status));
    const change = find(
      planChanges(input(replace(live, 'VirtualMachine', 'web-01', edit), { vmis })),
      'VirtualMachine',
      'web-01',
    );
    expect(change.vm).toBe(reason ? 'restart' : 'live');
    if (reason) expect(change.restartReason).toMatch(reason);
  });

  test.each<[string, string, string, RegExp]>([
    ['not whole 2 MiB blocks', '2Gi', '3001Mi', /2Mi blocks/],
    ['under the 1 GiB minimum', '512Mi', '768Mi', /at least 1Gi/],
  ])('memory growth %s needs a restart', (_label, before, after, reason) => {
    const m = structuredClone(named(manifests, 'VirtualMachine', 'web-01')) as any;
    m.spec.template.spec.domain.memory.guest = after;
    const live = asStored(m);
    live.spec.template.spec.domain.memory.guest = before;
    const change = planChanges(input([live], { manifests: [m] })).changes[0];
    expect(change).toMatchObject({ action: 'update', vm: 'restart' });
    expect(change.restartReason).toMatch(reason);
  });

  test('more memory on a VM with a ReadWriteOnce disk needs a restart: it cannot live-migrate', () => {
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'web-01-rootdisk', labels: OWN },
      spec: { accessModes: ['ReadWriteOnce'] },
    } as K8sObject;
    const live = [...replace(allStored(), 'VirtualMachine', 'web-01', memory('2Gi')), pvc];
    const change = find(planChanges(input(live)), 'VirtualMachine', 'web-01');
    expect(change).toMatchObject({ vm: 'restart' });
    expect(change.restartReason).toMatch(/web-01-rootdisk is ReadWriteOnce/);
  });

  test('sockets within maxSockets are live', () => {
    const m = structuredClone(named(manifests, 'VirtualMachine', 'web-01')) as any;
    m.spec.template.spec.domain.cpu = { sockets: 3, maxSockets: 8 };
    const live = asStored(m);
    live.spec.template.spec.domain.cpu.sockets = 2;
    const change = planChanges(input([live], { manifests: [m] })).changes[0];
    expect(change).toMatchObject({ action: 'update', vm: 'live' });
    expect(planChanges(input([live], { manifests: [m] })).counts.restart).toBe(0);
  });
});

describe('foreign objects: never ours to write', () => {
  const owners: [string, Record<string, string> | undefined, string][] = [
    ['no labels', undefined, 'no v-auto labels'],
    [
      'another spec',
      { ...OWN, 'v-auto/spec': 'db' },
      'v-auto/managed=true, v-auto/project=demo, v-auto/spec=db',
    ],
    [
      'another project',
      { ...OWN, 'v-auto/project': 'other' },
      'v-auto/managed=true, v-auto/project=other, v-auto/spec=web',
    ],
  ];
  const cases = KINDS.flatMap(([kind, name]) =>
    owners.map(([who, labels, owner]) => [kind, name, who, labels, owner] as const),
  );
  test.each(cases)('%s %s of %s', (kind, name, _who, labels, owner) => {
    const live = replace(allStored(), kind, name, (o) => (o.metadata.labels = labels));
    const change = find(planChanges(input(live)), kind, name);
    expect(change).toMatchObject({ action: 'foreign', owner, adoptable: labels === undefined });
    expect(change.manifest).toBeUndefined();
  });

  test.each(cases)('--adopt: %s %s of %s', (kind, name, _who, labels) => {
    const live = replace(allStored(), kind, name, (o) => (o.metadata.labels = labels));
    const change = find(planChanges(input(live, { adopt: true })), kind, name);
    // Only unlabeled objects are adopted; those of another v-auto project or spec never are.
    if (labels === undefined) expect(change).toMatchObject({ action: 'update', adopt: true });
    else expect(change.action).toBe('foreign');
  });

  test('a PVC of another owner where a DataVolume goes is foreign, and never adoptable', () => {
    const pvc: K8sObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'web-01-rootdisk' },
    };
    const change = find(planChanges(input([pvc], { adopt: true })), 'DataVolume', 'web-01-rootdisk');
    expect(change).toMatchObject({ action: 'foreign', owner: 'no v-auto labels', adoptable: false });
  });
});

test('a DataVolume garbage-collected after import, its PVC ours, is imported, not created again', () => {
  const pvc: K8sObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'web-01-rootdisk', labels: { ...OWN, 'v-auto/name': 'web-01' } },
  };
  const live = [
    ...allStored().filter((o) => !(o.kind === 'DataVolume' && o.metadata.name === 'web-01-rootdisk')),
    pvc,
  ];
  const plan = planChanges(input(live));
  expect(find(plan, 'DataVolume', 'web-01-rootdisk').action).toBe('imported');
  expect(plan.changes.filter((c) => c.action === 'surplus')).toEqual([]);
});

describe("surplus: this spec's labels, not planned", () => {
  const labels = (instance: string) => ({ ...OWN, 'v-auto/name': instance });
  const extra = (kind: string, name: string, instance: string): K8sObject => ({
    apiVersion: 'v1',
    kind,
    metadata: { name, labels: labels(instance) },
  });
  const past = [
    extra('VirtualMachine', 'web-03', 'web-03'),
    extra('DataVolume', 'web-03-rootdisk', 'web-03'),
    extra('PersistentVolumeClaim', 'web-03-rootdisk', 'web-03'),
    extra('Secret', 'web-03-cloud-init', 'web-03'),
    extra('NetworkAttachmentDefinition', 'web-03-lan', 'web-03'),
    extra('VirtualMachine', 'web-04', 'web-04'),
  ];
  test.each(past.map((o) => [o.kind, o.metadata.name, o] as const))(
    '%s %s past replicas',
    (kind, name, o) => {
      const plan = planChanges(input([...allStored(), o]));
      expect(find(plan, kind, name)).toMatchObject({ action: 'surplus' });
      expect(plan.surplusInstances).toEqual([o.metadata.labels!['v-auto/name']]);
    },
  );

  test('instances are listed in number order; a --target deploy looks at its own instance only', () => {
    expect(planChanges(input([...allStored(), ...past])).surplusInstances).toEqual(['web-03', 'web-04']);
    expect(planChanges(input([...allStored(), ...past], { scope: ['web-01'] })).counts.surplus).toBe(0);
  });

  test('the NAD of a network the spec no longer attaches', () => {
    const plan = planChanges(
      input([...allStored(), extra('NetworkAttachmentDefinition', 'web-01-old', 'web-01')]),
    );
    expect(find(plan, 'NetworkAttachmentDefinition', 'web-01-old').action).toBe('surplus');
    expect(plan.surplusInstances).toEqual([]);
  });

  test("objects without this spec's labels are never surplus", () => {
    const plan = planChanges(
      input([
        ...allStored(),
        { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'web-05' } },
        {
          ...extra('VirtualMachine', 'db-01', 'db-01'),
          metadata: { name: 'db-01', labels: { ...OWN, 'v-auto/spec': 'db' } },
        },
      ]),
    );
    expect(plan.counts.surplus).toBe(0);
  });
});

describe('first-boot notices: cloud-init runs once per instance', () => {
  const userdata = (o: K8sObject) =>
    ((o as any).data.userdata = Buffer.from('#cloud-config\nold\n').toString('base64'));
  const address = (o: K8sObject) =>
    (o.spec.config = o.spec.config.replace('10.215.100.101', '10.215.100.99'));
  const networkdata = (o: K8sObject) => {
    const text = Buffer.from((o as any).data.networkdata, 'base64').toString();
    (o as any).data.networkdata = Buffer.from(text.replace('10.215.100.101/24', '10.215.100.99/24')).toString(
      'base64',
    );
  };
  test.each<[string, string, (o: K8sObject) => void, object, object | undefined]>([
    [
      'Secret',
      'web-01-cloud-init',
      userdata,
      {},
      {
        code: 'secret-after-first-boot',
        instance: 'web-01',
        secret: 'web-01-cloud-init',
        keys: ['userdata'],
      },
    ],
    [
      'NetworkAttachmentDefinition',
      'web-01-lan',
      address,
      {},
      { code: 'attachment-after-first-boot', instance: 'web-01', attachment: 'web-01-lan' },
    ],
    [
      'Secret',
      'web-01-cloud-init',
      networkdata,
      {},
      {
        code: 'secret-after-first-boot',
        instance: 'web-01',
        secret: 'web-01-cloud-init',
        keys: ['networkdata'],
      },
    ],
    [
      'Secret',
      'web-01-cloud-init',
      userdata,
      { printableStatus: 'Stopped', ready: false, created: false },
      undefined,
    ],
  ])('%s %s changed (VM status %j)', (kind, name, edit, status, notice) => {
    const live = manifests.map((m) => asStored(m, status));
    // The network-config compared field by field inside it still names the Secret's key.
    const change = find(
      planChanges(input(replace(live, kind, name, edit), { showNetworkData: true })),
      kind,
      name,
    );
    expect(change.action).toBe('update');
    expect(change.notices).toEqual(notice && [notice]);
  });
});

test.each([
  ['4096Mi', '4Gi', true],
  ['1Gi', '1073741824', true],
  ['1G', '1000M', true],
  ['500m', '0.5', true],
  ['1e3', '1k', true],
  ['30Gi', '30G', false],
  ['abc', 'abc', false],
])('quantity %s = %s: %s', (a, b, same) => {
  expect(sameQuantity(a, b)).toBe(same);
});

test('a rendered null is a change only where live has the field: it removes it, and there is nothing to remove otherwise', () => {
  expect(
    fieldDifferences(
      { metadata: { labels: { a: '1', gone: null } }, spec: { x: null } },
      { metadata: { labels: { a: '1' } }, spec: {} },
    ),
  ).toEqual([]);
  expect(fieldDifferences({ spec: { x: null } }, { spec: { x: 'set' } })).toEqual([
    { path: 'spec.x', before: 'set', after: null },
  ]);
});

test('quantities compare by value only where v-auto renders quantities', () => {
  expect(quantityValue('2Ki')).toBe(2048);
  expect(
    fieldDifferences({ spec: { memory: { guest: '4096Mi' } } }, { spec: { memory: { guest: '4Gi' } } }),
  ).toEqual([]);
  expect(
    fieldDifferences({ metadata: { labels: { v: '1k' } } }, { metadata: { labels: { v: '1000' } } }),
  ).toHaveLength(1);
});

describe('a VM stopped by v-auto stop keeps its live runStrategy', () => {
  const stopped = (o: K8sObject) => {
    o.metadata.annotations = { ...o.metadata.annotations, 'v-auto/stopped-at': '2026-12-01T10:00:00Z' };
    o.spec.runStrategy = 'Halted';
  };
  test.each<[string, (o: K8sObject) => void, string, string | undefined]>([
    ['stopped, nothing else changed: unchanged, marked', stopped, 'unchanged', '2026-12-01T10:00:00Z'],
    [
      'Halted without the annotation (stopped by hand): the spec wins',
      (o) => void (o.spec.runStrategy = 'Halted'),
      'update',
      undefined,
    ],
    [
      'an empty annotations map in the last-applied configuration is no change',
      (o) =>
        void (o.metadata.annotations = { [LAST_APPLIED]: JSON.stringify({ metadata: { annotations: {} } }) }),
      'unchanged',
      undefined,
    ],
  ])('%s', (_what, edit, action, stoppedAt) => {
    const plan = planChanges(input(replace(allStored(), 'VirtualMachine', 'web-01', edit)));
    const c = find(plan, 'VirtualMachine', 'web-01');
    expect(c.action).toBe(action);
    expect(c.stoppedAt).toBe(stoppedAt);
  });

  test('a changed template still reaches a stopped VM, sent with runStrategy Halted', () => {
    const live = replace(allStored(), 'VirtualMachine', 'web-01', (o) => {
      stopped(o);
      o.spec.template.spec.domain.cpu.cores = 8;
    });
    const c = find(planChanges(input(live)), 'VirtualMachine', 'web-01');
    expect(c.action).toBe('update');
    expect((c.manifest!.spec as { runStrategy: string }).runStrategy).toBe('Halted');
    expect(c.fields!.map((f) => f.path)).toEqual(['spec.template.spec.domain.cpu.cores']);
  });
});

test('the same plan over live objects with and without managedFields (OcRunner drops them on read)', () => {
  // Unchanged objects, an update and a surplus object: each decision and its fields.
  const withFields = [
    ...replace(allStored(), 'VirtualMachine', 'web-01', (o) => (o.spec.template.spec.domain.cpu.cores = 1)),
    asStored({ ...manifests[1], metadata: { ...manifests[1].metadata, name: 'web-09' } }),
  ];
  const without = structuredClone(withFields);
  for (const o of without) delete o.metadata.managedFields;
  expect(withFields.every((o) => o.metadata.managedFields)).toBe(true);
  const plan = planChanges(input(withFields));
  expect(plan.counts).toMatchObject({ update: 1, surplus: 1 });
  const strip = (p: ReturnType<typeof planChanges>) => ({
    ...p,
    changes: p.changes.map(({ live: _live, ...c }) => c),
  });
  expect(strip(planChanges(input(without)))).toEqual(strip(plan));
});

describe('what others added to a VM or repointed in it is kept (v-auto owns what it renders)', () => {
  const KEPT = 'v-auto/kept';
  const t = (o: K8sObject) => o.spec.template.spec;
  /** `virtctl addvolume --persist`: kubevirt/kubevirt@d923fdb pkg/controller/controller.go ApplyVolumeRequestOnVMISpec. */
  const hotplug = (o: K8sObject) => {
    t(o).volumes.push({ name: 'data1', dataVolume: { name: 'data1', hotpluggable: true } });
    t(o).domain.devices.disks.push({ name: 'data1', disk: { bus: 'scsi' } });
  };
  const nic = (o: K8sObject) => {
    t(o).domain.devices.interfaces.push({ name: 'nic-1', bridge: {}, macAddress: '02:00:00:00:00:09' });
    t(o).networks.push({ name: 'nic-1', multus: { networkName: 'other' } });
  };
  const vmOf = (live: K8sObject[]) => find(planChanges(input(live)), 'VirtualMachine', 'web-01');
  const sent = (c: { manifest?: any }, list: 'volumes' | 'disks' | 'interfaces' | 'networks') => {
    const s = c.manifest.spec.template.spec;
    return (list === 'volumes' || list === 'networks' ? s[list] : s.domain.devices[list]).map(
      (i: { name: string }) => i.name,
    );
  };

  test('a hot-plugged volume is no change, and is named once', () => {
    const change = vmOf(replace(allStored(), 'VirtualMachine', 'web-01', hotplug));
    expect(change).toMatchObject({ action: 'unchanged', kept: ['hot-plugged volume data1'] });
  });

  test('an interface added from the console is no change, and is named once', () => {
    const change = vmOf(replace(allStored(), 'VirtualMachine', 'web-01', nic));
    expect(change).toMatchObject({ action: 'unchanged', kept: ['interface nic-1 added outside v-auto'] });
  });

  test("an update for v-auto's own change sends the kept items back, and records them as not v-auto's", () => {
    const live = replace(allStored(), 'VirtualMachine', 'web-01', (o) => {
      hotplug(o);
      nic(o);
      t(o).domain.cpu.cores = 1;
    });
    const change = vmOf(live);
    expect(change.fields!.map((f) => f.path)).toEqual(['spec.template.spec.domain.cpu.cores']);
    expect(sent(change, 'volumes')).toEqual(['rootdisk', 'cloudinitdisk', 'data1']);
    expect(sent(change, 'disks')).toEqual(['rootdisk', 'cloudinitdisk', 'data1']);
    expect(sent(change, 'interfaces')).toEqual(['lan', 'office', 'nic-1']);
    expect(sent(change, 'networks')).toEqual(['lan', 'office', 'nic-1']);
    expect((change.manifest!.metadata as any).annotations?.[KEPT]).toBe(
      'volumes/data1,disks/data1,interfaces/nic-1,networks/nic-1',
    );
    // After that apply, kubectl's last-applied holds them too: they are still not v-auto's.
    const applied = asStored(change.manifest!);
    Object.assign(applied.spec.template.spec.domain.cpu, { cores: 2 });
    expect(vmOf([applied])).toMatchObject({
      action: 'unchanged',
      kept: ['hot-plugged volume data1', 'interface nic-1 added outside v-auto'],
    });
    // Unplugged by its operator: nothing left to keep, and nothing for v-auto to remove.
    const unplugged = replace([applied], 'VirtualMachine', 'web-01', (o) => {
      t(o).volumes = t(o).volumes.filter((v: { name: string }) => v.name !== 'data1');
      t(o).domain.devices.disks = t(o).domain.devices.disks.filter(
        (d: { name: string }) => d.name !== 'data1',
      );
    });
    expect(vmOf(unplugged)).toMatchObject({
      action: 'unchanged',
      kept: ['interface nic-1 added outside v-auto'],
    });
  });

  test('what is kept goes into a copy: the rendered manifests stay as rendered', () => {
    const rendered = manifests.find((m) => m.kind === 'VirtualMachine' && m.metadata.name === 'web-01')!;
    const before = JSON.stringify(rendered);
    const change = vmOf(
      replace(allStored(), 'VirtualMachine', 'web-01', (o) => {
        hotplug(o);
        t(o).domain.cpu.cores = 1;
      }),
    );
    expect(sent(change, 'volumes')).toContain('data1');
    expect(JSON.stringify(rendered)).toBe(before);
  });

  test('a volume v-auto applied and no longer renders is removed', () => {
    const live = replace(allStored(), 'VirtualMachine', 'web-01', (o) => {
      const add = (x: any) => {
        x.spec.template.spec.volumes.push({ name: 'old', dataVolume: { name: 'old' } });
        x.spec.template.spec.domain.devices.disks.push({ name: 'old', disk: {} });
      };
      add(o);
      const previous = JSON.parse(o.metadata.annotations![LAST_APPLIED]);
      add(previous);
      o.metadata.annotations![LAST_APPLIED] = JSON.stringify(previous);
    });
    const change = vmOf(live);
    expect(change.action).toBe('update');
    expect(change.kept).toBeUndefined();
    expect(sent(change, 'volumes')).toEqual(['rootdisk', 'cloudinitdisk']);
  });

  test('a root disk a restore repointed stays where it points, named with what the spec renders', () => {
    const restored = (o: K8sObject) => (t(o).volumes[0].dataVolume.name = 'restore-6f1c-rootdisk');
    const change = vmOf(replace(allStored(), 'VirtualMachine', 'web-01', restored));
    expect(change).toMatchObject({
      action: 'unchanged',
      kept: [
        'volume rootdisk on restore-6f1c-rootdisk (restored or migrated outside v-auto; the spec renders web-01-rootdisk)',
      ],
    });
    // With another change, the update keeps the restored claim and says so in its record.
    const drifted = vmOf(
      replace(allStored(), 'VirtualMachine', 'web-01', (o) => {
        restored(o);
        t(o).domain.cpu.cores = 1;
      }),
    );
    expect((drifted.manifest!.spec as any).template.spec.volumes[0].dataVolume.name).toBe(
      'restore-6f1c-rootdisk',
    );
    expect((drifted.manifest!.metadata as any).annotations?.[KEPT]).toBe('volumes/rootdisk');
    const applied = asStored(drifted.manifest!);
    applied.spec.template.spec.domain.cpu.cores = 2;
    expect(vmOf([applied])).toMatchObject({
      action: 'unchanged',
      kept: [expect.stringMatching(/^volume rootdisk on restore-6f1c-rootdisk/)],
    });
  });

  test("a claim v-auto itself applied and now renders differently is v-auto's change", () => {
    const live = replace(allStored(), 'VirtualMachine', 'web-01', (o) => {
      t(o).volumes[0].dataVolume.name = 'web-01-olddisk';
      const previous = JSON.parse(o.metadata.annotations![LAST_APPLIED]);
      previous.spec.template.spec.volumes[0].dataVolume.name = 'web-01-olddisk';
      o.metadata.annotations![LAST_APPLIED] = JSON.stringify(previous);
    });
    const change = vmOf(live);
    expect(change).toMatchObject({ action: 'update' });
    expect(change.kept).toBeUndefined();
    expect((change.manifest!.spec as any).template.spec.volumes[0].dataVolume.name).toBe('web-01-rootdisk');
  });
});
