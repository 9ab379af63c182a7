import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Interner } from './interner.ts';

/** A string equal to `s` but not the same object (a decoder's fresh copy). */
const copy = (s: string) => Buffer.from(s).toString();

test('the interner keeps one copy of each string and one Date of each time', () => {
  const i = new Interner();
  const a = i.string(copy('society'));
  assert.equal(i.string(copy('society')), a);
  assert.equal(i.string(null), null);
  const d = i.date(new Date(5));
  assert.equal(i.date(new Date(5)), d);
  assert.notEqual(i.date(new Date(6)), d);
});
