// Parses one YAML document with file:line:column errors and remembers where each key sits.
import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { usageError } from '../errors.js';

/** A parsed YAML file (or a --set value) and enough to point back into it. */
export interface YamlSource {
  /** What to call it in messages: a workspace-relative path or `--set`. */
  label: string;
  data: Record<string, unknown>;
  /** 1-based line of the node at a key path, when known. */
  lineOf(path: (string | number)[]): number | undefined;
  /**
   * Plain scalars YAML reads as numbers that do not print back as written (`01`, `0012345`, `1.10`,
   * `1e2`): where a string is meant, the value would silently change.
   */
  lossyNumbers?: { path: (string | number)[]; text: string; value: number }[];
  /**
   * Plain scalars that YAML 1.2 (this parser) reads as strings and YAML 1.1 (PyYAML, which
   * cloud-init reads user-data with) as booleans: `yes`, `no`, `on`, `off` and their capitalised
   * forms; `y`/`n` too, which PyYAML leaves strings but the YAML 1.1 spec does not.
   */
  yaml11Booleans?: { path: (string | number)[]; text: string }[];
}

/** Deeper than this is no configuration: refused before any recursive step can overflow the stack. */
export const MAX_DEPTH = 64;
/** Alias expansions allowed (YAML's billion-laughs guard); real files use a handful. */
const MAX_ALIASES = 1000;
/** The only tags a value may carry explicitly: the JSON-like core ones. !!set, !!binary, !!omap… are refused. */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** Parses YAML text; throws exit-2 errors naming label:line:column. Empty text yields `{}`. */
export function parseYamlSource(label: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (err) {
    if (err instanceof RangeError)
      throw usageError(`${label}: nested too deeply to read (the limit is ${MAX_DEPTH} levels)`);
    throw err;
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = lineCounter.linePos(problem.pos[0]);
    if (problem.code === 'BLOCK_AS_IMPLICIT_KEY') throw compactMappingError(label, text, pos);
    throw usageError(`${label}:${pos.line}:${pos.col}: ${describeYamlError(problem.code, problem.message)}`);
  }
  if (doc.contents === null) return { label, data: {}, lineOf: () => undefined };
  if (!isMap(doc.contents)) {
    throw usageError(`${label}:1:1: expected a mapping of keys (key: value), found ${kindOf(doc.contents)}`);
  }
  const { lossy: lossyNumbers, booleans: yaml11Booleans } = checkNodes(doc, label, lineCounter);
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES }) as Record<string, unknown>;
  } catch (err) {
    if (/alias/i.test((err as Error).message)) {
      throw usageError(
        `${label}: too many alias expansions (more than ${MAX_ALIASES} *references to &anchors)`,
        'write the repeated settings out, or put them in config.yaml once',
      );
    }
    throw err;
  }
  return {
    label,
    // Frozen: a run parses each file once and every plan of it shares what the parse gave
    // (load-workspace.ts, ParsedFiles); a change made for one plan would leak into the others.
    data: deepFreeze(data),
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
    lossyNumbers,
    yaml11Booleans,
  };
}

/** `value` and everything in it made read-only (toJS output: plain maps and arrays, no cycles). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** YAML 1.1's booleans that YAML 1.2 reads as strings (yaml.org/type/bool.html). */
const YAML11_BOOLEAN = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * One walk over the document, with a stack of its own (a deep file must not overflow ours):
 * refuses nesting deeper than MAX_DEPTH and tags beyond the core ones, naming file, line and key;
 * returns the numbers that do not print back as written.
 */
