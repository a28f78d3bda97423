// Bundles the CLI into build/v-auto.mjs plus lazily loaded chunks in build/chunks/: a few files
// parse faster at cold start than hundreds of modules, the offline bundle needs no node_modules,
// and `inspect` or `--version` never load what only the cluster actions use (execa).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const outdir = process.argv[2] ?? 'build';

/** yargs and its cliui measure help text with string-width; lib/cli/text-width.ts does for ASCII. */
const lightTextWidth = {
  name: 'light-text-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      /node_modules\/(yargs|cliui)\//.test(args.importer) ? { path: path.resolve('lib/cli/text-width.ts') } : undefined,
    );
  },
};
const result = await build({
  entryPoints: { 'v-auto': 'lib/cli/main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: !process.env.NOMINIFY,
  legalComments: 'external',
  logLevel: 'warning',
  write: false,
  plugins: [lightTextWidth],
  // CommonJS dependencies (handlebars, ip-num) call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
});
// Write beside and rename, chunks before the entry that imports them: a v-auto started while a
// build runs loads the old entry or the new one, never half a file or a chunk not yet there.
const entry = path.resolve(outdir, 'v-auto.mjs');
const ordered = [...result.outputFiles].sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
const written = new Set();
for (const file of ordered) {
  mkdirSync(path.dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
  written.add(path.resolve(file.path));
}
// Chunks are named by content hash: the ones this build did not write belong to older sources
// (a rebuild of the same source writes the same names, so running tests never lose theirs).
const chunks = path.join(outdir, 'chunks');
for (const name of readdirSync(chunks)) {
  if (!written.has(path.resolve(chunks, name))) rmSync(path.join(chunks, name), { force: true });
}

// The editor schemas for config.yaml and spec files, from the validator's rules (lib/config/rules.ts):
// into build/schemas/, which the offline bundle ships as schemas/. `npm run schemas` copies them to
// the committed schemas/, and a test fails when those differ from what the rules generate.
const schemaModule = await build({ entryPoints: ['lib/config/json-schema.ts'], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning' });
const generatorFile = path.resolve(outdir, `.json-schema.${process.pid}.mjs`);
writeFileSync(generatorFile, schemaModule.outputFiles[0].contents);
try {
  const { schemaFiles } = await import(pathToFileURL(generatorFile).href);
  mkdirSync(path.join(outdir, 'schemas'), { recursive: true });
  for (const [name, text] of Object.entries(schemaFiles())) {
    const file = path.join(outdir, 'schemas', name);
    writeFileSync(`${file}.${process.pid}.tmp`, text);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
} finally {
  rmSync(generatorFile, { force: true });
}
