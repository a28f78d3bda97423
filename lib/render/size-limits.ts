// What the API server refuses for its size, checked on the rendered manifests before anything is sent (pure).
//
// - A Secret's values may hold 1 MiB in all: MaxSecretSize = 1 * 1024 * 1024 (kubernetes/kubernetes
//   staging/src/k8s.io/api/core/v1/types.go), summed over the decoded `data` values by ValidateSecret.
// - An object's annotations may hold 256 KiB in all, keys and values
//   (kubernetes/kubernetes@008b3652 staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go
//   ValidateAnnotationsSize, TotalAnnotationSizeLimitB), and `kubectl apply` adds the whole object,
//   as JSON, in kubectl.kubernetes.io/last-applied-configuration: a user-data of about 190 KiB
//   (base64 in the Secret) is refused there, well below the Secret's own limit.
// The API server refuses such an object only when it is sent, after the objects before it in the
// apply were written: so the limits are checked here, and nothing is sent.
import { LAST_APPLIED } from '../cluster/k8s-object.js';
import { usageError } from '../errors.js';

/** A rendered object (render-manifests' Manifest), as far as its size goes; declared here so that render-manifests, which calls this, is not imported back. */
interface Rendered {
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

export const MAX_SECRET_BYTES = 1024 * 1024;
export const MAX_ANNOTATION_BYTES = 256 * 1024;

/** Exit 2 naming the object, its size and the limit, for the first manifest the API server would refuse for its size. */
export function assertSizeLimits(manifests: readonly Rendered[]): void {
  for (const m of manifests) {
    const what = `${m.kind} ${m.metadata.name}`;
    if (m.kind === 'Secret') {
      const data = (m.data ?? {}) as Record<string, string>;
      const bytes = Object.values(data).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0);
      if (bytes > MAX_SECRET_BYTES)
        throw usageError(
          `${what}: its values hold ${bytes} bytes, more than a Secret may (${MAX_SECRET_BYTES} bytes, 1 MiB)`,
          'make the cloud-init user-data smaller: fetch large files at boot (write_files with a URL, runcmd) instead of inlining them',
        );
    }
    const annotations = (m.metadata.annotations ?? {}) as Record<string, string>;
    const own = Object.entries(annotations).reduce((n, [k, v]) => n + byteLength(k) + byteLength(v), 0);
    // What kubectl apply writes: the object as JSON, beside the annotations it already has.
    const total = own + byteLength(LAST_APPLIED) + byteLength(JSON.stringify(m)) + 1;
    if (total > MAX_ANNOTATION_BYTES)
      throw usageError(
        `${what}: kubectl apply would record it in its ${LAST_APPLIED} annotation, ${total} bytes of annotations, more than an object may have (${MAX_ANNOTATION_BYTES} bytes, 256 KiB)`,
        m.kind === 'Secret'
          ? 'make the cloud-init user-data smaller: fetch large files at boot instead of inlining them'
          : 'make the object smaller',
      );
  }
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
