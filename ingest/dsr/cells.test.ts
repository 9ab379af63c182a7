import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeCell, multiValues, splitCells, splitMultiValue, splitPlain, unescapeCell } from './cells.ts';

test('a line without escapes splits on every TAB', () => {
  assert.deepEqual(splitCells('SU02.02\t1\tS1\t\tR1'), ['SU02.02', '1', 'S1', '', 'R1']);
  assert.deepEqual(splitCells(''), ['']);
});

test('splitPlain drops trailing empty cells and counts them', () => {
  assert.deepEqual(splitPlain('FOOT\t33\t\t\t'), { cells: ['FOOT', '33'], trailingEmpty: 3 });
  assert.deepEqual(splitPlain('a\t\tb'), { cells: ['a', '', 'b'], trailingEmpty: 0 });
  assert.deepEqual(splitPlain('\t\t'), { cells: [''], trailingEmpty: 2 });
});

test('an escaped TAB stays inside its cell', () => {
  const cells = splitCells('AS02\t1\tA\\\tB\tC');
  assert.deepEqual(cells, ['AS02', '1', 'A\\\tB', 'C']);
  assert.equal(unescapeCell(cells[2] as string), 'A\tB');
});

test('a pipe escaped the legacy way (\\|) is text', () => {
  // from ddexnet/dsrf test_file_parser.tsv
  const raw = 'Lët Më Gët \\| Thîś "Rîght';
  assert.equal(unescapeCell(raw), 'Lët Më Gët | Thîś "Rîght');
  assert.deepEqual(splitMultiValue(raw), ['Lët Më Gët | Thîś "Rîght']);
});

test('a pipe escaped the current-spec way (\\\\|) is text too', () => {
  const raw = 'A\\\\|B|C';
  assert.equal(unescapeCell(raw), 'A|B|C');
  assert.deepEqual(splitMultiValue(raw), ['A|B', 'C']);
});

test('backslashes: \\\\\\ (spec) and \\\\ (legacy) are one backslash; a lone one is kept', () => {
  assert.equal(unescapeCell('A\\\\\\B'), 'A\\B');
  assert.equal(unescapeCell('A\\\\B'), 'A\\B');
  assert.equal(unescapeCell('C:\\music\\x'), 'C:\\music\\x');
  // a backslash at the end of a cell does not swallow the cell delimiter
  assert.deepEqual(splitCells('X\\\\\tY'), ['X\\\\', 'Y']);
  assert.equal(unescapeCell('X\\\\'), 'X\\');
});

test('multi-value cells split on unescaped pipes and keep empty positions', () => {
  assert.deepEqual(splitMultiValue('Roma Ryan|Tom Whalley|Enya'), ['Roma Ryan', 'Tom Whalley', 'Enya']);
  assert.deepEqual(splitMultiValue('|myns::4534'), ['', 'myns::4534']);
  assert.deepEqual(splitMultiValue(''), []);
  assert.deepEqual(multiValues('ISNI::0000000109201181||'), ['ISNI::0000000109201181']);
  assert.deepEqual(multiValues(' a | b '), ['a', 'b']);
});

test('escapeCell writes the spec form and round-trips', () => {
  const value = 'A|B\tC\\D';
  const escaped = escapeCell(value);
  assert.equal(escaped, 'A\\\\|B\\\tC\\\\\\D');
  const line = `AS02\t${escaped}\tnext`;
  const cells = splitCells(line);
  assert.equal(cells.length, 3);
  assert.equal(unescapeCell(cells[1] as string), value);
});
