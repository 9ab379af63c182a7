import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageBytes } from '../../core/kafka/index.ts';
import { DEAD_LETTER_HEADERS as H } from '../../core/topics/index.ts';
import { sampleUsageLine } from '../../core/schemas/index.ts';
import type { UsageOutcome } from '../dsr/types.ts';
import { fitDeadLetter, usageTooLarge, type RecordLimits } from './record-size.ts';

const limits: RecordLimits = { maxRecordBytes: 10_000, rawBytes: 1_000 };

function usage(title: string): UsageOutcome {
  const value = sampleUsageLine();
  value.resources[0]!.title = title;
  return { kind: 'usage', lineNumber: 7, value, bytes: Buffer.from(`SU02\t${title}`), byteOffset: 500 };
}

test('a usage event is measured encoded, framing included: at the limit it is sent, one byte over it is a dead letter', () => {
  const probe = usage('');
  const base = messageBytes({ key: probe.value.lineId, value: Buffer.alloc(0) });
  const event = (n: number) => ({ key: probe.value.lineId, value: Buffer.alloc(n - base) });
  assert.equal(usageTooLarge(probe, event(limits.maxRecordBytes), limits), null);
  const dead = usageTooLarge(usage('x'.repeat(20_000)), event(limits.maxRecordBytes + 1), limits);
  assert.equal(dead?.errorClass, 'RECORD_TOO_LARGE');
  assert.equal(dead?.byteOffset, 500);
  assert.match(dead!.message, /line 7: its usage event is 10001 bytes, 1 bytes over the largest record/);
  assert.match(dead!.message, /resources\[0\]\.title \(20000 bytes/);
});

test('a dead letter that fits is sent whole; one too large keeps the first rawBytes, with where the whole line is', () => {
  const headers = { [H.message]: 'bad count', [H.lineId]: 'f:7' };
  const small = { key: 'f:7', value: Buffer.alloc(100, 'a'), headers };
  assert.equal(fitDeadLetter(small, { byteOffset: 500 }, 'abc', limits), small);

  const value = Buffer.alloc(limits.maxRecordBytes, 'b');
  const cut = fitDeadLetter(
    { key: 'f:7', value, headers },
    { byteOffset: 500, byteLength: 30_000 },
    'abc',
    limits,
  );
  assert.equal((cut.value as Buffer).length, limits.rawBytes);
  assert.ok(messageBytes(cut) <= limits.maxRecordBytes);
  assert.equal(cut.headers![H.rawCut], 'true');
  assert.equal(cut.headers![H.rawLength], '30000');
  assert.equal(cut.headers![H.landingKey], 'abc');
  assert.match(
    String(cut.headers![H.message]),
    /^bad count — this dead letter was \d+ bytes, \d+ bytes over/,
  );
  assert.match(String(cut.headers![H.message]), /first 1000 of 30000 bytes; the whole line is at byte 500/);
});
