// What v-auto owns: its label keys, the selectors built from them, and whether an object is ours.
// The one place these rules live; render writes the labels, and every read and decision asks here.

/** The label keys on every object v-auto writes. */
export const LABEL = {
  managed: 'v-auto/managed',
  project: 'v-auto/project',
  spec: 'v-auto/spec',
  name: 'v-auto/name',
  /** On a project's shared NADs, which carry no spec or name. */
  shared: 'v-auto/shared',
  /** On a golden image's DataVolume and DataSource, which carry no spec or name: the catalog entry's name. */
  image: 'v-auto/image',
} as const;

/**
 * Set by `v-auto … stop` on a VM (with runStrategy Halted) to the time it was stopped; removed by
 * `start`. While it is there, deploy keeps the VM's live runStrategy instead of the spec's.
 */
export const STOPPED_AT_ANNOTATION = 'v-auto/stopped-at';

/**
 * On a VM whose update carried list items v-auto did not render (a hot-plugged volume, a restored
 * volume's claim): `volumes/data1,disks/data1`. It travels in the applied configuration, so the
 * last-applied annotation still tells what v-auto itself applied (changes/kept-items.ts).
 */
export const KEPT_ANNOTATION = 'v-auto/kept';

/**
 * OpenShift Virtualization's delete protection (4.19): a VM labelled `kubevirt.io/vm-delete-protection`
 * `true` or `True` cannot be deleted. The SSP operator's ValidatingAdmissionPolicy denies the DELETE
 * with "VirtualMachine NAME cannot be deleted, remove delete protection" (CEL
 * `…labels[variables.label].matches('^(true|True)$')`, kubevirt/ssp-operator@aa0a5ccddfd89eb93ba556f49150025fbfc3ac9a
 * internal/operands/vm-delete-protection/resources.go). v-auto reads it; it never sets or removes it.
 */
export const DELETE_PROTECTION_LABEL = 'kubevirt.io/vm-delete-protection';

/** Whether the admission policy above refuses to delete this object. */
export function isDeleteProtected(o: {
  kind: string;
  metadata: { labels?: Record<string, string> };
}): boolean {
  return (
    o.kind === 'VirtualMachine' && /^(true|True)$/.test(o.metadata.labels?.[DELETE_PROTECTION_LABEL] ?? '')
  );
}

export type Labels = Readonly<Record<string, string>> | undefined;
export type Selector = Record<string, string>;

/** The spec an object belongs to: its project and spec name. */
export interface SpecRef {
  project: string;
  spec: string;
}

/** `v-auto/managed=true`: every object v-auto wrote, in every project. */
export function managedSelector(): Selector {
  return { [LABEL.managed]: 'true' };
}

/** `v-auto/managed=true,v-auto/project=P`: every spec's objects and the project's shared NADs. */
export function projectSelector(owner: Pick<SpecRef, 'project'>): Selector {
  return { [LABEL.managed]: 'true', [LABEL.project]: owner.project };
}

/** `v-auto/managed=true,v-auto/project=P,v-auto/spec=S[,v-auto/name=T]`. */
export function specSelector(owner: SpecRef, target?: string): Selector {
  const selector: Selector = { ...projectSelector(owner), [LABEL.spec]: owner.spec };
  if (target) selector[LABEL.name] = target;
  return selector;
}

/** `v-auto/managed=true,v-auto/project=P,v-auto/shared=true`: the project's shared NADs. */
export function sharedSelector(owner: Pick<SpecRef, 'project'>): Selector {
  return { ...projectSelector(owner), [LABEL.shared]: 'true' };
}

/** `v-auto/managed=true,v-auto/project=P,v-auto/image=I`: golden image I's DataVolumes and DataSource. */
export function imageSelector(owner: Pick<SpecRef, 'project'>, image: string): Selector {
  return { ...projectSelector(owner), [LABEL.image]: image };
}

/** A selector as `oc get -l` and the API's `labelSelector` take it. */
export function selectorString(selector: Selector): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Whether `labels` carry every pair of `selector` (what the API server does with an equality selector). */
export function matches(labels: Labels, selector: Selector): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The labels v-auto writes on an instance's objects, over the spec's own `labels`. */
export function instanceLabels(owner: SpecRef, instance: string, extra: Labels = {}): Selector {
  return { ...extra, ...specSelector(owner, instance) };
}

/** The labels v-auto writes on a project's shared NAD, over the spec's own `labels`. */
export function sharedNadLabels(owner: Pick<SpecRef, 'project'>, extra: Labels = {}): Selector {
  return { ...extra, ...sharedSelector(owner) };
}

/** The labels v-auto writes on a golden image's DataVolume and DataSource, over the spec's own `labels`. */
export function goldenLabels(owner: Pick<SpecRef, 'project'>, image: string, extra: Labels = {}): Selector {
  return { ...extra, ...imageSelector(owner, image) };
}

/** The golden image an object belongs to (its DataVolume, DataSource, or the PVC CDI made); none for others. */
export function imageLabel(labels: Labels): string | undefined {
  return labels?.[LABEL.image];
}

/** The instance an object belongs to (`web-01`); a project's shared NADs have none. */
export function instanceLabel(labels: Labels): string | undefined {
  return labels?.[LABEL.name];
}

/** Whether an object carries `owner`'s spec labels (and is the instance `target`, when given). */
export function isSpecs(labels: Labels, owner: SpecRef, target?: string): boolean {
  return matches(labels, specSelector(owner, target));
}

/** Whether a rendered object is one of the project's shared NADs. */
export function isSharedNad(labels: Labels): boolean {
  return labels?.[LABEL.shared] === 'true';
}

/**
 * Whether the live object in a rendered object's place is ours to write: it carries the spec's
 * labels, or, for a shared NAD or a golden image, the project's labels for it (any spec of the
 * project may write it).
 */
export function isOurs(live: Labels, rendered: Labels, owner: SpecRef): boolean {
  const image = imageLabel(rendered);
  const want = isSharedNad(rendered)
    ? sharedSelector(owner)
    : image !== undefined
      ? imageSelector(owner, image)
      : specSelector(owner);
  return matches(live, want);
}

/** The keys that say who owns an object; `v-auto/name` only says which instance. */
const OWNER_KEYS = [LABEL.managed, LABEL.project, LABEL.spec, LABEL.shared, LABEL.image];

/**
 * The owner labels an object carries, as `v-auto/managed=true, v-auto/project=demo, v-auto/spec=db`;
 * undefined when it carries none: then it is unlabeled, and --adopt or --include-unlabeled may take it.
 */
export function ownerLabels(labels: Labels): string | undefined {
  const owned = OWNER_KEYS.filter((k) => labels?.[k] !== undefined);
  return owned.length ? owned.map((k) => `${k}=${labels![k]}`).join(', ') : undefined;
}

/** `demo/api api-01` for an object of some v-auto spec (its instance, else `name`); undefined otherwise. */
export function managingSpec(labels: Labels, name: string): string | undefined {
  if (labels?.[LABEL.managed] !== 'true' || labels[LABEL.project] === undefined || !labels[LABEL.spec])
    return undefined;
  return `${labels[LABEL.project]}/${labels[LABEL.spec]} ${labels[LABEL.name] ?? name}`;
}
