// Writes the inputs of `node --experimental-sea-config` for bundle.sh --sea: every file of the
// staged bundle becomes an asset, plus index.json that lists them (Node 20 cannot list assets).
//
// Usage: node scripts/sea-config.mjs TREE VERSION ID WORKDIR
//   TREE     the staged folder v-auto-VERSION/
//   ID       a content id (the archive's sha256 prefix) naming the cache folder the binary unpacks to
//   WORKDIR  where sea-config.json, index.json and the blob go
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [treeArg, version, id, workdirArg] = process.argv.slice(2);
if (!workdirArg) {
  console.error('usage: node scripts/sea-config.mjs TREE VERSION ID WORKDIR');
  process.exit(2);
}
const tree = resolve(treeArg);
const workdir = resolve(workdirArg);

const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) walk(full);
    else files.push({ path: relative(tree, full), mode: stat.mode & 0o777 });
  }
})(tree);

const index = join(workdir, 'index.json');
writeFileSync(index, JSON.stringify({ version, id, files }));

const assets = { 'index.json': index };
for (const file of files) assets[`tree/${file.path}`] = join(tree, file.path);

const config = {
  main: join(dirname(fileURLToPath(import.meta.url)), 'sea-main.cjs'),
  output: join(workdir, 'sea-prep.blob'),
  // The warning would print on every run of a tool whose output people read and pipe.
  disableExperimentalSEAWarning: true,
  // useCodeCache would cover this main script only (sea-main.cjs, a few lines), not the bundle it
  // loads, and ties the blob to the build machine's V8 flags: the bundle has the per-user code
  // cache of bin/load-bundle.cjs instead, as with bin/v-auto.
  useCodeCache: false,
  useSnapshot: false,
  assets,
};
writeFileSync(join(workdir, 'sea-config.json'), JSON.stringify(config, null, 2));
