// The label selectors v-auto uses, and the same matching done on objects already fetched.
import type { Settings } from '../config/settings.js';
import { LABEL } from '../plan/names.js';

export const MANAGED_KINDS = [
  'VirtualMachine',
  'DataVolume',
  'PersistentVolumeClaim',
  'Secret',
  'NetworkAttachmentDefinition',
];

/** `v-auto/managed=true,v-auto/project=P`: every spec's objects and the project's shared NADs. */
export function projectSelector(settings: Pick<Settings, 'project'>): Record<string, string> {
  return { [LABEL.managed]: 'true', [LABEL.project]: settings.project };
}

/** The instance an object belongs to (`web-01`); a project's shared NADs have none. */
export function instanceLabel(labels: Record<string, string> | undefined): string | undefined {
  return labels?.[LABEL.name];
}

/** `v-auto/managed=true,v-auto/project=P,v-auto/spec=S[,v-auto/name=T]`. */
export function specSelector(
  settings: Pick<Settings, 'project' | 'spec'>,
  target?: string,
): Record<string, string> {
  const selector: Record<string, string> = { ...projectSelector(settings), [LABEL.spec]: settings.spec };
  if (target) selector[LABEL.name] = target;
  return selector;
}

export function selectorString(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function matches(
  labels: Record<string, string> | undefined,
  selector: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** `v-auto/managed=true,v-auto/project=P,v-auto/shared=true`: the project's shared NADs. */
export function sharedSelector(settings: Pick<Settings, 'project'>): Record<string, string> {
  return { ...projectSelector(settings), [LABEL.shared]: 'true' };
}
