// The protobuf wire format, the little of it the simulator needs: varints and length-delimited fields.
//
// Written by hand rather than taken from a library: the simulator writes one tiny document (OpenAPI v2,
// strings and nested messages only) and reads a few fields of Namespace, Secret and ConfigMap bodies, so
// two short functions over the wire format (https://protobuf.dev/programming-guides/encoding/) are smaller
// than any dependency and need no .proto files.

/** One field as it sits on the wire: varint (wire type 0) as a number, length-delimited (2) as bytes. */
export type WireField = { no: number; varint: number } | { no: number; bytes: Buffer };

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** A length-delimited field (a string, bytes or an embedded message), ready to concatenate into a message. */
export function lengthDelimited(no: number, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
}

export class WireError extends Error {}

/**
 * The fields of one message, in wire order (a repeated field appears once per element). Fixed 32- and
 * 64-bit fields are skipped: none of the fields read here has that type. Throws WireError on truncation.
 */
export function readFields(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const readVarint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new WireError('truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new WireError('varint too long');
    }
  };
  while (pos < buf.length) {
    const tag = readVarint();
    const no = Math.floor(tag / 8);
    const type = tag % 8;
    if (type === 0) fields.push({ no, varint: readVarint() });
    else if (type === 2) {
      const len = readVarint();
      if (pos + len > buf.length) throw new WireError('truncated length-delimited field');
      fields.push({ no, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (type === 1 || type === 5) {
      pos += type === 1 ? 8 : 4;
      if (pos > buf.length) throw new WireError('truncated fixed-width field');
    } else throw new WireError(`unsupported wire type ${type}`);
  }
  return fields;
}
