import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correctionCounts } from './correction-intake.ts';

test('a correction file’s counts: each row where it went, parked apart from dead-lettered', () => {
  // header, a blank row, and five rows
  const counts = correctionCounts(7, 1, [
    { result: 'resolved', kind: 'usage' },
    { result: 'resolved', kind: 'context' },
    { result: 'replayed' },
    { result: 'failed-again', kind: 'dead' },
    { result: 'parked', kind: 'dead' },
  ]);
  assert.deepEqual(counts, { lines: 7, emitted: 2, deadLettered: 1, parked: 1, context: 3 });
});

test('counts that do not add up to the lines are a bug, not a remainder', () => {
  assert.throws(() => correctionCounts(4, 0, [{ result: 'resolved', kind: 'usage' }]), /do not balance/);
});
