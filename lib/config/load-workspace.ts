// Reads a workspace from disk: the project's config.yaml, one spec, and site template overrides.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { usageError, VAutoError } from '../errors.js';
import { ENV_REFERENCE } from './rules.js';
import { byFoldedText } from '../text-order.js';
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
  if (explicit) {
    const home = path.resolve(cwd, explicit);
    if (exists(home) && !isDirectory(home))
      throw usageError(
        `the workspace ${home} is a file, not a folder`,
        'point --home (or V_AUTO_HOME) at the folder that holds projects/',
      );
    return home;
  }
  return isDirectory(path.join(cwd, 'projects')) ? cwd : toolRoot;
}

/**
 * The project's folder, or the exit-2 error that says it is missing (with the projects there, or
 * the example to copy) or is a file; `spec` only shapes the hint.
 */
export function assertProject(home: string, project: string, spec?: string): string {
  const projectsDir = path.join(home, 'projects');
  const projectDir = path.join(projectsDir, project);
  if (exists(projectDir) && !isDirectory(projectDir)) {
    throw usageError(
      `${relative(home, projectDir)} is a file, not a project folder`,
      `a project is a folder: ${path.join(relative(home, projectDir), 'specs', `${spec ?? '<spec>'}.yaml`)}`,
    );
  }
  if (!isDirectory(projectDir)) {
    const known = projectNames(projectsDir);
    // A fresh checkout or bundle has the example projects beside an empty (or no) projects/.
    const examples = path.join(home, 'examples');
    const hint = isDirectory(path.join(examples, 'projects', project))
      ? `${project} is one of the examples: add --home ${examples} (from ${home}: --home examples), or copy examples/projects/${project} into a workspace of your own (its projects/ folder, outside the bundle) and point --home or V_AUTO_HOME at it`
      : known.length
        ? `projects here: ${known.join(', ')}`
        : `create ${path.join(projectDir, 'specs', `${spec ?? 'web'}.yaml`)}, or point --home at your workspace`;
    throw usageError(`project "${project}" not found in ${projectsDir}`, hint);
  }
  return projectDir;
}

export function loadWorkspace(home: string, project: string, spec: string, parsed?: ParsedFiles): Workspace {
  const projectDir = assertProject(home, project, spec);
  const specFile = path.join(projectDir, 'specs', `${spec}.yaml`);
  if (!exists(specFile)) {
    const specsDir = path.join(projectDir, 'specs');
    const known = specNames(specsDir);
    const bare = spec.replace(/\.ya?ml$/, '');
    let hint = known.length
      ? `specs in project ${project}: ${known.join(', ')}`
      : `project ${project} has no specs yet`;
    if (bare !== spec && known.includes(bare))
      hint = `give the spec by its name, without the extension: v-auto ${project} ${bare} …`;
    else if (exists(path.join(specsDir, `${bare}.yml`)))
      hint = `v-auto reads specs/<spec>.yaml: rename ${relative(home, path.join(specsDir, `${bare}.yml`))} to ${bare}.yaml`;
    throw usageError(`spec "${spec}" not found: no ${relative(home, specFile)}`, hint);
  }
  const configFile = path.join(projectDir, 'config.yaml');
  const specSource = readYaml(home, specFile, parsed);
  if (Object.keys(specSource.data).length === 0) {
    throw usageError(
      `${specSource.label}: the spec is empty`,
      'a spec needs at least an image, for example: image_url: https://example.com/disk.qcow2',
    );
  }
  return {
    home,
    project,
    spec,
    config: exists(configFile) ? readYaml(home, configFile, parsed) : undefined,
    specSource,
    siteTemplates: readSiteTemplates(path.join(home, 'templates')),
  };
}

/**
 * The specs of one project, for the actions that act on all of them: the names of its
 * `specs/*.yaml` files, sorted by name (code point order, as `LC_ALL=C ls` lists them). That order
 * is the order a project-wide deploy goes in. Exit 2 when the project is missing or has no spec.
 */
