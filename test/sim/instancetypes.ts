// KubeVirt instance types and preferences in the simulator: the four resource types, the common cluster
// set virt-operator deploys, the VM webhook's check that a referenced one exists, and the controller
// that records the revision a VM uses.
//
// Read at kubevirt/kubevirt v1.4.0 (9b9b3d4e7b681af96ca1b6b6a5cea75e2f05ce5b, OpenShift 4.18) and
// v1.5.0 (522b44c0ce8d1909618324cb083d69e5c7a0a234, OpenShift 4.19):
// - pkg/virt-operator/resource/generate/components/crds.go: group instancetype.kubevirt.io, served
//   version v1beta1, short names (vmcf, vmf, vmcp, vmp…), the namespaced kinds in category "all".
// - pkg/virt-api/webhooks/validating-webhook/admitters/vms-admitter.go (v1.4) and
//   pkg/instancetype/webhooks/vm/admitter.go (v1.5): a VM whose instance type or preference cannot be
//   found is denied with "Failure to find instancetype: <err>" / "Failure to find preference: <err>",
//   <err> being the client's NotFound (`virtualmachineclusterinstancetypes.instancetype.kubevirt.io
//   "x" not found`); causes are joined by pkg/util/webhooks/webhooks.go ToAdmissionResponse. KubeVirt
//   v1.6 (OpenShift 4.20) admits such a VM instead and its controller fails to sync it
//   (kubevirt/kubevirt@02aecb1f "Admit when instance type or preference not found").
// - pkg/instancetype/instancetype.go (v1.4) StoreControllerRevisions: the VM controller stores a
//   ControllerRevision and patches `spec.instancetype.revisionName` / `spec.preference.revisionName`
//   (test-for-null, add), named GetRevisionName: `<vm>-<object>-<version>-<uid>-<generation>`
//   (kubevirt#10145). v1.5+ records it in status.instancetypeRef instead. The ControllerRevision
//   objects themselves are not modelled here.
// - pkg/instancetype/webhooks/vm/mutator.go validateMatcherUpdate: once a revisionName is set, an
//   update that changes the matcher's name but keeps the revisionName is denied with "the Matcher
//   Name has been updated without updating the RevisionName".
import { COMMON_INSTANCETYPES, COMMON_PREFERENCES } from '../../lib/config/common-instancetypes.js';
import { webhookDenied } from './api-errors.js';
import type { Scheduler } from './controllers.js';
import type { ResourceType } from './resources.js';
import type { Admission } from './server.js';
import type { Obj, ObjectStore } from './store.js';

const GROUP = 'instancetype.kubevirt.io';
const VERSION = 'v1beta1';
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const type = (kind: string, namespaced: boolean, shortNames: string[]): ResourceType => ({
  group: GROUP,
  version: VERSION,
  resource: `${kind.toLowerCase()}s`,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  shortNames,
  categories: namespaced ? ['all'] : [],
  verbs: VERBS,
  hasStatus: false,
});

export const INSTANCETYPE_RESOURCES: ResourceType[] = [
  type('VirtualMachineInstancetype', true, ['vminstancetype', 'vminstancetypes', 'vmf', 'vmfs']),
  type('VirtualMachineClusterInstancetype', false, [
    'vmclusterinstancetype',
    'vmclusterinstancetypes',
    'vmcf',
    'vmcfs',
  ]),
  type('VirtualMachinePreference', true, ['vmpref', 'vmprefs', 'vmp', 'vmps']),
  type('VirtualMachineClusterPreference', false, ['vmcp', 'vmcps']),
];

/** The common cluster set (kubevirt/common-instancetypes v1.4.1): size only, the other fields left out. */
export function commonInstancetypeObjects(): Obj[] {
  const labels = {
    'instancetype.kubevirt.io/vendor': 'kubevirt.io',
    'instancetype.kubevirt.io/common-instancetypes-version': 'v1.4.1',
    'app.kubernetes.io/managed-by': 'virt-operator',
  };
  return [
    ...Object.entries(COMMON_INSTANCETYPES).map(([name, [cpu, memory]]) => ({
      kind: 'VirtualMachineClusterInstancetype',
      metadata: { name, labels },
      spec: { cpu: { guest: cpu }, memory: { guest: memory } },
    })),
    ...COMMON_PREFERENCES.map((name) => ({
      kind: 'VirtualMachineClusterPreference',
      metadata: { name, labels },
      spec: {},
    })),
  ];
}

