// The objects of a namespace kept current from watch streams: JSON-object splitting of what oc prints, and the events applied in order.
import type { K8sObject } from './k8s-object.js';

/**
 * Splits concatenated JSON objects into the text of each whole one, as their chunks arrive: the API
 * server's watch stream, which `oc get --raw` passes through, is one compact event a line, while
 * `oc get -w -o json` prints pretty-printed objects one after another; both are objects back to back.
 * Braces inside strings (a message, an annotation) do not count.
 */
export class JsonObjectSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Where the object being read starts in `buffer`, and how far it has been scanned. */
  private start = 0;
  private scanned = 0;

  /** The objects `chunk` completes, in order. */
  push(chunk: string): string[] {
    const whole: string[] = [];
    this.buffer += chunk;
    const b = this.buffer;
    for (let i = this.scanned; i < b.length; i++) {
      const c = b.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = this.depth > 0;
      else if (c === 0x7b) {
        if (this.depth++ === 0) this.start = i;
      } else if (c === 0x7d && this.depth > 0 && --this.depth === 0) whole.push(b.slice(this.start, i + 1));
    }
    // Only the object still open is kept.
    this.buffer = this.depth > 0 ? b.slice(this.start) : '';
    this.scanned = this.buffer.length;
    this.start = 0;
    return whole;
  }

  /** Characters held for an object not yet complete. */
  get pending(): number {
    return this.buffer.length;
  }
}

/** One event of a watch, as the API server sends it (k8s.io/apimachinery pkg/apis/meta/v1 WatchEvent). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: K8sObject & { message?: string; code?: number };
}

/**
 * The objects of some kinds as of a list, moved forward by each kind's watch events: ADDED and MODIFIED
 * replace an object, DELETED removes it (a selector's watch also says DELETED for an object that
 * stopped matching), BOOKMARK carries nothing to apply. In kind order, as a list answers.
 */
export class WatchedObjects {
  private readonly byKind = new Map<string, Map<string, K8sObject>>();

  constructor(kinds: string[], items: K8sObject[]) {
    for (const kind of kinds) this.byKind.set(kind, new Map());
    for (const o of items) this.byKind.get(o.kind)?.set(o.metadata.name, o);
  }

  /** Applies one event of `kind`'s watch; true when it changed what `objects` returns. */
  apply(kind: string, event: WatchEvent): boolean {
    const objects = this.byKind.get(kind)!;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      objects.set(event.object.metadata.name, event.object);
      return true;
    }
    if (event.type === 'DELETED') return objects.delete(event.object.metadata.name);
    return false;
  }

  objects(): K8sObject[] {
    return [...this.byKind.values()].flatMap((m) => [...m.values()]);
  }
}
