import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleMatchedUsage, sampleUsageLine } from '../core/schemas/index.ts';
import { computeExport } from './compute.ts';
import { InputBuilder } from './sources.ts';

// A match-stage dead letter replayed with `dlq replay` leaves the dead letter on the topic
// and the line on usage.matched (or usage.unmatched): it is decided, not dead.
test('a match-stage dead letter whose line was matched or unmatched since is not counted as dead', () => {
  for (const deadFirst of [true, false]) {
    const b = new InputBuilder();
    const l1 = sampleUsageLine('F1', 1);
    const l2 = sampleUsageLine('F1', 2);
    const l3 = sampleUsageLine('F1', 3);
    const decide = () => {
      b.addMatched({ ...sampleMatchedUsage(), lineId: l1.lineId, fileId: 'F1', line: l1 }, [0, 1, 0, 1]);
      b.addUnmatched(l2);
    };
    if (!deadFirst) decide();
    for (const l of [l1, l2, l3]) b.addDeadAtMatch('F1', l.lineId);
    if (deadFirst) decide();
    b.addFromLinesTopic(l3);
    assert.deepEqual([...b.input.deadAtMatch.get('F1')!], ['F1:3'], `dead letters read first: ${deadFirst}`);
    assert.equal(computeExport(b.input, '2020-06').accounts[0]!.deadAtMatch, 1);
  }
});
