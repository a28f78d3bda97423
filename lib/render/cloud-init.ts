// Renders each instance's cloud-init user-data and network-data from the spec's templates (pure).
import { load } from 'js-yaml';
import { isPlainObject, type ConfigMap } from '../config/merge.js';
import { usageError } from '../errors.js';
import type { Instance, Plan } from '../plan/plan-instances.js';
import { checkCloudConfig, PYYAML_SCHEMA } from './cloud-config-schema.js';
import { COMPUTED_VARIABLES } from '../config/rules.js';
import { compileTemplate, HELPER_NAMES, type CompiledTemplate, type RenderData } from './handlebars-env.js';
import { generatesNetworkData, networkConfigText } from './network-config.js';
import { isTemplate, templateStrings, templateVariables } from './template-variables.js';
import { dumpYaml } from './yaml-dump.js';

const DEFAULT_USERDATA = '#cloud-config\nhostname: {{ vm_name }}\n';

/** The variables computed per instance; always present in the context (null when not applicable). */
export function instanceVariables(plan: Plan, instance: Instance): ConfigMap {
  const s = plan.settings;
  const interfaces = instance.nics.map((nic) => ({
    name: nic.network.name,
    interface_name: nic.guestInterface,
    mac_address: nic.mac,
    nad: nic.nadRef ?? null,
    static_ip: nic.address?.cidr ?? null,
    ip: nic.address?.ip ?? null,
    prefix_length: nic.address?.prefixLength ?? null,
    netmask: nic.address?.netmask ?? null,
    gateway_ip: nic.address?.gateway ?? null,
    dns_servers: nic.network.dns,
  }));
  const first = interfaces.find((i) => i.static_ip) ?? { ...interfaces[0], static_ip: null };
  return {
    vm_name: instance.name,
    index: instance.index,
    project: s.project,
    spec: s.spec,
    namespace: s.namespace,
    static_ip: first.static_ip,
    ip: first.ip ?? null,
    prefix_length: first.prefix_length ?? null,
    netmask: first.netmask ?? null,
    gateway_ip: first.gateway_ip ?? null,
    dns_servers: first.dns_servers ?? [],
    interface_name: first.interface_name ?? null,
    mac_address: first.mac_address ?? null,
    interfaces,
  };
}

/** Variables the cloud_init / network_data templates read (for input discovery and key checks). */
export function cloudInitVariables(merged: ConfigMap): Set<string> {
  const names = new Set<string>();
  for (const key of ['cloud_init', 'network_data']) {
    for (const source of templateStrings(merged[key])) {
      try {
        for (const name of templateVariables(source)) names.add(name);
      } catch {
        // Syntax errors are reported with their location when the template is compiled.
      }
    }
  }
  return names;
}

/**
 * Whether the spec's network-config may hold a secret, so that no plan, prompt or diff may show it:
 * a `network_data` template that reads any variable but an instance's own (vm_name, ip, interfaces…)
 * may read an input, an `env:` value or a hash of one. The generated network-config never does.
 */
export function networkDataMayHoldSecrets(networkData: unknown): boolean {
  if (networkData === undefined) return false;
  for (const source of templateStrings(networkData)) {
    try {
      for (const name of templateVariables(source))
        if (!COMPUTED_VARIABLES.includes(name) && !HELPER_NAMES.includes(name)) return true;
    } catch {
      return true; // a template that does not parse fails to compile before any plan is shown
    }
  }
  return false;
}

export interface CloudInitRenderer {
  /** What cloud-init's schema deprecates in what was rendered so far, once each (`v-auto: warning:`). */
  warnings: string[];
  render(
    instance: Instance,
    inputs: ConfigMap,
    data?: { maskSecrets?: boolean },
  ): { userdata: string; networkdata?: string };
}

/**
 * Compiles the spec's cloud-init templates once, for all instances. One spec's instances share each
 * hash_password salt, so `hashes` (memory only) lets each value be hashed once for all of them.
 */
export function compileCloudInit(
  plan: Plan,
  label: string,
  hashes = new Map<string, string>(),
): CloudInitRenderer {
  const user = compileValue(
    plan.settings.cloud_init ?? DEFAULT_USERDATA,
    `${label}: cloud_init`,
    '#cloud-config\n',
  );
  const network =
    plan.settings.network_data === undefined
      ? undefined
      : compileValue(plan.settings.network_data, `${label}: network_data`, '');
  const generated = generatesNetworkData(plan);
  const warnings: string[] = [];
  return {
    warnings,
    render(instance, inputs, options) {
      const context = { ...plan.settings.variables, ...inputs, ...instanceVariables(plan, instance) };
      const data: RenderData = { maskSecrets: options?.maskSecrets, hashes };
      const networkdata = generated ? networkConfigText(plan, instance) : network?.(context, data);
      // The VM would name a networkdata key that the Secret then lacks (its template leaves empty values out).
      if (networkdata !== undefined && networkdata.trim() === '') {
        throw usageError(
          `${label}: network_data renders empty for ${instance.name}`,
          'give network_data content for every instance, or remove it',
        );
      }
      const userdata = user(context, data);
      // cloud-init drops a #cloud-config it cannot parse whole, and the VM boots without its users,
      // passwords and packages: refused here, before anything is sent.
      const secrets = [...Object.values(inputs), ...hashes.values()].filter(
        (v): v is string => typeof v === 'string' && v !== '',
      );
      // A placeholder for an input not asked for (inspect) is no YAML the user wrote: checked at deploy.
      const checkable = (text: string) => !(options?.maskSecrets && text.includes('<input: '));
      if (userdata.startsWith('#cloud-config') && checkable(userdata)) {
        const doc = assertYaml(userdata, `${label}: cloud_init`, instance.name, secrets);
        if (doc) assertCloudConfig(doc, `${label}: cloud_init`, instance.name, secrets, warnings);
      }
      if (networkdata !== undefined && !generated && checkable(networkdata))
        assertYaml(networkdata, `${label}: network_data`, instance.name, secrets);
      return { userdata, networkdata };
    },
  };
}

