// The editor schemas for config.yaml and spec files, generated from the validator's rules
// (rules.ts), so that what an editor flags and what v-auto refuses cannot drift apart.
import { COMPUTED_VARIABLES, DESCRIPTIONS, ENV_REFERENCE, TOP_LEVEL, type JsonSchema } from './rules.js';

const ENV_REF: JsonSchema = { type: 'string', pattern: ENV_REFERENCE.source };

/** Each scalar a schema accepts may also be an `env:NAME` reference, as settings.ts substitutes them. */
function withEnvRefs(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties')
      out[k] = Object.fromEntries(
        Object.entries(v as Record<string, JsonSchema>).map(([p, s]) => [p, withEnvRefs(s)]),
      );
    else if ((k === 'items' || k === 'additionalProperties') && typeof v === 'object')
      out[k] = withEnvRefs(v as JsonSchema);
    else if (k === 'anyOf') out[k] = (v as JsonSchema[]).map(withEnvRefs);
    else out[k] = v;
  }
  const type = out.type;
  const scalar =
    out.enum !== undefined ||
    type === 'string' ||
    type === 'integer' ||
    type === 'boolean' ||
    (Array.isArray(type) && !type.includes('object'));
  return scalar ? { anyOf: [out, ENV_REF] } : out;
}

/** The schema of `config.yaml` or of a spec file: every setting, described; other keys are template variables. */
export function settingsSchema(file: 'config' | 'spec'): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://v-auto.invalid/schemas/${file}.schema.json`,
    title:
      file === 'config' ? 'v-auto project config.yaml' : 'v-auto spec (projects/<project>/specs/<spec>.yaml)',
    description:
      (file === 'config'
        ? 'Project-wide settings; a spec and --set override them (maps merge key by key, lists and values are replaced). '
        : 'One VM group; it overrides config.yaml (maps merge key by key, lists and values are replaced). ') +
      "Generated from v-auto's validator (lib/config/rules.ts). Keys that are no setting are template variables, allowed when a cloud_init or network_data template uses them; v-auto checks that, and the settings that depend on other files (a network's nad_name after merging, the catalog names a spec attaches).",
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(TOP_LEVEL).map(([key, check]) => [
        key,
        { description: DESCRIPTIONS[key], ...withEnvRefs(check.schema) },
      ]),
    ),
    propertyNames: { not: { enum: COMPUTED_VARIABLES } },
  };
}

/** The files schemas/ holds, by name, as written there (2-space JSON and a final newline). */
export function schemaFiles(): Record<string, string> {
  return Object.fromEntries(
    (['config', 'spec'] as const).map((f) => [
      `${f}.schema.json`,
      `${JSON.stringify(settingsSchema(f), null, 2)}\n`,
    ]),
  );
}
