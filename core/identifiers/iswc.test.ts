import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIswc, iswcCheckDigit, normaliseIswc } from './index.ts';

test('check digit follows ISO 15707 (1 + sum of i * d_i, mod 10 complement)', () => {
  // The worked example of the standard: S = 179, C = 1.
  assert.equal(iswcCheckDigit('034524680'), 1);
  // The first ISWC ever assigned, T-000.000.001-0.
  assert.equal(iswcCheckDigit('000000001'), 0);
  assert.equal(iswcCheckDigit('123456789'), 4);
});

test('display and compact forms normalise to T + 10 digits', () => {
  assert.deepEqual(normaliseIswc('T-034.524.680-1'), { ok: true, value: 'T0345246801' });
  assert.deepEqual(normaliseIswc('T-123.456.789-4'), { ok: true, value: 'T1234567894' });
  assert.deepEqual(normaliseIswc('T1234567894'), { ok: true, value: 'T1234567894' });
  assert.deepEqual(normaliseIswc('t 000.000.001 0'), { ok: true, value: 'T0000000010' });
});

test('ISWCs found in the UGC sample report verify', () => {
  assert.deepEqual(normaliseIswc('T9109247316'), { ok: true, value: 'T9109247316' });
  assert.deepEqual(normaliseIswc('T0702472794'), { ok: true, value: 'T0702472794' });
});

test('a wrong check digit is rejected and the expected digit named', () => {
  // T-010.218.472-0 is sometimes quoted as an example; its computed check digit is 4.
  const r = normaliseIswc('T-010.218.472-0');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /check digit 0, but the check digit computed from 010218472 is 4/);
  assert.deepEqual(normaliseIswc('T-010.218.472-4'), { ok: true, value: 'T0102184724' });
});

test('malformed ISWCs are rejected with a reason', () => {
  const noT = normaliseIswc('0345246801');
  assert.equal(noT.ok, false);
  assert.match(!noT.ok ? noT.reason : '', /start with the letter T/);
  const short = normaliseIswc('T-034.524.680');
  assert.equal(short.ok, false);
  assert.match(!short.ok ? short.reason : '', /9 digits after the T/);
  const letters = normaliseIswc('T-034.5X4.680-1');
  assert.equal(letters.ok, false);
  assert.equal(normaliseIswc('').ok, false);
});

test('formatIswc gives the display form', () => {
  assert.equal(formatIswc('T0345246801'), 'T-034.524.680-1');
});
