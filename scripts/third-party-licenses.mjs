// Prints THIRD_PARTY_LICENSES for the offline bundle: the license texts of the runtime dependencies
// that esbuild inlines into build/v-auto.cjs, found by walking node_modules from package.json.
//
// Usage: node scripts/third-party-licenses.mjs [ROOT]   (ROOT defaults to the current directory)
//
// Walks what is installed rather than reading package-lock.json so the file lists exactly the
// copies that were bundled. Output is sorted and carries no paths or dates, so that the same
// node_modules always gives the same bytes (the bundle is reproducible).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const LICENSE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** Node's lookup: node_modules/NAME in `fromDir`, then in each folder above it up to `root`. */
function findInstalled(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** Runtime dependencies: required ones must be installed, optional ones count only if they are. */
function dependencyNames(manifest) {
  return {
    required: Object.keys(manifest.dependencies ?? {}),
    optional: Object.keys(manifest.optionalDependencies ?? {}),
  };
}

const found = new Map(); // install dir -> manifest
const missing = [];
const queue = [root];
while (queue.length > 0) {
  const dir = queue.shift();
  const { required, optional } = dependencyNames(readManifest(dir));
  for (const [names, mustExist] of [
    [required, true],
    [optional, false],
  ]) {
    for (const name of names) {
      const installed = findInstalled(name, dir);
      if (installed === undefined) {
        if (mustExist) missing.push(`${name} (needed by ${readManifest(dir).name ?? dir})`);
        continue;
      }
      if (found.has(installed)) continue;
      found.set(installed, readManifest(installed));
      queue.push(installed);
    }
  }
}
if (missing.length > 0) {
  console.error(`error: runtime dependencies not installed: ${missing.join(', ')}`);
  console.error('hint: run "npm ci" first');
  process.exit(1);
}

function licenseName(manifest) {
  const { license, licenses } = manifest;
  if (typeof license === 'string') return license;
  if (license?.type) return license.type;
  if (Array.isArray(licenses)) return licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}

function repositoryUrl(manifest) {
  const repo = manifest.repository;
  return typeof repo === 'string' ? repo : (repo?.url ?? manifest.homepage ?? '');
}

// One entry per name@version: nested copies of the same version are the same text.
const entries = new Map();
for (const [dir, manifest] of found) {
  const key = `${manifest.name}@${manifest.version}`;
  if (entries.has(key)) continue;
  const files = readdirSync(dir)
    .filter((f) => LICENSE_FILE.test(f))
    .sort();
  entries.set(key, { manifest, texts: files.map((f) => readFileSync(join(dir, f), 'utf8').trimEnd()) });
}

// Code-unit order by name, then version: locale-free, so every machine sorts alike.
const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const byName = [...entries.keys()].sort((a, b) => {
  const [ma, mb] = [entries.get(a).manifest, entries.get(b).manifest];
  return compare(ma.name, mb.name) || compare(ma.version, mb.version);
});
const rule = '='.repeat(78);
const out = [
  'Third-party software bundled into build/v-auto.cjs',
  '',
  'v-auto is shipped as one JavaScript file that includes the packages below (the runtime',
  'dependencies in its package.json and theirs). Their license texts follow. Notices kept',
  'from the code itself are in build/v-auto.cjs.LEGAL.txt.',
  '',
  ...byName.map((key) => `  ${key} (${licenseName(entries.get(key).manifest)})`),
  '',
];
for (const key of byName) {
  const { manifest, texts } = entries.get(key);
  out.push(rule, `${key}  license: ${licenseName(manifest)}`);
  const url = repositoryUrl(manifest);
  if (url) out.push(url);
  out.push(rule, '');
  // A package with no license file still names its license; say so rather than drop the entry.
  out.push(
    texts.length > 0
      ? texts.join('\n\n')
      : `(no license file in the package; package.json says "${licenseName(manifest)}")`,
  );
  out.push('');
}
process.stdout.write(out.join('\n'));
