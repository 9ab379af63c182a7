// The parser against the seeded report generator of fixtures/: every line's expected
// outcome is known from the generator's ground truth, independently of this parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDsr, type GroundTruth } from '../../fixtures/index.ts';
import { readLineBatches } from '../lines/line-reader.ts';
import { DsrParser } from './parser.ts';
import type { DeadOutcome } from './types.ts';

async function check(source: AsyncIterable<Buffer>, truth: GroundTruth, label: string): Promise<void> {
  const parser = new DsrParser({ fileId: 'gen', sender: 'gen' });
  const dead: DeadOutcome[] = [];
  const streams = new Map<string, { lines: number; streams: number }>();
  for await (const batch of readLineBatches(source)) {
    for (const line of batch) {
      const o = parser.accept(line);
      if (o.kind === 'dead') dead.push(o);
      else if (o.kind === 'usage') {
        const id = o.value.summary?.summaryRecordId ?? '';
        const s = streams.get(id) ?? { lines: 0, streams: 0 };
        s.lines++;
        s.streams += o.value.usages;
        streams.set(id, s);
      }
    }
  }
  const summary = parser.finish();
  assert.equal(summary.fileError, null, label);
  assert.equal(summary.counts.lines, truth.lines, label);
  assert.deepEqual(
    {
      emitted: summary.counts.emitted,
      deadLettered: summary.counts.deadLettered,
      context: summary.counts.context,
    },
    truth.expected,
    label,
  );
  assert.deepEqual(
    dead.map((d) => {
      const out: Record<string, unknown> = {
        lineNumber: d.lineNumber,
        errorClass: d.errorClass,
        recordType: d.recordType,
      };
      if (d.rootCauseLine !== undefined) out.rootCauseLine = d.rootCauseLine;
      return out;
    }),
    truth.deadLines,
    label,
  );
  for (const s of truth.summaries) {
    assert.deepEqual(
      streams.get(s.summaryRecordId) ?? { lines: 0, streams: 0 },
      { lines: s.emittedUsageLines, streams: s.emittedStreams },
      `${label} ${s.summaryRecordId}`,
    );
  }
  assert.equal(summary.footerCheck, 'OK', label);
  assert.equal(summary.blocks, truth.blocks, label);
}

test('generated reports: every line gets the outcome the ground truth expects', async () => {
  const cases = [
    { seed: 1, usageLines: 2000, corruptionRate: 0.03 },
    { seed: 'tallyline', usageLines: 1500, corruptionRate: 0.1, lineEnding: '\n' as const },
    { seed: 7, usageLines: 800, corruptionRate: 0, releaseLevelRate: 0.2, finalNewline: false },
    { seed: 99, usageLines: 3000, corruptionRate: 0.05, resourcesPerBlock: [1, 12] as const },
  ];
  for (const options of cases) {
    const g = generateDsr(options);
    assert.ok(g.truth.deadLines.length > 0 || options.corruptionRate === 0);
    await check(g, g.truth, `seed ${String(options.seed)}`);
  }
});
