// Builders for tests: temp workspaces on disk, settings and manifests from in-memory config.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { resolveSettings, type Settings } from '../../lib/config/settings.js';
import { parseYamlSource, type YamlSource } from '../../lib/config/yaml-source.js';
import { VAutoError } from '../../lib/errors.js';
import { planInstances, type Plan } from '../../lib/plan/plan-instances.js';
import { cloudInitVariables } from '../../lib/render/cloud-init.js';
import { compileTemplates, renderManifests, type Manifest } from '../../lib/render/render-manifests.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The smallest valid spec. */
export const IMAGE = { image_url: 'https://images.example.com/rhel9.qcow2' };

/** A static network catalog entry like the example's `lan`. */
export const LAN = {
  nad_name: 'lan',
  bridge: 'br-lan',
  vlan: 100,
  ipam: { range: '10.215.100.0/24', gateway: '10.215.100.1', dns: ['10.215.100.53'] },
};

export type YamlLike = Record<string, unknown> | string;

export function tempDir(prefix = 'v-auto-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `<home>/projects/<project>/{config.yaml,specs/*.yaml}` and `<home>/templates/*`; returns home. */
export function writeWorkspace(
  home: string,
  files: {
    project?: string;
    config?: YamlLike;
    specs: Record<string, YamlLike>;
    templates?: Record<string, string>;
  },
): string {
  const projectDir = path.join(home, 'projects', files.project ?? 'demo');
  mkdirSync(path.join(projectDir, 'specs'), { recursive: true });
  if (files.config !== undefined) writeFileSync(path.join(projectDir, 'config.yaml'), asYaml(files.config));
  for (const [name, spec] of Object.entries(files.specs))
    writeFileSync(path.join(projectDir, 'specs', `${name}.yaml`), asYaml(spec));
  if (files.templates) {
    mkdirSync(path.join(home, 'templates'), { recursive: true });
    for (const [name, text] of Object.entries(files.templates))
      writeFileSync(path.join(home, 'templates', name), text);
  }
  return home;
}

function asYaml(v: YamlLike): string {
  return typeof v === 'string' ? v : stringify(v);
}

export function yamlSource(label: string, v: YamlLike): YamlSource {
  return parseYamlSource(label, asYaml(v));
}

export interface SettingsFor {
  config?: YamlLike;
  spec?: YamlLike;
  sets?: string[];
  replicas?: number;
  env?: Record<string, string | undefined>;
  project?: string;
  specName?: string;
}

/** Settings the way prepare-manifests builds them, from in-memory config.yaml and spec. */
export function settingsFor(input: SettingsFor = {}): Settings {
  const project = input.project ?? 'demo';
  const spec = input.specName ?? 'web';
  return resolveSettings({
    project,
    spec,
    config:
      input.config === undefined ? undefined : yamlSource(`projects/${project}/config.yaml`, input.config),
    specSource: yamlSource(`projects/${project}/specs/${spec}.yaml`, input.spec ?? IMAGE),
    sets: input.sets,
    replicas: input.replicas,
    env: input.env ?? {},
    templateVariables: cloudInitVariables,
  });
}

export function builtinTemplates(): Record<string, string> {
  const dir = path.join(repoRoot, 'templates');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((n) => n.endsWith('.yaml.hbs'))
      .map((n) => [n, readFileSync(path.join(dir, n), 'utf8')]),
  );
}

/** Settings → plan → manifests, all in memory. */
export function renderFor(
  input: SettingsFor,
  options: { target?: string; inputs?: Record<string, unknown>; site?: Record<string, string> } = {},
): { plan: Plan; manifests: Manifest[] } {
  const plan = planInstances(settingsFor(input), { target: options.target });
  return {
    plan,
    manifests: renderManifests(
      plan,
      compileTemplates(builtinTemplates(), options.site ?? {}),
      options.inputs ?? {},
    ),
  };
}

export function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

export function named(manifests: Manifest[], kind: string, name: string): Manifest {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m)
    throw new Error(
      `no ${kind} ${name} among ${manifests.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`,
    );
  return m;
}

/** The VAutoError `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): VAutoError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VAutoError) return err;
    throw err;
  }
  throw new Error('expected a VAutoError, nothing was thrown');
}

export async function asyncErrorOf(fn: () => Promise<unknown>): Promise<VAutoError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof VAutoError) return err;
    throw err;
  }
  throw new Error('expected a VAutoError, nothing was thrown');
}

/** Decodes a Secret's base64 `data` value. */
export function secretText(m: Manifest, key: string): string {
  return Buffer.from((m.data as Record<string, string>)[key], 'base64').toString('utf8');
}
