// Masks Secret values before manifests are shown: only the byte count is printed.
import type { Manifest } from '../render/render-manifests.js';

/** Returns manifests with every Secret `data`/`stringData` value replaced by `<redacted: N bytes>`. */
export function redactSecrets(manifests: Manifest[]): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'Secret') return m;
    const out: Manifest = { ...m };
    for (const field of ['data', 'stringData'] as const) {
      const values = m[field] as Record<string, string> | undefined;
      if (!values) continue;
      out[field] = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, `<redacted: ${field === 'data' ? Buffer.from(v, 'base64').length : Buffer.byteLength(v)} bytes>`]),
      );
    }
    return out;
  });
}
