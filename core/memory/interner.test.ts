import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATES_KEPT, Interner } from './interner.ts';

// Whether two equal strings are one copy cannot be seen from JavaScript; Dates are objects, so
// the sharing, and the bound on what is kept, are checked on them.

test('one Date of each time is kept and handed out again; null stays null', () => {
  const i = new Interner();
  const d = i.date(new Date(5));
  assert.equal(i.date(new Date(5)), d);
  assert.notEqual(i.date(new Date(6)), d);
  assert.equal(i.string(null), null);
  assert.equal(i.string('GB'), 'GB');
});

test('what is kept is bounded: past the bound the kept values are forgotten, not lost', () => {
  const i = new Interner();
  const first = i.date(new Date(0));
  for (let t = 1; t <= DATES_KEPT; t++) i.date(new Date(t));
  const again = i.date(new Date(0));
  assert.notEqual(again, first, 'forgotten: a new Date is kept');
  assert.equal(again.getTime(), 0);
});
