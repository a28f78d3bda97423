// Kubernetes resource.Quantity canonical form, as the API server and KubeVirt's webhooks write quantities back.
//
// Read at kubernetes/apimachinery pkg/api/resource/quantity.go (String/CanonicalizeBytes) and
// suffix.go: the format is the one of the written suffix (binary Ki…Ei, decimal n…E or none,
// exponent e/E); a binary quantity below 1024 in magnitude or not a whole number is written in
// decimal; a binary one takes the largest power of 1024 that divides it (4096Mi → 4Gi); a decimal one
// the largest power of 1000 (1000M → 1G, 1500M stays). Precision below 1n is rounded up.

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = Object.fromEntries(Object.entries(DECIMAL).map(([s, e]) => [e, s])) as Record<
  number,
  string
>;
const NANO = 10n ** 9n;

interface Parsed {
  /** The magnitude in nano-units. */
  nanos: bigint;
  negative: boolean;
  format: 'binary' | 'decimal' | 'exponent';
}

function parse(text: string): Parsed | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (!m[2] && !m[3])) return undefined;
  const [, sign, whole = '', frac = '', suffix, exp] = m;
  const format = suffix && suffix in BINARY ? 'binary' : exp !== undefined ? 'exponent' : 'decimal';
  // The value in nano-units, rounded up (away from zero) past nine decimal places.
  let scale =
    BigInt(exp !== undefined ? Number(exp) : suffix && suffix in DECIMAL ? DECIMAL[suffix] : 0) + 9n;
  const digits = BigInt((whole || '0') + frac);
  scale -= BigInt(frac.length);
  let nanos: bigint;
  if (scale >= 0n) nanos = digits * 10n ** scale;
  else {
    const d = 10n ** -scale;
    nanos = digits / d + (digits % d ? 1n : 0n);
  }
  if (suffix && suffix in BINARY) nanos *= 1024n ** BigInt(BINARY[suffix]);
  return { nanos, negative: sign === '-' && nanos !== 0n, format };
}

/** The value of a quantity in base units (bytes for memory), or NaN when it does not parse. */
export function quantityValue(text: string): number {
  const p = parse(text);
  return p ? ((p.negative ? -1 : 1) * Number(p.nanos)) / 1e9 : NaN;
}

/** The canonical string of a quantity, or the input unchanged when it does not parse. */
export function canonicalQuantity(text: string): string {
  const p = parse(text);
  if (!p) return text;
  const { negative, format } = p;
  const abs = p.nanos;
  const out = (s: string) => (negative ? `-${s}` : s);

  if (format === 'binary' && abs % NANO === 0n && abs / NANO >= 1024n) {
    let value = abs / NANO;
    let power = 0;
    while (power < 6 && value % 1024n === 0n) {
      value /= 1024n;
      power++;
    }
    return out(`${value}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][power]}`);
  }
  // Decimal: the largest exponent (a multiple of 3, from -9 to 18) that leaves a whole mantissa.
  let mantissa = abs;
  let exponent = -9;
  while (exponent < 18 && mantissa !== 0n && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (mantissa === 0n) exponent = 0;
  if (format === 'exponent') return out(exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`);
  return out(`${mantissa}${DECIMAL_SUFFIX[exponent]}`);
}
