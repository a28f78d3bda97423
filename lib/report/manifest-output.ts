// Writes manifests as one multi-document YAML stream or a v1 List.
import { stringify } from 'yaml';
import type { Manifest } from '../render/render-manifests.js';

export function manifestsAsYaml(manifests: Manifest[]): string {
  return manifests.map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

export function manifestsAsJson(manifests: Manifest[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: manifests }, null, 2)}\n`;
}
