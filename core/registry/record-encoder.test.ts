import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  sampleMatchedUsage,
  sampleUsageLine,
  loadSchema,
  type Resource,
  type UsageLine,
} from '../schemas/index.ts';
import { RecordEncoder } from './record-encoder.ts';

const usageType = loadSchema('UsageLine').type;
const matchedType = loadSchema('MatchedUsage').type;

function written(encoder: RecordEncoder, value: object, given?: Record<string, Buffer>, size = 4096): Buffer {
  let buf = Buffer.alloc(size);
  let end = encoder.write(value as Record<string, unknown>, buf, 0, given);
  while (end < 0) {
    buf = Buffer.alloc(buf.length * 2);
    end = encoder.write(value as Record<string, unknown>, buf, 0, given);
  }
  return buf.subarray(0, end);
}

/** Usage lines of one block: the resources, release and summary objects are shared. */
function blockLines(): UsageLine[] {
  const base = sampleUsageLine('f1', 10);
  const r1 = base.resources[0]!;
  const r2: Resource = {
    ...r1,
    resourceRef: 'R2',
    title: 'Ünïcödé 🎵 title',
    displayArtists: [],
    composers: ['A', 'B'],
  };
  const release = {
    releaseRef: 'REL1',
    dspReleaseId: null,
    icpn: '0602498646034',
    title: 'Été',
    displayArtists: ['Plastic Bertrand'],
    label: null,
  };
  const resourceSets = [[r1], [r2], [r1, r2], []];
  return Array.from({ length: 12 }, (_, i) => ({
    ...base,
    lineId: `f1:${10 + i}`,
    lineNumber: 10 + i,
    usages: i * 1000,
    resources: [...(resourceSets[i % resourceSets.length] ?? [])],
    release: i % 3 === 0 ? null : release,
    summary: i % 2 === 0 ? base.summary : null,
    extra:
      i % 2
        ? ({ BlockId: String(i), 'summary.ServiceDescription': 'Ω service' } as Record<string, string>)
        : {},
  }));
}

test('a record written with shared fields is byte for byte what its type writes', () => {
  const encoder = new RecordEncoder(usageType, { shared: ['resources', 'release', 'summary'] });
  // twice over: the second round comes from the cache
  for (const round of [1, 2]) {
    for (const line of blockLines()) {
      assert.deepEqual(
        written(encoder, line),
        usageType.toBuffer(line),
        `round ${round}, line ${line.lineId}`,
      );
    }
  }
});

test('a spliced field given as bytes is written as those bytes, and encoded when not given', () => {
  const encoder = new RecordEncoder(matchedType, { spliced: ['line'] });
  const matched = sampleMatchedUsage();
  const lineBytes = usageType.toBuffer(matched.line);
  assert.deepEqual(written(encoder, matched, { line: lineBytes }), matchedType.toBuffer(matched));
  assert.deepEqual(written(encoder, matched), matchedType.toBuffer(matched));
  // the given bytes win over the value's field: proof that they are what is written
  const other = usageType.toBuffer({ ...matched.line, lineId: 'other:1' });
  const decoded = matchedType.fromBuffer(written(encoder, matched, { line: other })) as typeof matched;
  assert.equal(decoded.line.lineId, 'other:1');
  assert.equal(decoded.workId, matched.workId);
});

test('a buffer too small is reported as negative, at every kind of step', () => {
  const encoder = new RecordEncoder(usageType, { shared: ['resources', 'release', 'summary'] });
  const line = blockLines()[2]!;
  const full = usageType.toBuffer(line);
  for (let size = 0; size < full.length; size += 7) {
    assert.ok(
      encoder.write(line as unknown as Record<string, unknown>, Buffer.alloc(size), 0) < 0,
      `size ${size}`,
    );
  }
  assert.deepEqual(written(encoder, line, undefined, 8), full);
});

test('a field that is not in the record is refused when the encoder is made', () => {
  assert.throws(() => new RecordEncoder(usageType, { shared: ['nope'] }), /UsageLine has no field nope/);
});
