import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findInvalidUtf8, hexByte } from './utf8.ts';

test('valid UTF-8 gives -1', () => {
  assert.equal(findInvalidUtf8(Buffer.from('Lët Më Gët | Thîś "Rîght" 日本 🎵', 'utf8')), -1);
  assert.equal(findInvalidUtf8(Buffer.alloc(0)), -1);
});

test('a Latin-1 byte is reported at its offset', () => {
  // "Caf\xE9 au lait": E9 followed by a space is not a valid sequence
  assert.equal(findInvalidUtf8(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x61])), 3);
});

test('lone continuation bytes, overlongs, surrogates and out-of-range code points', () => {
  assert.equal(findInvalidUtf8(Buffer.from([0x41, 0x80])), 1);
  assert.equal(findInvalidUtf8(Buffer.from([0x41, 0xc0, 0x80])), 1); // overlong NUL
  assert.equal(findInvalidUtf8(Buffer.from([0xe0, 0x80, 0x80])), 0); // overlong 3-byte
  assert.equal(findInvalidUtf8(Buffer.from([0x41, 0x42, 0xed, 0xa0, 0x80])), 2); // surrogate D800
  assert.equal(findInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0); // > U+10FFFF
  assert.equal(findInvalidUtf8(Buffer.from([0xff])), 0);
});

test('a multi-byte sequence cut off at the end is invalid at its lead byte', () => {
  const ok = Buffer.from('é', 'utf8');
  assert.equal(findInvalidUtf8(Buffer.concat([Buffer.from('ab'), ok.subarray(0, 1)])), 2);
  assert.equal(findInvalidUtf8(Buffer.from([0x61, 0xf0, 0x9f, 0x8e])), 1);
});

test('the first of several invalid bytes is reported, after valid multi-byte text', () => {
  const buf = Buffer.concat([Buffer.from('日本', 'utf8'), Buffer.from([0xe9, 0xff])]);
  assert.equal(findInvalidUtf8(buf), 6);
});

test('hexByte formats bytes for messages', () => {
  assert.equal(hexByte(0xe9), '0xE9');
  assert.equal(hexByte(7), '0x07');
});
