// The three patch formats kubectl sends: JSON merge patch, a simplified strategic merge patch and RFC 6902 JSON patch.
import { deepClone } from './store.js';

export class PatchError extends Error {}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return deepClone(patch);
  const out: any = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Strategic merge patch, reduced to what client-side apply produces for the core kinds served here
 * (Namespace, Secret, PersistentVolumeClaim, Pod, Event): maps merge like a merge patch, `$patch: delete|replace`
 * is honoured, and the `$setElementOrder/…`, `$retainKeys` and `$deleteFromPrimitiveList/…` directives are
 * dropped. Lists are replaced whole, which is correct for the atomic lists of these kinds; merging lists of
 * containers by name is not modelled.
 */
export function strategicMergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return deepClone(patch);
  if (patch.$patch === 'delete') return undefined;
  const base =
    patch.$patch === 'replace'
      ? {}
      : target && typeof target === 'object' && !Array.isArray(target)
        ? { ...target }
        : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete base[k];
    else {
      const next = strategicMergePatch(base[k], v);
      if (next === undefined) delete base[k];
      else base[k] = next;
    }
  }
  return base;
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** RFC 6902 for the plain cases: add, remove, replace, test, copy, move. */
export function jsonPatch(target: any, ops: any[]): any {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be an array of operations');
  let doc = deepClone(target);
  const resolve = (p: string): { parent: any; key: string } => {
    const segs = p.split('/').slice(1).map(unescapePointer);
    const key = segs.pop();
    if (key === undefined) throw new PatchError(`invalid path ${p}`);
    let parent = doc;
    for (const s of segs) {
      parent = parent?.[s];
      if (parent === undefined) throw new PatchError(`doc is missing path: "${p}": missing value`);
    }
    return { parent, key };
  };
  const read = (p: string): any => {
    const { parent, key } = resolve(p);
    return parent[key];
  };
  const write = (p: string, v: any, insert: boolean): void => {
    if (p === '') {
      doc = v;
      return;
    }
    const { parent, key } = resolve(p);
    if (Array.isArray(parent)) {
      const i = key === '-' ? parent.length : Number(key);
      parent.splice(i, insert ? 0 : 1, v);
    } else parent[key] = v;
  };
  const remove = (p: string): void => {
    const { parent, key } = resolve(p);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (key in parent) delete parent[key];
    else throw new PatchError(`unable to remove nonexistent key: ${key}: missing value`);
  };
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        write(op.path, deepClone(op.value), true);
        break;
      case 'replace':
        write(op.path, deepClone(op.value), false);
        break;
      case 'remove':
        remove(op.path);
        break;
      case 'test':
        if (JSON.stringify(read(op.path)) !== JSON.stringify(op.value))
          throw new PatchError(`testing value ${op.path} failed: test failed`);
        break;
      case 'copy':
        write(op.path, deepClone(read(op.from)), true);
        break;
      case 'move': {
        const v = read(op.from);
        remove(op.from);
        write(op.path, v, true);
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
