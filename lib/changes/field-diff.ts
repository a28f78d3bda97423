// Field-level differences between what v-auto renders and what the cluster holds (pure).
import { sameQuantity } from '../model/quantity.js';

/** One changed field: its dotted path, and the live and desired values (undefined: absent). */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
  /** Secret data: before and after are REDACTED (when present), never the values nor their sizes. */
  secret?: boolean;
}

/** What stands for a Secret's value wherever it would be shown. */
export const REDACTED = '<redacted>';

/**
 * Fields whose values are Kubernetes quantities in what v-auto renders. The API server and
 * KubeVirt's VM mutator write them back canonical (`4096Mi` → `4Gi`), so they compare by value.
 */
const QUANTITY_KEYS = new Set(['guest', 'maxGuest', 'storage', 'memory', 'cpu']);

/**
 * The differences between `desired` and `live`, looking only at the paths `desired` has: whatever
 * the platform adds (kubemacpool's MACs and annotation, KubeVirt's machine type, firmware UUID and
 * architecture, CDI's defaults, status, server metadata) is not a difference by construction.
 * `previous` (the last configuration v-auto applied, when known) adds the paths v-auto set before
 * and no longer renders: a removed node selector is a change, although live still has it.
 */
export function fieldDifferences(desired: unknown, live: unknown, previous?: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(desired, live, [], changes);
  if (previous !== undefined) removed(previous, desired, live, [], changes);
  return changes;
}

/**
 * A change of a field that holds a document as text (a NAD's `spec.config` JSON, the cloud-init
 * network-config), as the changes inside it: `spec.config.ipam.addresses[0].address 10.0.0.9/24 →
 * 10.0.0.5/24`, where both texts cut at the same length hid the difference. Keys only the live
 * document has count as removed. The field stays one change when either side does not read as a
 * map, or when both read the same (only the text's layout differs).
 */
export function insideDocument(f: FieldChange, read: (text: string) => unknown): FieldChange[] {
  const before = readMap(f.before, read);
  const after = readMap(f.after, read);
  if (!before || !after) return [f];
  const inner = fieldDifferences(after, before, before);
  if (!inner.length) return [f];
  return inner.map((c) => ({
    ...c,
    path: c.path.startsWith('[') ? `${f.path}${c.path}` : `${f.path}.${c.path}`,
  }));
}

function readMap(text: unknown, read: (text: string) => unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const v = read(text);
    return isMap(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function walk(desired: unknown, live: unknown, path: string[], out: FieldChange[]): void {
  if (isMap(desired)) {
    if (!isMap(live)) {
      out.push({ path: dotted(path), before: live, after: desired });
      return;
    }
    for (const [k, v] of Object.entries(desired)) walk(v, live[k], [...path, k], out);
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) {
      out.push({ path: dotted(path), before: live, after: desired });
      return;
    }
    desired.forEach((v, i) => walk(v, live[i], [...path, `[${i}]`], out));
    return;
  }
  if (desired === live) return;
  // A rendered null (a site template's `{{json unset}}`) removes the field (RFC 7386 §2: a null
  // member of a merge patch deletes it, if present); nothing to remove is no change. kubectl apply
  // would say "configured" on every run for it, with nothing changed on the server.
  if (desired === null && live === undefined) return;
  if (QUANTITY_KEYS.has(path[path.length - 1]) && sameQuantity(desired, live)) return;
  out.push({ path: dotted(path), before: live, after: desired });
}

/** Paths of `previous` that `desired` no longer has, while live still does. */
function removed(
  previous: unknown,
  desired: unknown,
  live: unknown,
  path: string[],
  out: FieldChange[],
): void {
  if (!isMap(previous) || !isMap(desired)) return;
  for (const [k, v] of Object.entries(previous)) {
    const liveValue = isMap(live) ? live[k] : undefined;
    // A map v-auto no longer renders is gone leaf by leaf: kubectl records `annotations: {}` for a
    // manifest without annotations, and the platform's own annotations are not v-auto's to remove.
    if (!(k in desired) && isMap(v)) removed(v, {}, liveValue, [...path, k], out);
    else if (!(k in desired)) {
      if (liveValue !== undefined)
        out.push({ path: dotted([...path, k]), before: liveValue, after: undefined });
    } else removed(v, desired[k], liveValue, [...path, k], out);
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `spec.template.spec.domain.devices.interfaces[0].name` */
function dotted(path: string[]): string {
  return path.reduce((s, p) => (p.startsWith('[') ? `${s}${p}` : s ? `${s}.${p}` : p), '');
}
