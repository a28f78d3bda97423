// Locates the tool's own folder (VERSION, templates/), in the repository and in an unpacked bundle.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this module holding both VERSION and templates/. */
export function findToolRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'VERSION')) && existsSync(path.join(dir, 'templates'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export function readVersion(toolRoot: string): string {
  try {
    return readFileSync(path.join(toolRoot, 'VERSION'), 'utf8').trim();
  } catch {
    return 'unknown (no VERSION file)';
  }
}
