// The Handlebars environment shared by resource and cloud-init templates: its helpers and error wording.
import Handlebars from 'handlebars';
import { usageError } from '../errors.js';
import { deriveSalt, sha512Crypt } from './sha512-crypt.js';
import { templateVariables } from './template-variables.js';

const hb = Handlebars.create();

hb.registerHelper({
  /** Quotes any value as JSON, which is valid YAML: no config value can add keys or documents. */
  json: (value: unknown) => JSON.stringify(value ?? null),
  toJson: (value: unknown) => JSON.stringify(value),
  base64: (value: unknown) => Buffer.from(String(value ?? ''), 'utf8').toString('base64'),
  concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  /**
   * SHA-512 crypt of a variable. The salt comes from namespace, instance and variable name, so the
   * same inputs give the same Secret on every run (re-applies stay `unchanged`), and it never
   * depends on the password itself.
   */
  hash_password(this: unknown, value: unknown, options: Handlebars.HelperOptions & { ids?: string[] }) {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error('hash_password needs a variable holding the password');
    if (value === '') throw new Error(`hash_password: ${options.ids?.[0] ?? 'the password'} is empty`);
    // Output whose Secrets are masked anyway (inspect, --dry-run) skips the deliberately slow hash.
    if (options.data?.maskSecrets) return '$6$<masked>';
    const root = options.data?.root ?? {};
    const variable = options.ids?.[0] ?? 'password';
    return sha512Crypt(String(value), deriveSalt(String(root.namespace), String(root.vm_name), variable));
  },
});

const KNOWN_HELPERS = { json: true, toJson: true, base64: true, concat: true, hash_password: true };
export const HELPER_NAMES = Object.keys(KNOWN_HELPERS);

/** Renders with a context; `data.maskSecrets` tells helpers that the result will be masked. */
export type CompiledTemplate = (context: object, data?: { maskSecrets?: boolean }) => string;

/** Compiles a template; syntax errors and unknown helpers become `label:line: message` usage errors. */
export function compileTemplate(label: string, source: string): CompiledTemplate {
  // trackIds tells hash_password which variable it hashes (part of the salt); it costs compile time.
  const options = { noEscape: true, strict: true, trackIds: source.includes('hash_password'), knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true };
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (err) {
    throw templateError(label, err);
  }
  // Parsed once for both: compile() is lazy, so unknown helpers surface at the first render.
  const fn = hb.compile(ast, options);
  // Strict mode only checks `{{name}}`; helper arguments (`{{json nmae}}`) and block conditions would render a
  // typo as empty, so every top-level variable the template reads must be in the context.
  const variables = [...templateVariables(ast)].filter((v) => !HELPER_NAMES.includes(v));
  return (context, data) => {
    const unknown = variables.find((v) => !(v in context));
    if (unknown !== undefined) throw usageError(`${label}: unknown variable "${unknown}"`);
    try {
      return fn(context, { data });
    } catch (err) {
      throw templateError(label, err);
    }
  };
}

/** Rewrites a Handlebars error as `label:line: message`. */
export function templateError(label: string, err: unknown) {
  const message = err instanceof Error ? err.message : String(err);
  const helper = /unknown helper (\S+?)(?: - (\d+):\d+)?$/.exec(message);
  if (helper) return usageError(`${label}${helper[2] ? `:${helper[2]}` : ''}: unknown helper "${helper[1]}"`, `helpers: ${HELPER_NAMES.join(', ')}`);
  const parse = /^Parse error on line (\d+):[\s\S]*?\n(Expecting [^\n]*|[^\n]*)$/.exec(message);
  if (parse) return usageError(`${label}:${parse[1]}: template syntax error: ${parse[2]}`);
  const located = /^(.*?) - (\d+):(\d+)$/.exec(message);
  if (located) return usageError(`${label}:${located[2]}: ${located[1].replace(/^"(\w+)" not defined in .*/, 'unknown variable "$1"')}`);
  return usageError(`${label}: ${message}`);
}
