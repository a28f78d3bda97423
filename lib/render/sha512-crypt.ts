// SHA-512 crypt ($6$), as glibc's crypt(3) and `openssl passwd -6` compute it (Ulrich Drepper's spec).
import { createHash, hash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// The spec's byte order for the final base-64 encoding: 21 groups of three, then byte 63.
const ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Repeats `block` to exactly `length` bytes. */
function stretch(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/** Returns `$6$<salt>$<hash>` with the default 5000 rounds; salt is cut to 16 characters. */
export function sha512Crypt(password: string, salt: string): string {
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const b = sha512(p, s, p);
  const aParts = [p, s, stretch(b, p.length)];
  for (let n = p.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : p);
  let c = sha512(...aParts);
  const pBytes = stretch(sha512(...Array(p.length).fill(p)), p.length);
  const sBytes = stretch(sha512(...Array(16 + c[0]).fill(s)), s.length);
  // The 5,000 rounds are the cost of the scheme; assembling each round's input in one reused buffer
  // and hashing it in one call is measurably faster than a Hash object per round.
  const round = Buffer.alloc(64 + sBytes.length + 2 * pBytes.length + 64);
  for (let i = 0; i < 5000; i++) {
    let n = (i & 1 ? pBytes : c).copy(round, 0);
    if (i % 3) n += sBytes.copy(round, n);
    if (i % 7) n += pBytes.copy(round, n);
    n += (i & 1 ? c : pBytes).copy(round, n);
    c = hash('sha512', round.subarray(0, n), 'buffer');
  }
  let out = '';
  const encode = (w: number, n: number) => {
    for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f];
  };
  for (const [x, y, z] of ORDER) encode((c[x] << 16) | (c[y] << 8) | c[z], 4);
  encode(c[63], 2);
  return `$6$${s.toString('utf8')}$${out}`;
}

/** A 16-character crypt salt derived from stable, non-secret inputs (never from the password). */
export function deriveSalt(...parts: string[]): string {
  const digest = createHash('sha256')
    .update(`v-auto:${parts.join('/')}`)
    .digest();
  return Array.from(digest.subarray(0, 16), (byte) => ITOA64[byte & 0x3f]).join('');
}
