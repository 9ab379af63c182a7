// Record layouts: contiguous fields, record lengths of the specification, field reading.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCwr, parseCwr } from './index.ts';
import { LAYOUTS, fieldsFor, layoutOf, parseRecord, readField, type FieldDef } from './records.ts';
import { societyName } from './societies.ts';

/** Record lengths in the CISAC specification, 2.1 then 2.2. */
const LENGTHS: Record<string, [number, number]> = {
  HDR: [101, 167],
  GRH: [28, 28],
  GRT: [37, 37],
  TRL: [24, 24],
  NWR: [260, 260],
  REV: [260, 260],
  ISW: [260, 260],
  EXC: [260, 260],
  SPU: [183, 183],
  OPU: [183, 183],
  SPT: [58, 58],
  SWR: [180, 180],
  OWR: [180, 180],
  SWT: [52, 52],
  PWR: [110, 112],
  ALT: [83, 83],
  EWT: [364, 364],
  VER: [364, 364],
  PER: [118, 118],
  REC: [266, 540],
  ORN: [301, 301],
};

test('every layout is contiguous from column 4 and as long as the specification says', () => {
  assert.deepEqual([...LAYOUTS.keys()].sort(), Object.keys(LENGTHS).sort());
  for (const [type, layout] of LAYOUTS) {
    const [len21, len22] = LENGTHS[type] as [number, number];
    for (const [version, expected] of [
      ['2.1', len21],
      ['2.2', len22],
    ] as const) {
      let column = 4;
      for (const def of fieldsFor(layout, version)) {
        assert.equal(def.start, column, `${type} ${version} ${def.name} starts at ${column}`);
        column += def.length;
      }
      assert.equal(column - 1, expected, `${type} ${version} length`);
    }
  }
});

test('a record type without a layout reads by its prefix', () => {
  const l = layoutOf('INS');
  assert.deepEqual(
    l.fields.map((f) => f.name),
    ['transactionSequence', 'recordSequence'],
  );
});

const share: FieldDef = { name: 'prOwnershipShare', start: 1, length: 5, kind: 'share' };

test('shares: 5 digits with 2 implied decimals, in basis points', () => {
  assert.equal(readField('03750', 'SPU', share), 3750);
  assert.equal(readField('10000', 'SPU', share), 10000);
  assert.equal(readField('00000', 'SPU', share), 0);
  assert.equal(readField('     ', 'SPU', share), 0);
  assert.equal(readField('', 'SPU', share), 0, 'a trimmed line reads as blanks');
  assert.deepEqual(readField('1O000', 'SPU', share), {
    field: 'prOwnershipShare',
    reason:
      'SPU field prOwnershipShare (columns 1-5) "1O000" is not a share (5 digits with 2 implied decimals, e.g. 03750 = 37.50 %)',
  });
  assert.match((readField('10050', 'SPU', share) as { reason: string }).reason, /100\.50 %, more than 100 %/);
});

test('numeric, date and time fields', () => {
  const num: FieldDef = { name: 'n', start: 1, length: 3, kind: 'numeric' };
  const date: FieldDef = { name: 'd', start: 1, length: 8, kind: 'date' };
  const time: FieldDef = { name: 't', start: 1, length: 6, kind: 'time' };
  assert.equal(readField('007', 'X', num), '007');
  assert.equal(readField('   ', 'X', num), null);
  assert.equal((readField('0A7', 'X', num) as { field: string }).field, 'n');
  assert.equal(readField('20240229', 'X', date), '20240229');
  assert.equal(readField('00000000', 'X', date), null);
  assert.match((readField('20230229', 'X', date) as { reason: string }).reason, /not a calendar date/);
  assert.equal(readField('235959', 'X', time), '235959');
  assert.match((readField('126000', 'X', time) as { reason: string }).reason, /below 60/);
});

test('parseRecord gives typed accessors and stops at the first bad field', () => {
  const line = `SWT0000000300000004W1       ${'02500'}0000000000I2136N001`;
  const r = parseRecord(line, 9, layoutOf('SWT'), '2.1');
  assert.ok(r.ok);
  assert.equal(r.record.int('transactionSequence'), 3);
  assert.equal(r.record.str('interestedPartyNumber'), 'W1');
  assert.equal(r.record.share('prCollectionShare'), 2500);
  assert.equal(r.record.int('tisNumericCode'), 2136);
  assert.throws(() => r.record.str('nope'), /SWT has no field nope/);
  const bad = parseRecord(line.replace('I2136', 'I21X6'), 9, layoutOf('SWT'), '2.1');
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.field, 'tisNumericCode');
});

test('society codes give short names; unknown codes stay codes', () => {
  assert.equal(societyName('052'), 'PRS');
  assert.equal(societyName('10'), 'ASCAP');
  assert.equal(societyName('021'), 'BMI');
  assert.equal(societyName('999'), '999');
  assert.equal(societyName('   '), null);
  assert.equal(societyName(null), null);
});

test('decodeCwr: UTF-8 when valid, otherwise ISO-8859-1 with one character per byte', () => {
  const title = 'ÇA PLANE';
  const utf8 = new TextEncoder().encode(title);
  assert.equal(decodeCwr(utf8), title);
  const latin1 = Uint8Array.from(Buffer.from(title, 'latin1'));
  assert.equal(latin1.length, title.length);
  assert.equal(decodeCwr(latin1), title);
  // a Latin-1 title keeps the columns after it in place
  const line = `ALT0000000000000001${'ÉTÉ'.padEnd(60)}AT  `;
  const r = parseRecord(decodeCwr(Uint8Array.from(Buffer.from(line, 'latin1'))), 1, layoutOf('ALT'), '2.1');
  assert.ok(r.ok);
  assert.equal(r.record.str('alternateTitle'), 'ÉTÉ');
  assert.equal(r.record.str('titleType'), 'AT');
  assert.equal(parseCwr('', { source: 'x' }).counts.records, 0);
});
