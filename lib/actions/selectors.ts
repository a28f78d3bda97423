// The label selectors v-auto uses, and the same matching done on objects already fetched.
import type { Settings } from '../config/settings.js';

export const MANAGED_KINDS = ['VirtualMachine', 'DataVolume', 'PersistentVolumeClaim', 'Secret', 'NetworkAttachmentDefinition'];

/** `v-auto/managed=true,v-auto/project=P`: every spec's objects and the project's shared NADs. */
export function projectSelector(settings: Pick<Settings, 'project'>): Record<string, string> {
  return { 'v-auto/managed': 'true', 'v-auto/project': settings.project };
}

/** The label that names an object's instance (`web-01`); a project's shared NADs have none. */
export const INSTANCE_LABEL = 'v-auto/name';

export function instanceLabel(labels: Record<string, string> | undefined): string | undefined {
  return labels?.[INSTANCE_LABEL];
}

/** `v-auto/managed=true,v-auto/project=P,v-auto/spec=S[,v-auto/name=T]`. */
export function specSelector(settings: Pick<Settings, 'project' | 'spec'>, target?: string): Record<string, string> {
  const selector: Record<string, string> = { ...projectSelector(settings), 'v-auto/spec': settings.spec };
  if (target) selector[INSTANCE_LABEL] = target;
  return selector;
}

export function selectorString(selector: Record<string, string>): string {
  return Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
}

export function matches(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** `v-auto/managed=true,v-auto/project=P,v-auto/shared=true`: the project's shared NADs. */
export function sharedSelector(settings: Pick<Settings, 'project'>): Record<string, string> {
  return { ...projectSelector(settings), 'v-auto/shared': 'true' };
}
