// Checks custom-resource bodies against the upstream CRD schemas with ajv, and words the failures as a real API server does.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ResourceType } from './resources.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (a: Ajv) => Ajv;

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface ValidationOutcome {
  /** Unknown fields, as `spec.foo`; under Strict they reject the request with 400, otherwise they are pruned. */
  unknownFields: string[];
  /** Type, required, enum and pattern failures: 422 Invalid. */
  causes: StatusCause[];
}

// Compiled validators are shared by all simulators in a process and built on first use: compiling the 300 KB
// VirtualMachine schema takes about half a second, which start-up should not pay.
const compiled = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

/**
 * A structural CRD schema prunes, and under fieldValidation=Strict rejects, fields it does not declare.
 * JSON Schema allows them by default, so every object node that lists properties and neither
 * additionalProperties nor x-kubernetes-preserve-unknown-fields is closed here.
 */
function closeObjects(node: any): any {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'required' ? v : closeObjects(v);
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  )
    out.additionalProperties = false;
  return out;
}

function validatorFor(file: string): ValidateFunction | undefined {
  const hit = compiled.get(file);
  if (hit) return hit;
  if (!existsSync(file)) return undefined;
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
    });
    ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  }
  const schema = closeObjects(JSON.parse(readFileSync(file, 'utf8')));
  const fn = ajv.compile(schema);
  compiled.set(file, fn);
  return fn;
}

/** `/spec/volumes/0/name` → `spec.volumes[0].name`, the field path style of API server errors. */
function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAt(obj: any, instancePath: string): unknown {
  return instancePath
    .split('/')
    .slice(1)
    .reduce((o, k) => (o == null ? undefined : o[k.replace(/~1/g, '/').replace(/~0/g, '~')]), obj);
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'null');
}

function toCause(e: ErrorObject, body: any): StatusCause | undefined {
  const field = fieldPath(e.instancePath);
  const value = valueAt(body, e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const f = fieldPath(e.instancePath, (e.params as any).missingProperty);
      return { reason: 'FieldValueRequired', message: 'Required value', field: f };
    }
    case 'type':
      return {
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${typeName(value)}": ${field} in body must be of type ${(e.params as any).type}: "${typeName(value)}"`,
        field,
      };
    case 'enum': {
      const allowed = ((e.params as any).allowedValues as unknown[]).map(quote).join(', ');
      return {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${quote(value)}: supported values: ${allowed}`,
        field,
      };
    }
    case 'pattern':
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(value)}: ${field} in body should match '${(e.params as any).pattern}'`,
        field,
      };
    case 'maxItems':
      return {
        reason: 'FieldValueTooMany',
        message: `Too many: ${(value as unknown[]).length}: must have at most ${(e.params as any).limit} items`,
        field,
      };
    case 'anyOf':
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(value)}: ${field} in body must be of type integer or string: "${typeName(value)}"`,
        field,
      };
    case 'format':
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(value)}: ${field} in body must be of type ${(e.params as any).format}: ${quote(value)}`,
        field,
      };
    default:
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(value)}: ${e.message ?? 'invalid'}`,
        field,
      };
  }
}

function deleteAt(obj: any, instancePath: string, key: string): void {
  const parent = valueAt(obj, instancePath) as any;
  if (parent && typeof parent === 'object') delete parent[key];
}

const rawSchemas = new Map<string, any>();

/**
 * The API server's decoding of a custom resource drops every null whose field the schema declares
 * neither nullable nor with a default; a null where the schema declares nothing, and null list
 * items, stay (kubernetes/kubernetes@008b3652959ca58af8be3fb5b6ecfe9ae7638282
 * staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting/prunenulls.go
 * PruneNonNullableNullsWithoutDefaults, run on every create, update and patch by
 * customresource_handler.go's schema coercer at 37c19ef857a8fcb12ec2c926e784e03474996797).
 */
function pruneNulls(x: unknown, s: any): void {
  if (Array.isArray(x)) {
    for (const v of x) pruneNulls(v, s?.items);
    return;
  }
  if (!x || typeof x !== 'object') return;
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    const sub =
      s?.properties?.[k] ??
      (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (v === null && sub && !sub.nullable && sub.default === undefined)
      delete (x as Record<string, unknown>)[k];
    else pruneNulls(v, sub);
  }
}

export class SchemaValidator {
  private warned = false;
  constructor(private readonly schemasDir: string | null) {}

  /** Drops the nulls the API server drops when it decodes a custom resource (`pruneNulls`), in place. */
  pruneNulls(rt: ResourceType, body: any): void {
    if (!rt.schemaFile || !this.schemasDir) return;
    const file = path.join(this.schemasDir, rt.schemaFile);
    if (!rawSchemas.has(file))
      rawSchemas.set(file, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);
    const schema = rawSchemas.get(file);
    if (schema) pruneNulls(body, schema);
  }

  /**
   * Validates `body` (status already stripped) and prunes unknown fields in place,
   * returning what a real server would complain about.
   */
  validate(rt: ResourceType, body: any): ValidationOutcome {
    const outcome: ValidationOutcome = { unknownFields: [], causes: [] };
    if (!rt.schemaFile) return outcome;
    if (!this.schemasDir || !existsSync(this.schemasDir)) {
      if (!this.warned)
        process.stderr.write(
          `v-auto simulator: schemas directory ${this.schemasDir ?? '(disabled)'} not available; schema validation is skipped\n`,
        );
      this.warned = true;
      return outcome;
    }
    const fn = validatorFor(path.join(this.schemasDir, rt.schemaFile));
    if (!fn || fn(body)) return outcome;
    const errors = fn.errors ?? [];
    // Branch failures of an anyOf are reported once, by the anyOf itself.
    const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
    for (const e of errors) {
      if (e.keyword === 'additionalProperties') {
        outcome.unknownFields.push(fieldPath(e.instancePath, (e.params as any).additionalProperty));
        continue;
      }
      if (anyOfPaths.some((p) => e.schemaPath.startsWith(p.replace(/\/anyOf$/, '/anyOf/')))) continue;
      const c = toCause(e, body);
      if (c && !outcome.causes.some((x) => x.field === c.field && x.message === c.message))
        outcome.causes.push(c);
    }
    if (outcome.unknownFields.length) {
      for (const e of errors)
        if (e.keyword === 'additionalProperties')
          deleteAt(body, e.instancePath, (e.params as any).additionalProperty);
    }
    return outcome;
  }
}