function checkNodes(
  doc: Document,
  label: string,
  lc: LineCounter,
): {
  lossy: NonNullable<YamlSource['lossyNumbers']>;
  booleans: NonNullable<YamlSource['yaml11Booleans']>;
} {
  const lossy: NonNullable<YamlSource['lossyNumbers']> = [];
  const booleans: NonNullable<YamlSource['yaml11Booleans']> = [];
  const at = (node: Node | null | undefined, path: (string | number)[]) => {
    const line = node?.range ? `:${lc.linePos(node.range[0]).line}` : '';
    return `${label}${line}: ${path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('') || '(top level)'}`;
  };
  const stack: { node: Node | null | undefined; path: (string | number)[] }[] = [
    { node: doc.contents as Node, path: [] },
  ];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (!node || isAlias(node)) continue;
    if (path.length > MAX_DEPTH)
      throw usageError(`${at(node, path.slice(0, 3))}…: nested deeper than ${MAX_DEPTH} levels`);
    if (node.tag && !CORE_TAGS.has(node.tag)) {
      throw usageError(
        `${at(node, path)}: the YAML tag ${node.tag.replace('tag:yaml.org,2002:', '!!')} is not supported`,
        'write a plain mapping, list or string',
      );
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? (pair.key.value as string | number) : String(pair.key);
        if (isScalar(pair.key) && pair.key.tag && !CORE_TAGS.has(pair.key.tag))
          stack.push({ node: pair.key, path: [...path, String(key)] });
        stack.push({ node: pair.value as Node, path: [...path, String(key)] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item as Node, path: [...path, i] }));
    } else if (
      isScalar(node) &&
      typeof node.value === 'number' &&
      node.type === 'PLAIN' &&
      typeof node.source === 'string' &&
      String(node.value) !== node.source
    ) {
      lossy.push({ path, text: node.source, value: node.value });
    } else if (
      isScalar(node) &&
      node.type === 'PLAIN' &&
      typeof node.value === 'string' &&
      YAML11_BOOLEAN.test(node.value)
    ) {
      booleans.push({ path, text: node.value });
    }
  }
  return { lossy, booleans };
}

/**
 * YAML's "Nested mappings are not allowed in compact mappings" is parser jargon for two mistakes:
 * a key indented deeper than the key above it (read as part of that key's value), or a value
 * holding ": " (read as a second key on the line). Says which one, and where.
 */
function compactMappingError(label: string, text: string, pos: { line: number; col: number }) {
  const lines = text.split(/\r?\n/);
  const line = lines[pos.line - 1] ?? '';
  const keyOf = (l: string) => /^\s*(?:-\s+)?([^\s:#'"][^:]*?)\s*:(\s|$)/.exec(l)?.[1];
  const indent = (l: string) => /^ */.exec(l)![0].length;
  const value = line.slice(pos.col - 1).trim();
  const key = keyOf(line);
  if (/:(\s|$)/.test(value)) {
    return usageError(
      `${label}:${pos.line}:${pos.col}: the value${key ? ` of "${key}"` : ''} holds ": " (${JSON.stringify(value)}), which YAML reads as a second key on the line`,
      `quote the value${key ? ` (${key}: ${JSON.stringify(value)})` : ''}, or put the second key on a line of its own`,
    );
  }
  const next = lines.findIndex((l, i) => i >= pos.line && l.trim() !== '' && !l.trim().startsWith('#'));
  const deeper = next >= 0 && indent(lines[next]) > indent(line) ? keyOf(lines[next]) : undefined;
  if (key && deeper) {
    return usageError(
      `${label}:${next + 1}: "${deeper}" is indented deeper than "${key}" on line ${pos.line}, so YAML reads it as part of the value of ${key}`,
      `check the indentation: the keys of one mapping start in the same column${indent(line) ? ` (here column ${indent(line) + 1})` : ' (here the first)'}`,
    );
  }
  return usageError(
    `${label}:${pos.line}:${pos.col}: a key is indented deeper than the key above it, or a value holds ": "`,
    'check the indentation of this line and the next, or quote the value',
  );
}

function describeYamlError(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (/Maximum call stack/i.test(first))
    return `nested too deeply to read (the limit is ${MAX_DEPTH} levels)`;
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
