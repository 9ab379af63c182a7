import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { Rng } from '../../fixtures/index.ts';
import { RecordScanner } from './scan.ts';

const comma = new RecordScanner(',', '"');

function cells(text: string, s = comma): string[] {
  const r = s.scan(text);
  assert.equal(r.kind, 'cells', `${JSON.stringify(text)} gave ${JSON.stringify(r)}`);
  return r.kind === 'cells' ? r.cells : [];
}

test('RFC 4180 fields: quoted delimiters, doubled quotes, empty and quoted-empty fields', () => {
  assert.deepEqual(cells('a,b,c'), ['a', 'b', 'c']);
  assert.deepEqual(cells('"Hello, World",x'), ['Hello, World', 'x']);
  assert.deepEqual(cells('"say ""hi""",""""'), ['say "hi"', '"']);
  assert.deepEqual(cells(',"",'), ['', '', '']);
  assert.deepEqual(cells(''), ['']);
  assert.deepEqual(cells('a,"b\r\nc",d'), ['a', 'b\r\nc', 'd']);
  assert.equal((comma.scan('a,"b,c') as { kind: string }).kind, 'open');
  assert.deepEqual(comma.scan('a,b,"c'), { kind: 'open', cell: 2 });
});

test('quotes outside RFC 4180 are literal text, as csv-parse reads them with relax_quotes', () => {
  const r = comma.scan('12" Mix,"abc"x, "y"');
  assert.deepEqual(r, { kind: 'cells', cells: ['12" Mix', '"abc"x', ' "y"'], irregular: true });
});

test('other delimiters and quote characters', () => {
  assert.deepEqual(cells('a;"b;c";d', new RecordScanner(';', '"')), ['a', 'b;c', 'd']);
  assert.deepEqual(cells('a\t"b\tc"\td', new RecordScanner('\t', '"')), ['a', 'b\tc', 'd']);
  assert.deepEqual(cells("x|'it''s'|y", new RecordScanner('|', "'")), ['x', "it's", 'y']);
});

test('cellAt counts delimiters outside quotes', () => {
  assert.equal(comma.cellAt('a,"b,c",d', 0), 0);
  assert.equal(comma.cellAt('a,"b,c",d', 5), 1);
  assert.equal(comma.cellAt('a,"b,c",d', 8), 2);
});

test('differential: on 100k random lines the scanner and csv-parse agree (cells, and when a quote stays open)', () => {
  const options = {
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n'],
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
  };
  const alphabet = ['a', 'b', ',', '"', '"', ' ', 'é', '\r', ';'];
  const rng = new Rng(42);
  let regular = 0;
  let open = 0;
  for (let t = 0; t < 100_000; t++) {
    let text = '';
    const len = rng.int(0, 14);
    for (let i = 0; i < len; i++) text += rng.pick(alphabet);
    let expected: string[] | 'open';
    try {
      const records = parse(text, options) as string[][];
      assert.ok(records.length <= 1);
      expected = records[0] ?? [''];
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'CSV_QUOTE_NOT_CLOSED', String(e));
      expected = 'open';
    }
    const r = comma.scan(text);
    const got = r.kind === 'cells' ? r.cells : r.kind;
    assert.deepEqual(got, expected, JSON.stringify(text));
    if (r.kind === 'cells' && !r.irregular) regular++;
    if (r.kind === 'open') open++;
  }
  // the fast path must have decided most of them itself, not handed them all to csv-parse
  assert.ok(regular > 20_000, `regular ${regular}`);
  assert.ok(open > 5_000, `open ${open}`);
});
