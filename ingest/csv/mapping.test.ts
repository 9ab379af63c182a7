import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ACMESTREAM_CSV_MAPPING, csvMappingFor, REPORTS_DIR } from '../../fixtures/index.ts';
import { csvMappingSchema, headerKey, parseCsvMapping } from './mapping.ts';

const COMMITTED = path.join(REPORTS_DIR, 'ACMESTREAM_2020-06_usage_20200703T075930.csv.mapping.json');

function problems(input: unknown): string {
  const r = csvMappingSchema.safeParse(input);
  assert.equal(r.success, false, 'expected the mapping to be rejected');
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

test('the committed fixture mapping and the generator mappings validate unchanged', () => {
  const json = JSON.parse(readFileSync(COMMITTED, 'utf8')) as unknown;
  assert.deepEqual(parseCsvMapping(json), json);
  assert.deepEqual(parseCsvMapping(ACMESTREAM_CSV_MAPPING), ACMESTREAM_CSV_MAPPING);
  const noPreamble = csvMappingFor({ preamble: false, sender: 'OTHER' });
  assert.deepEqual(parseCsvMapping(noPreamble), noPreamble);
});

test('defaults are filled in for a minimal mapping', () => {
  const m = parseCsvMapping({
    sender: 'S',
    columns: { Plays: 'usages', ISRC: 'isrc', Artist: 'displayArtists' },
  });
  assert.equal(m.format, 'CSV');
  assert.equal(m.encoding, 'utf-8');
  assert.equal(m.delimiter, ',');
  assert.equal(m.quote, '"');
  assert.equal(m.headerLine, 1);
  assert.equal(m.bom, true);
  assert.equal(m.multiValueSeparator, ';');
  assert.equal(m.decimalSeparator, '.');
  assert.deepEqual(m.resourceFields, ['isrc', 'displayArtists']);
  assert.equal(m.findHeader, undefined);
  const f = parseCsvMapping({ sender: 'S', columns: { Plays: 'usages' }, findHeader: {} });
  assert.deepEqual(f.findHeader, { rule: 'all-mapped-columns', maxLines: 50 });
});

test('mapping mistakes are rejected with a message naming them', () => {
  const base = { sender: 'S', columns: { Plays: 'usages' } };
  assert.match(problems({ ...base, delimiter: '||' }), /delimiter: delimiter must be exactly one character/);
  assert.match(problems({ ...base, delimiter: '"' }), /quote and delimiter must differ/);
  assert.match(problems({ sender: 'S', columns: { ISRC: 'isrc' } }), /no column is mapped to usages/);
  assert.match(problems({ sender: 'S', columns: {} }), /map at least one column/);
  assert.match(problems({ ...base, columns: { Plays: 'usages', Title: 'name' } }), /columns\.Title/);
  assert.match(
    problems({ ...base, columns: { Plays: 'usages', ISRC: 'isrc', ' isrc ': 'title' } }),
    /"ISRC" and " isrc " are the same when case and spaces are ignored/,
  );
  assert.match(
    problems({ ...base, columns: { Plays: 'usages', Units: 'usages' } }),
    /usages is already mapped from "Plays"/,
  );
  assert.match(problems({ ...base, resourceFields: ['usages'] }), /usages is not a resource field/);
  assert.match(problems({ ...base, resourceFields: ['isrc'] }), /isrc is not mapped from any column/);
  assert.match(problems({ ...base, required: ['isrc'] }), /isrc is required but no column is mapped to it/);
  assert.match(problems({ ...base, headerLine: 0 }), /headerLine/);
  assert.match(problems({ ...base, dateFormat: 'D/M/Y' }), /dateFormat/);
  assert.match(problems({ ...base, colums: {} }), /Unrecognized key/);
  assert.throws(() => parseCsvMapping({ ...base, delimiter: '' }), /invalid CSV mapping:[\s\S]*delimiter/);
});

test('multi-value fields may come from several columns', () => {
  const m = parseCsvMapping({
    sender: 'S',
    columns: { Plays: 'usages', 'Artist 1': 'displayArtists', 'Artist 2': 'displayArtists' },
  });
  assert.deepEqual(m.resourceFields, ['displayArtists']);
});

test('header names match ignoring case and spaces', () => {
  assert.equal(headerKey('  Track   Title '), 'track title');
  assert.equal(headerKey('ISRC'), headerKey('isrc'));
});
