// Finds the variables a Handlebars template reads, by walking its syntax tree (no rendering).
import Handlebars from 'handlebars';
import { isPlainObject } from '../config/merge.js';

type Node = { type: string; [key: string]: any };

/** Block helpers that change the context: names inside them belong to the items, not to the root. */
const CONTEXT_CHANGING = new Set(['each', 'with']);

// Settings validation, input discovery and compilation all ask about the same cloud-init texts.
const bySource = new Map<string, Set<string>>();

/** Top-level variable names read by a template (source or parsed); throws Handlebars' parse error on bad syntax. */
export function templateVariables(source: string | hbs.AST.Program): Set<string> {
  if (typeof source !== 'string') return collect(source);
  let found = bySource.get(source);
  if (!found) bySource.set(source, (found = collect(Handlebars.parse(source))));
  return found;
}

function collect(ast: hbs.AST.Program): Set<string> {
  const found = new Set<string>();
  const path = (node: Node | undefined, scoped: boolean) => {
    if (!node || node.type !== 'PathExpression' || node.this === true) return;
    // `@root.password` reads the root context from anywhere, even inside each/with: an input too.
    if (node.data) {
      if (node.parts[0] === 'root' && node.parts.length > 1) found.add(node.parts[1]);
      return;
    }
    if (node.depth > 0 || node.parts.length === 0) return;
    if (!scoped) found.add(node.parts[0]);
  };
  const expr = (node: Node | undefined, scoped: boolean) => {
    if (!node) return;
    if (node.type === 'PathExpression') path(node, scoped);
    else if (node.type === 'SubExpression') call(node, scoped);
  };
  const call = (node: Node, scoped: boolean) => {
    const isCall = node.params.length > 0 || (node.hash && node.hash.pairs.length > 0);
    if (!isCall) path(node.path, scoped);
    for (const p of node.params) expr(p, scoped);
    for (const pair of node.hash?.pairs ?? []) expr(pair.value, scoped);
  };
  const walk = (node: Node | undefined, scoped: boolean) => {
    if (!node) return;
    if (node.type === 'Program') node.body.forEach((n: Node) => walk(n, scoped));
    else if (node.type === 'MustacheStatement') call(node, scoped);
    else if (node.type === 'BlockStatement') {
      for (const p of node.params) expr(p, scoped);
      const inner = scoped || CONTEXT_CHANGING.has(node.path.original);
      walk(node.program, inner);
      walk(node.inverse, scoped);
    }
  };
  walk(ast as unknown as Node, false);
  return found;
}

/** Every string in a text-or-map cloud-init value, as template sources: values, and keys that hold a template. */
export function templateStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(templateStrings);
  if (isPlainObject(value))
    return Object.entries(value).flatMap(([k, v]) => [...(isTemplate(k) ? [k] : []), ...templateStrings(v)]);
  return [];
}

/** A map key that is a template (`{{ interface_name }}:`): rendered like the values. */
export function isTemplate(key: string): boolean {
  return key.includes('{{');
}
