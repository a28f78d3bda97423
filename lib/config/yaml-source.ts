// Parses one YAML document with file:line:column errors and remembers where each key sits.
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';
import { usageError } from '../errors.js';

/** A parsed YAML file (or a --set value) and enough to point back into it. */
export interface YamlSource {
  /** What to call it in messages: a workspace-relative path or `--set`. */
  label: string;
  data: Record<string, unknown>;
  /** 1-based line of the node at a key path, when known. */
  lineOf(path: (string | number)[]): number | undefined;
}

/** Parses YAML text; throws exit-2 errors naming label:line:column. Empty text yields `{}`. */
export function parseYamlSource(label: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = lineCounter.linePos(problem.pos[0]);
    throw usageError(`${label}:${pos.line}:${pos.col}: ${describeYamlError(problem.code, problem.message)}`);
  }
  if (doc.contents === null) return { label, data: {}, lineOf: () => undefined };
  if (!isMap(doc.contents)) {
    throw usageError(`${label}:1:1: expected a mapping of keys (key: value), found ${kindOf(doc.contents)}`);
  }
  const data = doc.toJS({ maxAliasCount: 50 }) as Record<string, unknown>;
  return { label, data, lineOf: (path) => lineOfPath(doc, lineCounter, path) };
}

function describeYamlError(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return `${first} (each key may appear once per mapping)`;
  if (code === 'TAB_AS_INDENT' || /tab/i.test(first)) return `${first} (indent with spaces, not tabs)`;
  return first;
}

function kindOf(node: Node): string {
  if (isSeq(node)) return 'a list';
  return 'a single value';
}

function lineOfPath(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  // Point at the key when there is one: that is the line users look for.
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[depth - 1]);
      const range = (pair?.key as Node | undefined)?.range;
      if (range) return lc.linePos(range[0]).line;
    } else if (isSeq(parent)) {
      const item = parent.items[path[depth - 1] as number] as Node | undefined;
      if (item?.range) return lc.linePos(item.range[0]).line;
    }
  }
  return undefined;
}
