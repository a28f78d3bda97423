// Label and field selector parsing and matching, following the grammar of k8s.io/apimachinery/pkg/labels.

export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

/** Thrown for a malformed selector; the server turns it into a 400 BadRequest. */
export class SelectorError extends Error {}

/**
 * Parses `a=b,c in (d,e),!f,g!=h,i` into requirements. Commas inside parentheses
 * belong to a set, so the split is done by hand rather than with String.split.
 */
export function parseLabelSelector(text: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const reqs: Requirement[] = [];
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      reqs.push({ key: m[1], op: m[2] as 'in' | 'notin', values });
    } else if ((m = p.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      reqs.push({ key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] });
    } else if ((m = p.match(/^!\s*([^=!\s]+)$/))) {
      reqs.push({ key: m[1], op: '!exists' });
    } else if ((m = p.match(/^([^=!\s()]+)$/))) {
      reqs.push({ key: m[1], op: 'exists' });
    } else {
      throw new SelectorError(`unable to parse requirement: ${p}`);
    }
  }
  return reqs;
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        // As upstream: a missing key satisfies `!=` and `notin`.
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

export interface FieldRequirement {
  path: string;
  equal: boolean;
  value: string;
}

const FIELD_PATHS = new Set([
  'metadata.name',
  'metadata.namespace',
  'involvedObject.kind',
  'involvedObject.name',
  'involvedObject.namespace',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'type',
  'source',
  'status.phase',
  'spec.nodeName',
]);

export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const raw of text.split(',')) {
    const p = raw.trim();
    if (!p) continue;
    const m = p.match(/^([^=!]+)(==|=|!=)(.*)$/);
    if (!m) throw new SelectorError(`invalid selector: '${p}'; can't understand '${p}'`);
    const path = m[1].trim();
    if (!FIELD_PATHS.has(path)) throw new SelectorError(`field label not supported: ${path}`);
    out.push({ path, equal: m[2] !== '!=', value: m[3].trim() });
  }
  return out;
}

export function matchesFields(reqs: FieldRequirement[], obj: any): boolean {
  return reqs.every((r) => {
    let v: any =
      r.path === 'source'
        ? obj?.source?.component
        : r.path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
    if (v === undefined || v === null) v = '';
    return (String(v) === r.value) === r.equal;
  });
}
