// Bundles the CLI into one CommonJS file, build/v-auto.cjs, that bin/load-bundle.cjs runs with a
// V8 code cache (Node 20 can use one only for a classic script, not for ES modules). One file
// holds everything: the offline bundle needs no node_modules, and the modules only the cluster
// actions use (execa) are still not run by `inspect` or `--version`, since esbuild wraps each
// module reached through import() in a function called on that import.
import { build } from 'esbuild';
import { isBuiltin } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const outdir = process.argv[2] ?? 'build';

/** yargs, its cliui and cliui's wrap-ansi (which has a string-width of its own) measure help text with string-width; lib/cli/text-width.ts does for ASCII. */
const lightTextWidth = {
  name: 'light-text-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      /node_modules\/(yargs|cliui|wrap-ansi)\//.test(args.importer)
        ? { path: path.resolve('lib/cli/text-width.ts') }
        : undefined,
    );
  },
};
/** import() of a Node built-in becomes require(): vm.Script code has no loader for import(). */
const builtinImportAsRequire = {
  name: 'builtin-import-as-require',
  setup(b) {
    b.onResolve({ filter: /./ }, (args) =>
      args.kind === 'dynamic-import' && isBuiltin(args.path)
        ? { path: args.path, namespace: 'builtin' }
        : undefined,
    );
    b.onLoad({ filter: /./, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
/**
 * The built-in templates compiled here rather than at every start: lib/render/builtin-templates.ts
 * becomes their compiled forms, made by the same Handlebars and options as a run-time compile
 * (handlebars-env.ts precompileTemplate), each with the source it was made from.
 */
async function precompiledTemplates() {
  const generator = await build({
    entryPoints: ['lib/render/handlebars-env.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const file = path.resolve(outdir, `.handlebars-env.${process.pid}.mjs`);
  mkdirSync(outdir, { recursive: true });
  writeFileSync(file, generator.outputFiles[0].contents);
  try {
    const { precompileTemplate } = await import(pathToFileURL(file).href);
    const entries = readdirSync('templates')
      .filter((name) => name.endsWith('.yaml.hbs'))
      .sort()
      .map((name) => {
        const source = readFileSync(path.join('templates', name), 'utf8');
        const { spec, variables } = precompileTemplate(source);
        return `${JSON.stringify(name)}: { source: ${JSON.stringify(source)}, spec: ${spec}, variables: ${JSON.stringify(variables)} }`;
      });
    return `export const PRECOMPILED = {\n${entries.join(',\n')}\n};\n`;
  } finally {
    rmSync(file, { force: true });
  }
}
const precompiled = await precompiledTemplates();
const builtinTemplates = {
  name: 'builtin-templates',
  setup(b) {
    b.onLoad({ filter: /lib[\\/]render[\\/]builtin-templates\.ts$/ }, () => ({
      contents: precompiled,
      loader: 'js',
    }));
  },
};
const result = await build({
  entryPoints: { 'v-auto': 'lib/cli/main.ts' },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: !process.env.NOMINIFY,
  legalComments: 'external',
  logLevel: 'warning',
  write: false,
  metafile: true,
  plugins: [lightTextWidth, builtinImportAsRequire, builtinTemplates],
  // lib/tool-root.ts finds VERSION and templates/ from its own file.
  define: { 'import.meta.url': '__vAutoFileUrl' },
  banner: { js: "var __vAutoFileUrl=require('node:url').pathToFileURL(__filename).href;" },
});
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  const left = output.imports.filter((i) => i.kind === 'dynamic-import' && i.external);
  if (left.length)
    throw new Error(
      `${file} would import() ${left.map((i) => i.path).join(', ')}, which code run by vm.Script cannot`,
    );
}
// Write beside and rename: a v-auto started while a build runs loads the old file or the new one.
for (const file of result.outputFiles) {
  mkdirSync(path.dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
// What builds before this one wrote (an ES module entry and its chunks), which nothing loads now.
for (const old of ['v-auto.mjs', 'v-auto.mjs.LEGAL.txt', 'chunks'])
  rmSync(path.join(outdir, old), { recursive: true, force: true });

// The editor schemas for config.yaml and spec files, from the validator's rules (lib/config/rules.ts):
// into build/schemas/, which the offline bundle ships as schemas/. `npm run schemas` copies them to
// the committed schemas/, and a test fails when those differ from what the rules generate.
const schemaModule = await build({
  entryPoints: ['lib/config/json-schema.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
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