export function listProjectSpecs(home: string, project: string): string[] {
  const specsDir = path.join(assertProject(home, project), 'specs');
  const specs = specNames(specsDir);
  if (!specs.length)
    throw usageError(
      `project ${project} has no specs: no ${relative(home, path.join(specsDir, '<spec>.yaml'))}`,
      `create one, or give the spec: v-auto ${project} SPEC ACTION`,
    );
  return specs;
}

/**
 * Spec names from `specs/*.yaml`, the one rule for what counts as a spec file: a symbolic link
 * counts (loading a spec follows it), a hidden file (`.web.yaml`, as `ls` hides them; no spec name
 * starts with a dot) does not.
 */
function specNames(specsDir: string): string[] {
  return listNames(
    specsDir,
    (e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.yaml') && !e.name.startsWith('.'),
  ).map((n) => n.replace(/\.yaml$/, ''));
}

/**
 * The run's parsed config.yaml and spec files by path. A file is read and parsed once per run,
 * though the env: scan, the spec's own plan and every other spec's address check each need it
 * (a project's config.yaml once per spec of it). What a parse yields is never modified.
 */
export type ParsedFiles = Map<string, YamlSource>;

function readYaml(home: string, file: string, parsed?: ParsedFiles, text?: string): YamlSource {
  let source = parsed?.get(file);
  if (!source) {
    source = parseYamlSource(relative(home, file), text ?? readText(home, file));
    parsed?.set(file, source);
  }
  return source;
}

/**
 * Reads a small regular text file, turning every way it can fail into a usage error naming it.
 * Symbolic links are followed; one that leads nowhere or in a loop is an error. A FIFO or a device
 * (`/dev/urandom`) is refused: it could block forever or never end. At most MAX_FILE_BYTES are read,
 * even if the file grows after it was checked.
 */
export function readText(home: string, file: string): string {
  const label = relative(home, file);
  const cannot = (err: unknown, hint?: string) => {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ELOOP') && isSymlink(file)) {
      return usageError(
        `${label}: is a symbolic link that leads ${code === 'ELOOP' ? 'in a loop' : 'nowhere'} (${code})`,
        'fix the link or replace it with the file',
      );
    }
    return usageError(`${label}: cannot read (${code})`, hint);
  };
  let fd: number;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) throw usageError(`${label}: is a directory, expected a YAML file`);
    if (!stats.isFile())
      throw usageError(`${label}: is not a regular file (a FIFO, socket or device), expected a YAML file`);
    if (stats.size > MAX_FILE_BYTES) throw tooLarge(label, stats.size);
    // Non-blocking: should the path turn into a FIFO after the check, opening it does not hang.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (err instanceof VAutoError) throw err;
    throw cannot(
      err,
      (err as NodeJS.ErrnoException).code === 'EACCES' ? 'check the file permissions' : undefined,
    );
  }
  try {
    if (!fstatSync(fd).isFile())
      throw usageError(`${label}: is not a regular file (a FIFO, socket or device), expected a YAML file`);
    const buffer = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
    let length = 0;
    for (
      let n;
      length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;
    )
      length += n;
    if (length > MAX_FILE_BYTES) throw tooLarge(label);
    return buffer.toString('utf8', 0, length);
  } catch (err) {
    if (err instanceof VAutoError) throw err;
    throw cannot(err, 'check the file permissions');
  } finally {
    closeSync(fd);
  }
}

