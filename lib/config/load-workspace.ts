// Reads a workspace from disk: the project's config.yaml, one spec, and site template overrides.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../errors.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/** Files larger than this are refused: no sane spec is this big, and YAML parsing is not free. */
const MAX_FILE_BYTES = 1024 * 1024;

export interface Workspace {
  home: string;
  project: string;
  spec: string;
  /** config.yaml, when present. */
  config?: YamlSource;
  specSource: YamlSource;
  /** Site template overrides by file name (`virtualmachine.yaml.hbs` → text). */
  siteTemplates: Record<string, string>;
}

/** Chooses the workspace home: --home / V_AUTO_HOME, else cwd if it has projects/, else the tool root. */
export function resolveHome(explicit: string | undefined, cwd: string, toolRoot: string): string {
  if (explicit) return path.resolve(cwd, explicit);
  return isDirectory(path.join(cwd, 'projects')) ? cwd : toolRoot;
}

export function loadWorkspace(home: string, project: string, spec: string): Workspace {
  const projectsDir = path.join(home, 'projects');
  const projectDir = path.join(projectsDir, project);
  if (!isDirectory(projectDir)) {
    const known = listNames(projectsDir, (e) => e.isDirectory());
    // A fresh checkout or bundle has the example projects beside an empty (or no) projects/.
    const examples = path.join(home, 'examples');
    const hint = isDirectory(path.join(examples, 'projects', project))
      ? `${project} is one of the examples: add --home ${examples} (from ${home}: --home examples), or copy examples/projects/${project} into projects/`
      : known.length
        ? `projects here: ${known.join(', ')}`
        : `create ${path.join(projectDir, 'specs', `${spec}.yaml`)}, or point --home at your workspace`;
    throw usageError(`project "${project}" not found in ${projectsDir}`, hint);
  }
  const specFile = path.join(projectDir, 'specs', `${spec}.yaml`);
  if (!exists(specFile)) {
    const known = listNames(path.join(projectDir, 'specs'), (e) => e.isFile() && e.name.endsWith('.yaml')).map((n) => n.replace(/\.yaml$/, ''));
    throw usageError(
      `spec "${spec}" not found: no ${relative(home, specFile)}`,
      known.length ? `specs in project ${project}: ${known.join(', ')}` : `project ${project} has no specs yet`,
    );
  }
  const configFile = path.join(projectDir, 'config.yaml');
  const specSource = readYaml(home, specFile);
  if (Object.keys(specSource.data).length === 0) {
    throw usageError(`${specSource.label}: the spec is empty`, 'a spec needs at least an image, for example: image_url: https://example.com/disk.qcow2');
  }
  return {
    home,
    project,
    spec,
    config: exists(configFile) ? readYaml(home, configFile) : undefined,
    specSource,
    siteTemplates: readTemplates(path.join(home, 'templates')),
  };
}

function readYaml(home: string, file: string): YamlSource {
  return parseYamlSource(relative(home, file), readText(home, file));
}

/** Reads a small text file, turning every way it can fail into a usage error naming it. */
export function readText(home: string, file: string): string {
  const label = relative(home, file);
  let stats;
  try {
    stats = statSync(file);
  } catch (err) {
    throw usageError(`${label}: cannot read (${(err as NodeJS.ErrnoException).code})`);
  }
  if (stats.isDirectory()) throw usageError(`${label}: is a directory, expected a YAML file`);
  if (stats.size > MAX_FILE_BYTES) throw usageError(`${label}: file is too large (${stats.size} bytes; the limit is ${MAX_FILE_BYTES})`);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`${label}: cannot read (${(err as NodeJS.ErrnoException).code})`, 'check the file permissions');
  }
}

/** The `*.yaml.hbs` files of a folder by name: the built-in templates, or a site's overrides. */
export function readTemplates(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of listNames(dir, (e) => e.isFile() && e.name.endsWith('.yaml.hbs'))) {
    out[name] = readText(path.dirname(dir), path.join(dir, name));
  }
  return out;
}

/** Every project/spec pair of the workspace, sorted: what workspace-wide checks plan. */
export function listSpecs(home: string): { project: string; spec: string }[] {
  const projectsDir = path.join(home, 'projects');
  return listNames(projectsDir, (e) => e.isDirectory()).flatMap((project) =>
    listNames(path.join(projectsDir, project, 'specs'), (e) => e.isFile() && e.name.endsWith('.yaml')).map((file) => ({ project, spec: file.replace(/\.yaml$/, '') })),
  );
}

function listNames(dir: string, keep: (e: import('node:fs').Dirent) => boolean): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter(keep).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function relative(home: string, file: string): string {
  const rel = path.relative(home, file);
  return rel.startsWith('..') ? file : rel;
}
