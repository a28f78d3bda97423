// Masks Secret values before manifests are shown: not even their sizes are printed.
import { REDACTED } from '../changes/field-diff.js';
import type { Manifest } from '../render/render-manifests.js';

/** The fields of a Secret that hold no secret value. */
const SHOWN_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'type', 'immutable']);

/**
 * Returns manifests with every Secret `data`/`stringData` value replaced by `<redacted>`. Any other
 * field of a Secret is masked whole: a site template may put userdata where no Secret field
 * belongs, and it must not be printed there either. No size: a password inserted in clear (or
 * through `base64`) makes the userdata longer by its own length.
 */
export function redactSecrets(manifests: Manifest[]): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'Secret') return m;
    const out: Manifest = { ...m };
    for (const [field, value] of Object.entries(m)) {
      if (SHOWN_FIELDS.has(field)) continue;
      out[field] =
        (field === 'data' || field === 'stringData') &&
        value &&
        typeof value === 'object' &&
        !Array.isArray(value)
          ? Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]))
          : REDACTED;
    }
    return out;
  });
}
