import { isUtf8 } from 'node:buffer';

/**
 * Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1 when
 * the whole buffer is valid UTF-8. For a broken multi-byte sequence the offset is that of its
 * lead byte. Overlong forms, UTF-16 surrogates and code points above U+10FFFF are invalid.
 *
 * The common case (valid input) is answered by `buffer.isUtf8`, which is SIMD-accelerated;
 * the byte scan below runs only for invalid input.
 */
export function findInvalidUtf8(buf: Uint8Array): number {
  if (isUtf8(buf)) return -1;
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b0 = buf[i] as number;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
    else if (b0 === 0xe0) {
      need = 2;
      lo = 0xa0;
    } else if (b0 >= 0xe1 && b0 <= 0xec) need = 2;
    else if (b0 === 0xed) {
      need = 2;
      hi = 0x9f;
    } else if (b0 >= 0xee && b0 <= 0xef) need = 2;
    else if (b0 === 0xf0) {
      need = 3;
      lo = 0x90;
    } else if (b0 >= 0xf1 && b0 <= 0xf3) need = 3;
    else if (b0 === 0xf4) {
      need = 3;
      hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // truncated sequence at the end
    const b1 = buf[i + 1] as number;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const b = buf[i + k] as number;
      if (b < 0x80 || b > 0xbf) return i;
    }
    i += need + 1;
  }
  // isUtf8 said invalid but the scan found nothing: cannot happen for a correct scan.
  return n;
}

/** Formats a byte as `0xE9` for messages. */
export function hexByte(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}
