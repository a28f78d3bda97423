// The built-in templates precompiled, by file name: empty here, filled by scripts/build.mjs in the bundle.
import type { PrecompiledTemplate } from './handlebars-env.js';

/**
 * Run from source (tests, tsx) this is empty and the built-in templates are compiled at run time;
 * the build replaces this module with their compiled forms, each used only while the file it was
 * made from is unchanged (compileTemplate compares the source).
 */
export const PRECOMPILED: Record<string, PrecompiledTemplate> = {};
