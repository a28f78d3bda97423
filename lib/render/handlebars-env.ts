// The Handlebars environment shared by resource and cloud-init templates: its helpers and error wording.
import Handlebars from 'handlebars';
import { usageError } from '../errors.js';
import { deriveSalt, sha512Crypt } from './sha512-crypt.js';
import { templateVariables } from './template-variables.js';

const hb = Handlebars.create();
/** A helper's own error: its text names no value, so it may be shown. */
class HelperError extends Error {}

// Only the documented helpers exist. Of Handlebars' built-ins, the blocks if, unless, each and with
// stay; `log` would print its arguments (inputs, passwords) to stdout even in masked output, and
// `lookup` reads a variable by a computed name, past the check that finds a template's inputs.
hb.unregisterHelper('log');
hb.unregisterHelper('lookup');

/** A strict lookup that failed: where, what was read, and what kind of value it was read from (never the value). */
class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly valueKind: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(`no field ${field}`);
  }
}

type Container = {
  strict: (obj: unknown, name: string, loc?: hbs.AST.SourceLocation) => unknown;
  lookupProperty: (parent: unknown, name: string) => unknown;
};
// Handlebars' strict lookup (runtime.js `container.strict`, handlebars-lang/handlebars v4.7.x) throws
// `"x" not defined in ${obj}`, or, on text, the TypeError `Cannot use 'in' operator to search for 'x' in
// ${obj}`: either quotes the value, which may be a password. Every compiled template gets its own
// runtime container (runtime.js `template()`), handed to the template's main function, so this
// replaces the two lookups there before the first use: a missing field throws FieldError, and a
// lookup through null gives undefined, so that the strict check below it names the path.
const template = hb.template.bind(hb);
hb.template = ((spec: { main: (container: Container, ...rest: unknown[]) => string }) =>
  template({
    ...spec,
    main(this: unknown, container: Container, ...rest: unknown[]) {
      const lookupProperty = container.lookupProperty;
      container.lookupProperty = (parent, name) =>
        parent === null || parent === undefined ? undefined : lookupProperty(parent, name);
      container.strict = (obj, name, loc) => {
        if ((typeof obj === 'object' || typeof obj === 'function') && obj !== null && name in obj)
          return container.lookupProperty(obj, name);
        throw new FieldError(name, valueKind(obj), loc?.start.line, loc?.start.column);
      };
      return spec.main.call(this, container, ...rest);
    },
  } as unknown as TemplateSpecification)) as typeof hb.template;

