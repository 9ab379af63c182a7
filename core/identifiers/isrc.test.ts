import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCanonicalIsrc, normaliseIsrc } from './index.ts';

test('canonical ISRCs pass unchanged', () => {
  assert.deepEqual(normaliseIsrc('GBAHT0900445'), { ok: true, value: 'GBAHT0900445' });
  assert.deepEqual(normaliseIsrc('USSM16900682'), { ok: true, value: 'USSM16900682' });
  assert.equal(isCanonicalIsrc('GBAHT0900445'), true);
  assert.equal(isCanonicalIsrc('gbaht0900445'), false);
});

test('lower case, hyphens and spaces normalise', () => {
  assert.deepEqual(normaliseIsrc('gb-aht-09-00445'), { ok: true, value: 'GBAHT0900445' });
  assert.deepEqual(normaliseIsrc(' US SM1 69 00677 '), { ok: true, value: 'USSM16900677' });
  assert.deepEqual(normaliseIsrc('usca2-01-00360'), { ok: true, value: 'USCA20100360' });
});

test('the registrant code may contain digits', () => {
  assert.deepEqual(normaliseIsrc('QM4DW1234567'), { ok: true, value: 'QM4DW1234567' });
});

test('wrong length is rejected with the length in the reason', () => {
  const r = normaliseIsrc('GBAHT090044');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /11 characters/);
});

test('digits in the country code are rejected', () => {
  const r = normaliseIsrc('G1AHT0900445');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /country code/);
});

test('letters in the designation are rejected', () => {
  const r = normaliseIsrc('GBAHT09004X5');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /position 11/);
});

test('empty input is rejected', () => {
  assert.deepEqual(normaliseIsrc('  '), { ok: false, reason: 'empty ISRC' });
});
