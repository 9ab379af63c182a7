import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLinkTable } from './link-table.ts';

const at = new Date('2026-11-01T00:00:00Z');

test('rows become links per ISRC, normalised; bad rows are rejected with line and field', () => {
  const text = [
    'ISRC;ISWC;Work ID;Title',
    'gb-aht-09-00445;T-034.524.680-1;W1;Ca plane pour moi',
    'GBAHT0900445;;W2;Other claim',
    'XX12;T-034.524.680-1;W3;bad isrc',
    'USRC17607839;T-034.524.680-2;;bad check digit',
    'USRC17607839;;;nothing',
  ].join('\r\n');
  const r = parseLinkTable(text, { source: 'table', assertedAt: at });
  assert.equal(r.fileError, null);
  assert.deepEqual(r.counts, { read: 5, loaded: 2, rejected: 3 });
  assert.deepEqual(r.recordingLinks, [
    {
      isrc: 'GBAHT0900445',
      links: [
        { workId: 'W1', iswc: 'T0345246801', title: 'Ca plane pour moi', source: 'table', assertedAt: at },
        { workId: 'W2', iswc: null, title: 'Other claim', source: 'table', assertedAt: at },
      ],
    },
  ]);
  assert.deepEqual(
    r.rejected.map((x) => [x.line, x.field]),
    [
      [4, 'ISRC'],
      [5, 'ISWC'],
      [6, 'ISWC'],
    ],
  );
});

test('a table without the needed columns is refused, naming them', () => {
  assert.match(
    parseLinkTable('Title,Artist\nx,y\n', { source: 's', assertedAt: at }).fileError ?? '',
    /no ISRC column/,
  );
  assert.match(
    parseLinkTable('ISRC,Title\nGBAHT0900445,y\n', { source: 's', assertedAt: at }).fileError ?? '',
    /neither an ISWC nor a work id/,
  );
});
