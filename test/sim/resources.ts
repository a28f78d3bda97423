// The fixed set of API resources the simulator serves, with the names, kinds, verbs and short names a real cluster advertises.
import { INSTANCETYPE_RESOURCES } from './instancetypes.js';

/** One served resource type, as discovery describes it. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in the URL
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Kinds whose status only a controller writes: status in a create/update body is ignored, like a status subresource. */
  hasStatus: boolean;
  /** File under the schemas directory validating this kind, if any. */
  schemaFile?: string;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    categories: [],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    hasStatus: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    hasStatus: false,
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    categories: [],
    verbs: ALL_VERBS,
    hasStatus: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    verbs: ALL_VERBS,
    hasStatus: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    categories: [],
    verbs: ALL_VERBS,
    hasStatus: false,
  },
  {
    group: 'kubevirt.io',
    version: 'v1',
    resource: 'virtualmachines',
    singular: 'virtualmachine',
    kind: 'VirtualMachine',
    namespaced: true,
    shortNames: ['vm', 'vms'],
    categories: ['all'],
    verbs: ALL_VERBS,
    hasStatus: true,
    schemaFile: 'kubevirt.io/virtualmachine_v1.json',
  },
  {
    group: 'kubevirt.io',
    version: 'v1',
    resource: 'virtualmachineinstances',
    singular: 'virtualmachineinstance',
    kind: 'VirtualMachineInstance',
    namespaced: true,
    shortNames: ['vmi', 'vmis'],
    categories: ['all'],
    verbs: ALL_VERBS,
    hasStatus: true,
    schemaFile: 'kubevirt.io/virtualmachineinstance_v1.json',
  },
  {
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    resource: 'datavolumes',
    singular: 'datavolume',
    kind: 'DataVolume',
    namespaced: true,
    shortNames: ['dv', 'dvs'],
    categories: ['all'],
    verbs: ALL_VERBS,
    hasStatus: true,
    schemaFile: 'cdi.kubevirt.io/datavolume_v1beta1.json',
  },
  {
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    resource: 'datasources',
    singular: 'datasource',
    kind: 'DataSource',
    namespaced: true,
    shortNames: ['das'],
    categories: ['all'],
    verbs: ALL_VERBS,
    hasStatus: true,
  },
  {
    // CDI's aggregated API: a create returns the token in status and nothing is stored.
    group: 'upload.cdi.kubevirt.io',
    version: 'v1beta1',
    resource: 'uploadtokenrequests',
    singular: 'uploadtokenrequest',
    kind: 'UploadTokenRequest',
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ['create'],
    hasStatus: false,
  },
  {
    group: 'route.openshift.io',
    version: 'v1',
    resource: 'routes',
    singular: 'route',
    kind: 'Route',
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    hasStatus: true,
  },
  {
    group: 'k8s.cni.cncf.io',
    version: 'v1',
    resource: 'network-attachment-definitions',
    singular: 'network-attachment-definition',
    kind: 'NetworkAttachmentDefinition',
    namespaced: true,
    shortNames: ['net-attach-def'],
    categories: [],
    verbs: ALL_VERBS,
    hasStatus: false,
    schemaFile: 'k8s.cni.cncf.io/networkattachmentdefinition_v1.json',
  },
  // OVN-Kubernetes' user-defined networks (ovn-kubernetes/ovn-kubernetes@8871cd9c
  // go-controller/pkg/crd/userdefinednetwork/v1: cudn.go cluster-scoped, udn.go namespaced).
  {
    group: 'k8s.ovn.org',
    version: 'v1',
    resource: 'clusteruserdefinednetworks',
    singular: 'clusteruserdefinednetwork',
    kind: 'ClusterUserDefinedNetwork',
    namespaced: false,
    shortNames: ['cudn'],
    categories: [],
    verbs: ALL_VERBS,
    hasStatus: true,
  },
  {
    group: 'k8s.ovn.org',
    version: 'v1',
    resource: 'userdefinednetworks',
    singular: 'userdefinednetwork',
    kind: 'UserDefinedNetwork',
    namespaced: true,
    shortNames: ['udn'],
    categories: [],
    verbs: ALL_VERBS,
    hasStatus: true,
  },
  ...INSTANCETYPE_RESOURCES,
];

export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** `virtualmachines.kubevirt.io` or `secrets`: how API errors name a resource. */
export function qualifiedResource(rt: ResourceType): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

/** `VirtualMachine.kubevirt.io` or `Secret`: how Invalid errors name a kind. */
export function qualifiedKind(rt: ResourceType): string {
  return rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
}

export function byKind(kind: string): ResourceType {
  const rt = RESOURCES.find((r) => r.kind === kind);
  if (!rt) throw new Error(`simulator: unknown kind ${kind}`);
  return rt;
}

export function byPath(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** Group-versions served, in discovery order. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}
