// Bundles the CLI into one self-contained ESM file (build/v-auto.mjs): one file
// parses faster at cold start than hundreds of modules, and the offline bundle
// needs no node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['lib/cli/main.ts'],
  outfile: 'build/v-auto.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'external',
  logLevel: 'warning',
  // CommonJS dependencies (handlebars, ip-num) call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
});
