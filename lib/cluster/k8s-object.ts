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

/** The kinds v-auto reads and writes: the resource's plural name, the apiVersion v-auto uses, and whether it lives outside namespaces. */
export const KIND_RESOURCE: Record<string, { plural: string; apiVersion: string; clusterScoped?: boolean }> =
  {
    Namespace: { plural: 'namespaces', apiVersion: 'v1', clusterScoped: true },
    Secret: { plural: 'secrets', apiVersion: 'v1' },
    PersistentVolumeClaim: { plural: 'persistentvolumeclaims', apiVersion: 'v1' },
    Pod: { plural: 'pods', apiVersion: 'v1' },
    Event: { plural: 'events', apiVersion: 'v1' },
    VirtualMachine: { plural: 'virtualmachines', apiVersion: 'kubevirt.io/v1' },
    VirtualMachineInstance: { plural: 'virtualmachineinstances', apiVersion: 'kubevirt.io/v1' },
    DataVolume: { plural: 'datavolumes', apiVersion: 'cdi.kubevirt.io/v1beta1' },
    DataSource: { plural: 'datasources', apiVersion: 'cdi.kubevirt.io/v1beta1' },
    // Read for the upload proxy's address (OpenShift: route cdi-uploadproxy in openshift-cnv).
    Route: { plural: 'routes', apiVersion: 'route.openshift.io/v1' },
    // Created (never stored by the cluster) for a file: image's upload token.
    UploadTokenRequest: { plural: 'uploadtokenrequests', apiVersion: 'upload.cdi.kubevirt.io/v1beta1' },
    NetworkAttachmentDefinition: {
      plural: 'network-attachment-definitions',
      apiVersion: 'k8s.cni.cncf.io/v1',
    },
    // Read only, by deploy's check that a spec's instance type and preference exist.
    VirtualMachineClusterInstancetype: {
      plural: 'virtualmachineclusterinstancetypes',
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
      clusterScoped: true,
    },
    VirtualMachineInstancetype: {
      plural: 'virtualmachineinstancetypes',
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
    },
    VirtualMachineClusterPreference: {
      plural: 'virtualmachineclusterpreferences',
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
      clusterScoped: true,
    },
    VirtualMachinePreference: {
      plural: 'virtualmachinepreferences',
      apiVersion: 'instancetype.kubevirt.io/v1beta1',
    },
  };

function groupOf(kind: string): string {
  const apiVersion = KIND_RESOURCE[kind]?.apiVersion ?? '';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The resource as both oc and kubectl accept it, group-qualified so no other CRD can shadow it. */
export function qualifiedResource(kind: string): string {
  const group = groupOf(kind);
  const plural = KIND_RESOURCE[kind]?.plural ?? kind;
  return group ? `${plural}.${group}` : plural;
}

/** `plural.version.group` (`secrets` for the core group): the resource at exactly v-auto's version. */
export function versionedResource(kind: string): string {
  const { plural, apiVersion } = KIND_RESOURCE[kind];
  const [group, version] = apiVersion.split('/');
  return version ? `${plural}.${version}.${group}` : plural;
}

/**
 * The API path that lists `kind` in `namespace` (everywhere when undefined; cluster-scoped kinds
 * ignore it), optionally with a label selector: what `oc get --raw` reads.
 */
export function listPath(kind: string, namespace?: string, selector?: string): string {
  const { plural, apiVersion, clusterScoped } = KIND_RESOURCE[kind];
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const scope =
    namespace !== undefined && !clusterScoped ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${plural}${selector ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`;
}

/** How kubectl names an object in its output: `secret/x`, `virtualmachine.kubevirt.io/x`. */
export function printedType(kind: string): string {
  const group = groupOf(kind);
  return group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
}

/** The kind for a printed type (`datavolume.cdi.kubevirt.io` → DataVolume). */
export function kindOfPrintedType(type: string): string | undefined {
  return Object.keys(KIND_RESOURCE).find((k) => printedType(k) === type);
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The configuration kubectl last applied to `o`, parsed; undefined when it carries none or it is not JSON. */
export function lastApplied(o: K8sObject): any {
  const text = o.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