/**
 * Exit 2 when rendered user-data or network-data is not one YAML mapping, naming the spec, the
 * instance and the rendered line; the line is quoted only when it holds no input value and no
 * password hash (a line of user-data may hold a secret).
 */
function assertYaml(
  text: string,
  label: string,
  instance: string,
  secrets: string[],
): Record<string, unknown> | undefined {
  let problem: string | undefined;
  let line: number | undefined;
  let doc: unknown;
  try {
    // Read as cloud-init reads it (PyYAML's booleans), so that the schema check sees its values.
    doc = load(text, { schema: PYYAML_SCHEMA });
    if (doc !== null && doc !== undefined && !isPlainObject(doc)) problem = 'it is not a mapping of keys';
  } catch (err) {
    const e = err as { reason?: string; message: string; mark?: { line: number } };
    problem = e.reason ?? e.message.split('\n')[0];
    line = e.mark?.line;
  }
  if (problem === undefined) return isPlainObject(doc) ? doc : undefined;
  const lines = text.split('\n');
  let at = '';
  if (line !== undefined) {
    // The parser often stops on the line after the culprit: point at the last line with text.
    let n = Math.min(line, lines.length - 1);
    while (n > 0 && !lines[n]?.trim()) n--;
    const secret = secrets.some((v) => lines[n].includes(v)) || lines[n].includes('$6$');
    at = secret
      ? ` (rendered line ${n + 1}, not shown: it may hold a secret)`
      : ` (rendered line ${n + 1}: ${JSON.stringify(lines[n].trim())})`;
  }
  throw usageError(
    `${label}: renders invalid YAML for ${instance}${at}: ${problem}`,
    'cloud-init would drop the whole file and the VM would boot without it: fix the template (a missing colon, a value that needs quotes)',
  );
}

/**
 * Exit 2 when cloud-init's schema refuses the rendered #cloud-config (cloud-config-schema.ts), naming
 * the spec, the instance and each key path, never a value; a path segment that holds an input or a
 * hash is not shown either. Deprecations go to `warnings`, once each.
 */
function assertCloudConfig(
  doc: Record<string, unknown>,
  label: string,
  instance: string,
  secrets: string[],
  warnings: string[],
): void {
  const shown = (path: string) =>
    path
      .split('.')
      .map((p) => (secrets.some((v) => p.includes(v)) || p.includes('$6$') ? '<not shown>' : p))
      .join('.');
  const { errors, warnings: deprecations } = checkCloudConfig(doc);
  for (const w of deprecations) {
    const text = `${label}: ${shown(w.path)} ${w.message}`;
    if (!warnings.includes(text)) warnings.push(text);
  }
  if (!errors.length) return;
  throw usageError(
    `${label}: cloud-init's schema refuses the #cloud-config rendered for ${instance}: ${errors.map((e) => `${shown(e.path)} ${e.message}`).join('; ')}`,
    'cloud-init would only log it at boot, and its modules would misread or skip the value (an account locked, commands not run): fix the template (docs/configuration.md#cloud-init-templates)',
  );
}

/**
 * The first lines cloud-init acts on (canonical/cloud-init doc/rtd/topics/format.rst at 20.2,
 * "User-Data Formats"): user-data that starts with none of them is not read as configuration.
 */
const USERDATA_HEADERS = [
  '#cloud-config',
  '#!',
  '#include',
  '#cloud-boothook',
  '#part-handler',
  '#upstart-job',
  '## template: jinja',
  'Content-Type:',
];

/** A warning when a text `cloud_init` starts with no header cloud-init reads (a map is written under #cloud-config). */
export function cloudInitWarnings(plan: Plan): string[] {
  const text = plan.settings.cloud_init;
  if (typeof text !== 'string') return [];
  if (USERDATA_HEADERS.some((h) => text.startsWith(h))) return [];
  const line = JSON.stringify(text.split('\n')[0].slice(0, 40));
  return [
    `cloud_init does not start with #cloud-config (its first line is ${line}): cloud-init ignores user-data without a header it knows, so the VM would boot without this configuration; make #cloud-config its first line, or write cloud_init as a map`,
  ];
}

/** A string is one template; a map has its string leaves rendered, then is written out as YAML. */
function compileValue(value: string | ConfigMap, label: string, header: string): CompiledTemplate {
  if (typeof value === 'string') return compileTemplate(label, value);
  const compiled = new Map<string, CompiledTemplate>();
  for (const s of templateStrings(value)) if (!compiled.has(s)) compiled.set(s, compileTemplate(label, s));
  const fill = (v: unknown, context: object, data?: RenderData): unknown => {
    if (typeof v === 'string') return compiled.get(v)!(context, data);
    if (Array.isArray(v)) return v.map((x) => fill(x, context, data));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        // A key is a template too (`{{ interface_name }}:` in network_data): written as rendered.
        const key = isTemplate(k) ? compiled.get(k)!(context, data) : k;
        if (key === '' || Object.hasOwn(out, key))
          throw usageError(
            `${label}: the key ${JSON.stringify(k)} renders ${key === '' ? 'empty' : `to ${JSON.stringify(key)}, a key the map already has`}`,
            'give each key of the map a value of its own',
          );
        out[key] = fill(x, context, data);
      }
      return out;
    }
    return v;
  };
  return (context, data) => header + dumpYaml(fill(value, context, data));
}
