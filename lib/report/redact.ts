// Masks Secret values before manifests are shown: only the byte count is printed.
import type { Manifest } from '../render/render-manifests.js';

/** The fields of a Secret that hold no secret value. */
const SHOWN_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'type', 'immutable']);

/**
 * Returns manifests with every Secret `data`/`stringData` value replaced by `<redacted: N bytes>`.
 * Any other field of a Secret is masked whole: a site template may put userdata where no Secret
 * field belongs, and it must not be printed there either.
 */
export function redactSecrets(manifests: Manifest[]): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'Secret') return m;
    const out: Manifest = { ...m };
    for (const [field, value] of Object.entries(m)) {
      if (SHOWN_FIELDS.has(field)) continue;
      if (
        (field === 'data' || field === 'stringData') &&
        value &&
        typeof value === 'object' &&
        !Array.isArray(value)
      ) {
        out[field] = Object.fromEntries(
          Object.entries(value).map(([k, v]) => [
            k,
            masked(field === 'data' ? Buffer.from(String(v ?? ''), 'base64').length : byteLength(v)),
          ]),
        );
      } else {
        out[field] = masked(byteLength(value));
      }
    }
    return out;
  });
}

function masked(bytes: number): string {
  return `<redacted: ${bytes} bytes>`;
}

function byteLength(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
}