function tooLarge(label: string, bytes?: number) {
  return usageError(
    `${label}: file is too large (${bytes === undefined ? 'it grew past the limit while read' : `${bytes} bytes`}; the limit is ${MAX_FILE_BYTES})`,
  );
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The `*.yaml.hbs` files of a folder by name: the built-in templates. */
export function readTemplates(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  // A symbolic link counts: readText follows it, and one that leads nowhere is an error, not skipped.
  for (const name of listNames(
    dir,
    (e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.yaml.hbs'),
  )) {
    out[name] = readText(path.dirname(dir), path.join(dir, name));
  }
  return out;
}

/**
 * A site's overrides: every entry of `<home>/templates/` but hidden ones (`.gitkeep`, an editor's
 * swap file), so that a misnamed file (`virtualmachine.yml.hbs`) reaches the check of names
 * (compileTemplates) instead of being skipped while the built-in template is used.
 */
function readSiteTemplates(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of listNames(dir, (e) => !e.name.startsWith('.'))) {
    const file = path.join(dir, name);
    if (isDirectory(file)) throw usageError(`templates/${name}: is a folder, not a template`);
    out[name] = readText(path.dirname(dir), file);
  }
  return out;
}

/**
 * The environment variables that any spec of the workspace reads with `env:NAME` (in its file or its
 * project's config.yaml). A run hides them all from oc before its first call, not only those of the
 * spec it has planned so far: in a whole-project deploy db's calls would otherwise carry web's
 * password, and in a one-spec run, another spec's that the same cron job exports. A file that cannot
 * be read or parsed names none here; its own run reports why.
 */
export function workspaceEnvNames(home: string, parsed?: ParsedFiles): string[] {
  const names = new Set<string>();
  const read = (file: string) => {
    try {
      const text = parsed?.has(file) ? undefined : readText(home, file);
      // Parsed only if it can spell a reference: a YAML value differs from its text only through a
      // double-quoted escape (a backslash), a folded line break (a space, never nothing) or a
      // single-quoted '' (a quote), so a file without "env:" or a backslash names none. Most files
      // are skipped so; parsing every file here cost ~3 ms a spec before the first oc call (95 ms
      // for 32 specs).
      if (text !== undefined && !text.includes('env:') && !text.includes('\\')) return;
      for (const name of envReferences(readYaml(home, file, parsed, text).data)) names.add(name);
    } catch (err) {
      if (!(err instanceof VAutoError)) throw err;
    }
  };
  const projects = new Set<string>();
  for (const { project, spec } of listSpecs(home)) {
    const dir = path.join(home, 'projects', project);
    if (!projects.has(project) && exists(path.join(dir, 'config.yaml'))) read(path.join(dir, 'config.yaml'));
    projects.add(project);
    read(path.join(dir, 'specs', `${spec}.yaml`));
  }
  return [...names];
}

/** Every name that an `env:NAME` value in `data` reads, at any depth. */
function envReferences(data: unknown): string[] {
  if (typeof data === 'string') {
    const m = ENV_REFERENCE.exec(data);
    return m ? [m[1]] : [];
  }
  if (Array.isArray(data)) return data.flatMap(envReferences);
  if (data && typeof data === 'object') return Object.values(data).flatMap(envReferences);
  return [];
}

/** Every project/spec pair of the workspace, sorted: what workspace-wide checks plan. */
export function listSpecs(home: string): { project: string; spec: string }[] {
  const projectsDir = path.join(home, 'projects');
  return projectNames(projectsDir).flatMap((project) =>
    specNames(path.join(projectsDir, project, 'specs')).map((spec) => ({ project, spec })),
  );
}

/**
 * Project names under `projects/`, the one rule for what counts as a project: a folder, or a
 * symbolic link to one (loading a project follows it, as it does a linked spec file).
 */
function projectNames(projectsDir: string): string[] {
  return listNames(
    projectsDir,
    (e) => e.isDirectory() || (e.isSymbolicLink() && isDirectory(path.join(projectsDir, e.name))),
  );
}

function listNames(dir: string, keep: (e: import('node:fs').Dirent) => boolean): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter(keep)
      .map((e) => e.name)
      .sort(byFoldedText);
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

/** Whether anything is there, a dangling symbolic link included (reading it then says why it fails). */
function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function relative(home: string, file: string): string {
  const rel = path.relative(home, file);
  return rel.startsWith('..') ? file : rel;
}
