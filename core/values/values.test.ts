import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hasFraction,
  isDecimal,
  isDigits,
  isInteger,
  parseBool,
  parseCount,
  parseDateIn,
  parseDateTime,
  parseDecimal,
  parseDigits,
  parseDurationSeconds,
  parseIsoDate,
  parseSimpleDuration,
  quoteValue,
  scanLooseDecimal,
} from './index.ts';

test('whole numbers: signed integers, digits only, at most 15 digits for parseDigits', () => {
  assert.equal(isDigits(''), false);
  assert.equal(isDigits('0123'), true);
  assert.equal(isInteger('-12'), true);
  assert.equal(isInteger('+'), false);
  assert.equal(parseDigits('1234'), 1234);
  assert.ok(Number.isNaN(parseDigits('-1')));
  assert.ok(Number.isNaN(parseDigits('1234567890123456')));
});

test('decimals: one separator, digits on both sides of it', () => {
  assert.equal(isDecimal('-3.50'), true);
  assert.equal(isDecimal('.5'), false);
  assert.equal(isDecimal('5.'), false);
  assert.equal(isDecimal('1,5'), false);
  assert.equal(parseDecimal('0,4473', ','), '0.4473');
  assert.equal(parseDecimal('+12', '.'), '12');
  assert.equal(parseDecimal('1.5', ','), null);
  assert.equal(parseCount('2.6'), 3);
  assert.equal(hasFraction('2.00'), false);
  assert.equal(hasFraction('2.50'), true);
});

test('dates: real days only, in the layout asked for', () => {
  assert.equal(parseDateIn('29.2.2020', 'DD.MM.YYYY'), '2020-02-29');
  assert.equal(parseDateIn('29.2.2019', 'DD.MM.YYYY'), null);
  assert.equal(parseIsoDate('20200630'), '2020-06-30');
  assert.equal(parseIsoDate('2020-06'), '2020-06');
  assert.equal(parseIsoDate('2020-06-31'), null);
  assert.equal(parseDateTime('2020-07-03T07:59:30Z'), '2020-07-03T07:59:30Z');
  assert.equal(parseDateTime('2020-07-03T24:00Z'), null);
});

test('durations: the DDEX reading and the spreadsheet reading', () => {
  assert.equal(parseDurationSeconds('PT1M30.5S'), 91);
  assert.equal(parseDurationSeconds('P0DT1H'), 3600);
  assert.equal(parseDurationSeconds('PT'), null);
  assert.equal(parseDurationSeconds('225'), null);
  assert.equal(parseSimpleDuration('225'), 225);
  assert.equal(parseSimpleDuration('1:03:45'), 3825);
  assert.equal(parseSimpleDuration('3:60'), null);
  assert.equal(parseSimpleDuration('P0DT1H'), null);
});

test('booleans and quoting', () => {
  assert.equal(parseBool('Yes'), true);
  assert.equal(parseBool('0'), false);
  assert.equal(parseBool('maybe'), null);
  assert.equal(quoteValue('x'.repeat(70)), JSON.stringify(`${'x'.repeat(60)}…`));
  assert.equal(quoteValue('abcdef', 3), '"abc…"');
});

test('scanLooseDecimal reads amounts written by hand, and nothing else', () => {
  assert.deepEqual(scanLooseDecimal('.5'), { negative: false, whole: '', fraction: '5' });
  assert.deepEqual(scanLooseDecimal('-12,50'), { negative: true, whole: '12', fraction: '50' });
  assert.deepEqual(scanLooseDecimal('5.'), { negative: false, whole: '5', fraction: '' });
  for (const bad of ['', '-', '.', '1e3', '1.2.3', '1 000', '12a'])
    assert.equal(scanLooseDecimal(bad), null, bad);
});
