// Kubernetes quantities: the one grammar v-auto accepts in a spec and reads back from the cluster.

/**
 * `<signedNumber><suffix>`, suffix binary SI, decimal SI or a decimal exponent: the serialization
 * format of kubernetes/apimachinery@357557a pkg/api/resource/quantity.go (the Quantity comment and
 * parseQuantityString). The spec's memory and disk_size are checked against it (and the editor
 * schemas carry it), so what the validator accepts is exactly what the API server parses.
 */
export const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity (`4Gi`, `500m`, `1e3`, `2`), or undefined when it is not one. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  return /^[eE][+-]?\d+$/.test(suffix) ? n * 10 ** Number(suffix.slice(1)) : n * SUFFIX[suffix];
}

/** Whether two spellings are one quantity (within floating-point rounding of the suffix factors). */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (x === undefined || y === undefined) return false;
  return x === y || Math.abs(x - y) <= Math.abs(x) * 1e-12;
}
