// Shapes of the Kubernetes objects v-auto reads back from oc, and the kinds it manages.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/** Resource names as both oc and kubectl accept them, with the group they print. */
export const KIND_RESOURCE: Record<string, { resource: string; group: string }> = {
  Namespace: { resource: 'namespaces', group: '' },
  Secret: { resource: 'secrets', group: '' },
  PersistentVolumeClaim: { resource: 'persistentvolumeclaims', group: '' },
  Pod: { resource: 'pods', group: '' },
  Event: { resource: 'events', group: '' },
  VirtualMachine: { resource: 'virtualmachines.kubevirt.io', group: 'kubevirt.io' },
  VirtualMachineInstance: { resource: 'virtualmachineinstances.kubevirt.io', group: 'kubevirt.io' },
  DataVolume: { resource: 'datavolumes.cdi.kubevirt.io', group: 'cdi.kubevirt.io' },
  NetworkAttachmentDefinition: { resource: 'network-attachment-definitions.k8s.cni.cncf.io', group: 'k8s.cni.cncf.io' },
};

/** How kubectl names an object in its output: `secret/x`, `virtualmachine.kubevirt.io/x`. */
export function printedType(kind: string): string {
  const group = KIND_RESOURCE[kind]?.group;
  return group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
}

/** The kind for a printed type (`datavolume.cdi.kubevirt.io` → DataVolume). */
export function kindOfPrintedType(type: string): string | undefined {
  return Object.keys(KIND_RESOURCE).find((k) => printedType(k) === type);
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