/** What kind of value a template read a field of, in the words of a YAML file. */
function valueKind(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

hb.registerHelper({
  /** Quotes any value as JSON, which is valid YAML: no config value can add keys or documents. */
  json: (value: unknown) => JSON.stringify(value ?? null),
  toJson: (value: unknown) => JSON.stringify(value),
  base64: (value: unknown) => Buffer.from(String(value ?? ''), 'utf8').toString('base64'),
  concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  /**
   * SHA-512 crypt of a variable. The salt comes from namespace, spec and variable name, so the same
   * inputs give the same Secret on every run (re-applies stay `unchanged`); it never depends on the
   * password itself. Instances of one spec share the salt: they share the password by construction,
   * so an equal hash reveals nothing new, and a deploy computes it once instead of once per
   * instance (`data.hashes`, kept in memory for one render, never on disk; see docs/performance.md).
   */
  hash_password(this: unknown, value: unknown, options: Handlebars.HelperOptions & { ids?: string[] }) {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new HelperError('hash_password needs a variable holding the password');
    if (value === '') throw new HelperError(`hash_password: ${options.ids?.[0] ?? 'the password'} is empty`);
    const data = options.data as RenderData | undefined;
    // Output whose Secrets are masked anyway (inspect, --dry-run) skips the deliberately slow hash.
    if (data?.maskSecrets) return '$6$<masked>';
    const root = options.data?.root ?? {};
    const saltParts = [String(root.namespace), String(root.spec), options.ids?.[0] ?? 'password'];
    // Keyed by what the salt is derived from, so an instance whose hash is known derives no salt;
    // the key holds the password too: a per-instance value hashed under the shared salt is its own entry.
    const key = `${JSON.stringify(saltParts)}\0${value}`;
    let hashed = data?.hashes?.get(key);
    if (hashed === undefined) {
      hashed = sha512Crypt(String(value), deriveSalt(...saltParts));
      data?.hashes?.set(key, hashed);
    }
    return hashed;
  },
});

const KNOWN_HELPERS = { json: true, toJson: true, base64: true, concat: true, hash_password: true };
export const HELPER_NAMES = Object.keys(KNOWN_HELPERS);
/** Handlebars' built-in blocks that remain. */
export const BLOCK_HELPERS = ['if', 'unless', 'each', 'with'];
/** `false` overrides Handlebars' own list: with knownHelpersOnly, a call is then a compile error. */
const COMPILE_HELPERS = { ...KNOWN_HELPERS, log: false, lookup: false };

/** What a render passes to helpers besides the context. */
export interface RenderData {
  /** The result will be masked: hash_password skips the hash. */
  maskSecrets?: boolean;
  /** hash_password's results by salt and value, for the renders of one deploy (memory only). */
  hashes?: Map<string, string>;
}

/** Renders with a context and the data helpers read. */
export type CompiledTemplate = (context: object, data?: RenderData) => string;

/**
 * A built-in template compiled by the build (scripts/build.mjs, precompileTemplate): Handlebars'
 * compiler does not run for it at each start. Used only for exactly the source it was made from.
 */
export interface PrecompiledTemplate {
  source: string;
  spec: TemplateSpecification;
  variables: string[];
}

/** The compile options, one set for the run-time compile and the build's precompile. */
function compileOptions(source: string) {
  // trackIds tells hash_password which variable it hashes (part of the salt); it costs compile time.
  return {
    noEscape: true,
    strict: true,
    trackIds: source.includes('hash_password'),
    knownHelpers: COMPILE_HELPERS,
    knownHelpersOnly: true,
  };
}

/**
 * Strict mode only checks `{{name}}`; helper arguments (`{{json nmae}}`) and block conditions
 * would render a typo as empty, so every top-level variable the template reads must be in the context.
 */
function contextVariables(ast: hbs.AST.Program): string[] {
  return [...templateVariables(ast)].filter((v) => !HELPER_NAMES.includes(v));
}

/** For the build: a template's compiled form as JavaScript source, and the variables it reads. */
export function precompileTemplate(source: string): { spec: string; variables: string[] } {
  const ast = hb.parse(source);
  return { spec: hb.precompile(ast, compileOptions(source)) as string, variables: contextVariables(ast) };
}

/**
 * Compiles a template (or takes its precompiled form, made from this very source); syntax errors
 * and unknown helpers become `label:line: message` usage errors.
 */
export function compileTemplate(
  label: string,
  source: string,
  precompiled?: PrecompiledTemplate,
): CompiledTemplate {
  let ast: hbs.AST.Program | undefined;
  let fn: Handlebars.TemplateDelegate;
  let variables: string[];
  if (precompiled?.source === source) {
    fn = hb.template(precompiled.spec);
    variables = precompiled.variables;
  } else {
    try {
      ast = hb.parse(source);
    } catch (err) {
      throw templateError(label, err);
    }
    // Parsed once for both: compile() is lazy, so unknown helpers surface at the first render.
    fn = hb.compile(ast, compileOptions(source));
    variables = contextVariables(ast);
  }
  // Only a failed lookup needs the syntax tree, to name the path it read.
  const tree = () => (ast ??= hb.parse(source));
  return (context, data) => {
    const unknown = variables.find((v) => !Object.hasOwn(context, v));
    if (unknown !== undefined) throw usageError(`${label}: unknown variable "${unknown}"`);
    try {
      return fn(context, { data });
    } catch (err) {
      if (err instanceof FieldError) throw fieldError(label, tree(), err);
      // Only Handlebars' own errors (fixed texts, a location) and the helpers' are quoted: any other
      // message may hold a value of the context (a JavaScript TypeError quotes the value it met).
      if (!(err instanceof hb.Exception) && !(err instanceof HelperError))
        throw usageError(
          `${label}: the template failed to render (${(err as Error)?.name ?? 'error'}); the message is not shown: it may quote a secret`,
        );
      throw templateError(label, err);
    }
  };
}

/** Names the path the template read (from its syntax tree, by the statement's location) and the kind of value it met. */
function fieldError(label: string, ast: hbs.AST.Program, err: FieldError) {
  const path = err.line === undefined ? undefined : pathAt(ast, err.line, err.column!);
  const parent = path?.parts.slice(0, -1).join('.');
  const at = `${label}${err.line === undefined ? '' : `:${err.line}`}`;
  if (!parent)
    return usageError(
      err.valueKind === 'a map'
        ? `${at}: unknown variable "${err.field}"`
        : `${at}: "${err.field}" is not defined here: the block's value is ${err.valueKind}`,
    );
  return usageError(
    err.valueKind === 'a map'
      ? `${at}: ${parent} has no field "${err.field}"`
      : `${at}: ${parent} is ${err.valueKind}; it has no field "${err.field}"`,
  );
}

/** The path of a `{{…}}` statement that starts at line:column (the location Handlebars' strict lookup gets). */
function pathAt(ast: hbs.AST.Program, line: number, column: number): hbs.AST.PathExpression | undefined {
  let found: hbs.AST.PathExpression | undefined;
  const visit = (node: hbs.AST.Node | undefined | null): void => {
    if (!node || found) return;
    const n = node as hbs.AST.Node & {
      body?: hbs.AST.Node[];
      path?: hbs.AST.Node;
      program?: hbs.AST.Node;
      inverse?: hbs.AST.Node;
    };
    if (
      (n.type === 'MustacheStatement' || n.type === 'BlockStatement') &&
      n.path?.type === 'PathExpression' &&
      n.path.loc.start.line === line &&
      n.path.loc.start.column === column
    )
      found = n.path as hbs.AST.PathExpression;
    n.body?.forEach(visit);
    visit(n.program);
    visit(n.inverse);
  };
  visit(ast);
  return found;
}

/** Rewrites a Handlebars error as `label:line: message`. */
export function templateError(label: string, err: unknown) {
  const message = err instanceof Error ? err.message : String(err);
  const helper = /unknown helper (\S+?)(?: - (\d+):\d+)?$/.exec(message);
  if (helper)
    return usageError(
      `${label}${helper[2] ? `:${helper[2]}` : ''}: unknown helper "${helper[1]}"`,
      `helpers: ${HELPER_NAMES.join(', ')}; blocks: ${BLOCK_HELPERS.join(', ')}`,
    );
  const parse = /^Parse error on line (\d+):[\s\S]*?\n(Expecting [^\n]*|[^\n]*)$/.exec(message);
  if (parse) return usageError(`${label}:${parse[1]}: template syntax error: ${parse[2]}`);
  const located = /^(.*?) - (\d+):(\d+)$/.exec(message);
  if (located)
    return usageError(
      `${label}:${located[2]}: ${located[1].replace(/^"(\w+)" not defined in .*/, 'unknown variable "$1"')}`,
    );
  return usageError(`${label}: ${message}`);
}