const WEBHOOK = 'virtualmachine-validator.kubevirt.io';
const MATCHERS = [
  {
    field: 'instancetype',
    what: 'instancetype',
    cluster: 'VirtualMachineClusterInstancetype',
    namespaced: 'VirtualMachineInstancetype',
  },
  {
    field: 'preference',
    what: 'preference',
    cluster: 'VirtualMachineClusterPreference',
    namespaced: 'VirtualMachinePreference',
  },
] as const;

function referenced(
  store: ObjectStore,
  vm: Obj,
  m: (typeof MATCHERS)[number],
): { kind: string; name: string; found?: Obj } | undefined {
  const matcher = vm.spec?.[m.field];
  if (!matcher?.name) return undefined;
  // An empty kind means the cluster-wide one (pkg/instancetype/find/spec.go).
  const lower = String(matcher.kind ?? '').toLowerCase();
  const kind = lower === '' || lower.startsWith('virtualmachinecluster') ? m.cluster : m.namespaced;
  return { kind, name: matcher.name, found: store.get(kind, vm.metadata.namespace, matcher.name) };
}

/** The VM webhooks' part about instance types: a missing one is denied, a renamed matcher must drop its revisionName. */
export function admitInstancetypes(store: ObjectStore, vm: Obj, old: Obj | undefined): void {
  const causes: { reason: string; message: string; field: string }[] = [];
  for (const m of MATCHERS) {
    const oldMatcher = old?.spec?.[m.field];
    const matcher = vm.spec?.[m.field];
    if (
      oldMatcher?.revisionName &&
      matcher &&
      oldMatcher.name !== matcher.name &&
      oldMatcher.revisionName === matcher.revisionName
    ) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: 'the Matcher Name has been updated without updating the RevisionName',
        field: `spec.${m.field}.revisionName`,
      });
    }
  }
  if (causes.length)
    throw webhookDenied(
      'virtualmachines-mutator.kubevirt.io',
      causes.map((c) => c.message).join(', '),
      422,
      causes,
      'Invalid',
    );
  for (const m of MATCHERS) {
    const ref = referenced(store, vm, m);
    if (!ref || ref.found) continue;
    const resource = `${ref.kind.toLowerCase()}s.${GROUP}`;
    const message = `Failure to find ${m.what}: ${resource} "${ref.name}" not found`;
    // The admitter returns at the first missing one (instance type before preference).
    throw webhookDenied(
      WEBHOOK,
      message,
      422,
      [{ reason: 'FieldValueNotFound', message, field: `spec.${m.field}` }],
      'Invalid',
    );
  }
}

/** The VM controller's part: record the revision of each referenced instance type and preference once. */
export function revisionNamePatch(store: ObjectStore, vm: Obj): Obj | undefined {
  let next: Obj | undefined;
  for (const m of MATCHERS) {
    const ref = referenced(store, vm, m);
    if (!ref?.found || vm.spec[m.field].revisionName) continue;
    next = next ?? structuredClone(vm);
    const o = ref.found;
    next.spec[m.field].revisionName =
      `${vm.metadata.name}-${o.metadata.name}-${VERSION}-${o.metadata.uid}-${o.metadata.generation ?? 1}`;
  }
  return next;
}

/**
 * Seeds the common set and starts the revision controller; returns the admission step for the
 * server. The common objects are created like any other, so kubectl can get, list and delete them.
 */
export function installInstancetypes(store: ObjectStore, scheduler: Scheduler, stepMs: number): Admission {
  for (const o of commonInstancetypeObjects()) store.create(o);
  store.onChange((kind, type, obj) => {
    if (kind !== 'VirtualMachine' || type === 'DELETED') return;
    const { namespace, name } = obj.metadata;
    scheduler.schedule(
      stepMs,
      () => {
        const vm = store.get('VirtualMachine', namespace, name);
        const next = vm && revisionNamePatch(store, vm);
        if (next) store.update(next);
      },
      `instancetype:${namespace}/${name}`,
    );
  });
  return (rt, obj, old) => {
    if (rt.kind === 'VirtualMachine') admitInstancetypes(store, obj, old);
  };
}
