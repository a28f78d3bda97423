// Writes manifests as one multi-document YAML stream or a v1 List.
import { dump } from 'js-yaml';
import type { Manifest } from '../render/render-manifests.js';

/** One multi-document stream; js-yaml writes it about four times faster than the yaml package. */
export function manifestsAsYaml(manifests: Manifest[]): string {
  return manifests.map((m) => dump(m, { lineWidth: -1, noRefs: true })).join('---\n');
}

export function manifestsAsJson(manifests: Manifest[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: manifests }, null, 2)}\n`;
}
