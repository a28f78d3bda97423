// Bundles the CLI into one self-contained ESM file (build/v-auto.mjs): one file parses faster at
// cold start than hundreds of modules, and the offline bundle needs no node_modules.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const outfile = process.argv[2] ?? 'build/v-auto.mjs';
const result = await build({
  entryPoints: ['lib/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'external',
  logLevel: 'warning',
  write: false,
  // CommonJS dependencies (handlebars, ip-num) call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
});
// Write beside and rename: a v-auto started while a build runs sees the old file or the new one, never half of one.
mkdirSync(path.dirname(outfile), { recursive: true });
for (const file of result.outputFiles) {
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
