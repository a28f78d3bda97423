// Instance and resource names: two-digit numbering, the per-instance suffixes, DNS-1123 checks.
// The one rule for these names: the planner builds them here, and delete and deploy read them back here.
import { createHash } from 'node:crypto';
import { DNS_LABEL, MAX_REPLICAS } from '../config/rules.js';
import type { GoldenImage } from '../config/settings.js';
import { usageError } from '../errors.js';

/** `web`, 1 → `web-01`; numbers past 99 keep all their digits (`web-100`). */
export function instanceName(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(2, '0')}`;
}

/** The VM template annotation that asks OVN-Kubernetes for a primary UDN address (render-manifests.ts says how). */
export const UDN_ADDRESSES_ANNOTATION = 'network.kubevirt.io/addresses';

/**
 * The namespace label a primary user-defined network needs, and only at the namespace's creation:
 * OVN-Kubernetes renders no primary NAD in a namespace without it, and its ValidatingAdmissionPolicy
 * user-defined-networks-namespace-label refuses adding or removing it later
 * (ovn-kubernetes/ovn-kubernetes@8871cd9c go-controller/pkg/types/const.go RequiredUDNNamespaceLabel,
 * go-controller/pkg/clustermanager/userdefinednetwork/controller_helper.go updateNAD,
 * helm/ovn-kubernetes/charts/ovnkube-control-plane/templates/rbac-ovnkube-cluster-manager.yaml).
 */
export const PRIMARY_UDN_NAMESPACE_LABEL = 'k8s.ovn.org/primary-user-defined-network';

/** The instance's root disk: a DataVolume and the PVC CDI creates for it. */
export const rootDiskName = (instance: string) => `${instance}-rootdisk`;
/** The instance whose root disk (DataVolume or PVC) `name` is; undefined for any other name. */
export function instanceOfRootDisk(name: string): string | undefined {
  const suffix = rootDiskName('');
  return name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
}
/**
 * A golden image's DataVolume (and the PVC CDI makes for it): the catalog name and 8 hex digits of
 * what it is made from, so a new URL, file (or its checksum) or size makes a new disk beside the old
 * one (a DataVolume's spec cannot change) while the DataSource, named after the image, moves to it.
 */
export function goldenDiskName(image: Pick<GoldenImage, 'name' | 'source' | 'size' | 'sha256'>): string {
  // A file's checksum is what it holds; for a URL or registry it is only recorded (an annotation).
  const sha256 = 'file' in image.source ? (image.sha256 ?? null) : null;
  const what = JSON.stringify({ source: image.source, size: image.size, sha256 });
  return `${image.name}-${createHash('sha256').update(what).digest('hex').slice(0, 8)}`;
}
/** A golden image's DataSource, which every instance's disk names in its sourceRef. */
export const goldenSourceName = (image: Pick<GoldenImage, 'name'>) => image.name;
/** The instance's cloud-init Secret. */
export const cloudInitSecretName = (instance: string) => `${instance}-cloud-init`;
/** The NAD v-auto creates for one instance on a static network. */
export const instanceNadName = (instance: string, nadName: string) => `${instance}-${nadName}`;

/**
 * Whether `name` is exactly a name the planner gives some instance of `prefix`: `web-01` … `web-99`,
 * `web-100` … up to the largest replica count; never `web-00`, `web-1`, `web-010`, `web-0001`.
 */
export function isInstanceName(prefix: string, name: string): boolean {
  if (!name.startsWith(`${prefix}-`)) return false;
  const digits = name.slice(prefix.length + 1);
  if (!/^\d{1,7}$/.test(digits)) return false;
  const index = Number(digits);
  return index >= 1 && index <= MAX_REPLICAS && instanceName(prefix, index) === name;
}

/**
 * The instance a resource name belongs to: the instance itself or one of its derived names
 * (root disk, cloud-init Secret, its NAD on one of `nadNames`); undefined for any other name.
 */
export function instanceOfResource(prefix: string, name: string, nadNames: string[]): string | undefined {
  if (isInstanceName(prefix, name)) return name;
  const candidates = [
    rootDiskName(''),
    cloudInitSecretName(''),
    ...nadNames.map((n) => instanceNadName('', n)),
  ];
  for (const suffix of candidates) {
    if (name.endsWith(suffix) && isInstanceName(prefix, name.slice(0, -suffix.length)))
      return name.slice(0, -suffix.length);
  }
  return undefined;
}

/** Throws unless `name` is a DNS-1123 label of at most 63 characters. */
export function assertDnsLabel(name: string, what: string): void {
  if (name.length > 63) {
    throw usageError(
      `${what} "${name}" is ${name.length} characters; Kubernetes names are limited to 63`,
      'shorten name_prefix or the network nad_name',
    );
  }
  if (!DNS_LABEL.test(name)) {
    throw usageError(
      `${what} "${name}" is not a valid name: use lower case letters, digits and "-" (DNS-1123 label)`,
    );
  }
}
