import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileRecord } from '../ingest/index.ts';
import { correctionTarget } from './correction-target.ts';

const file = (fileId: string, fileName: string, sender: string, extra: Partial<FileRecord> = {}) =>
  ({ fileId, fileName, sender, format: 'DSR', state: 'split', ...extra }) as FileRecord;

const files = [
  file('f1', 'a.tsv', 'S1'),
  file('f2', 'a.tsv', 'S1'),
  file('f3', 'b.tsv', 'S1'),
  file('f4', 'b.tsv', 'S2'),
  file('f5', 'c.tsv', 'S1', { state: 'rejected' }),
  file('f6', 'CORRECTION_b.tsv', 'S1', { format: 'CORRECTION' }),
];

test('a name of one of the sender’s split files targets it; other senders’ files do not count', () => {
  const t = correctionTarget(files, 'S1', { fileId: null, originalFileName: 'b.tsv' });
  assert.ok(t.ok);
  assert.equal(t.file.fileId, 'f3');
  const s2 = correctionTarget(files, 'S2', { fileId: null, originalFileName: 'b.tsv' });
  assert.ok(s2.ok && s2.file.fileId === 'f4');
});

test('an ambiguous name is refused naming the candidates; FileId wins', () => {
  const t = correctionTarget(files, 'S1', { fileId: null, originalFileName: 'a.tsv' });
  assert.ok(!t.ok);
  assert.equal(t.cell, 'OriginalFileName');
  assert.match(t.message, /2 split files of sender S1 are named "a.tsv" \(f1, f2\): give FileId/);
  const byId = correctionTarget(files, 'S1', { fileId: 'f2', originalFileName: 'a.tsv' });
  assert.ok(byId.ok && byId.file.fileId === 'f2');
});

test('another sender’s file, a rejected file, a correction file or an unknown name is no target', () => {
  for (const [sender, row] of [
    ['S1', { fileId: 'f4', originalFileName: '' }],
    ['S1', { fileId: null, originalFileName: 'c.tsv' }],
    ['S1', { fileId: null, originalFileName: 'CORRECTION_b.tsv' }],
    ['S2', { fileId: null, originalFileName: 'a.tsv' }],
  ] as const) {
    const t = correctionTarget(files, sender, row);
    assert.ok(!t.ok, JSON.stringify(row));
    assert.match(t.message, /^no split file/);
  }
});
