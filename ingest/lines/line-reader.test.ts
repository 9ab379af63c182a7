import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { LineSplitter, readLineBatches, readLines, type Line } from './line-reader.ts';

async function* chunksOf(data: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let pos = 0;
  let k = 0;
  while (pos < data.length) {
    const size = sizes[k++ % sizes.length] as number;
    yield data.subarray(pos, pos + size);
    pos += size;
  }
}

async function collect(data: Buffer, sizes: number[], maxLineBytes?: number): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of readLines(chunksOf(data, sizes), maxLineBytes ? { maxLineBytes } : {}))
    out.push(line);
  return out;
}

function simple(lines: Line[]): Array<[number, string, number, boolean]> {
  return lines.map((l) => [l.lineNumber, l.bytes.toString('latin1'), l.byteOffset, l.tooLong === true]);
}

test('LF, CRLF and a final line without terminator', async () => {
  const data = Buffer.from('HEAD\ta\r\nSY01\tb\n\nFOOT\t3', 'latin1');
  assert.deepEqual(simple(await collect(data, [1000])), [
    [1, 'HEAD\ta', 0, false],
    [2, 'SY01\tb', 8, false],
    [3, '', 15, false],
    [4, 'FOOT\t3', 16, false],
  ]);
});

test('a trailing terminator does not produce an extra empty line', async () => {
  const lines = await collect(Buffer.from('a\r\nb\r\n'), [1000]);
  assert.deepEqual(simple(lines), [
    [1, 'a', 0, false],
    [2, 'b', 3, false],
  ]);
});

test('lines spanning chunks, including a CR and LF split across chunks', async () => {
  const data = Buffer.from('first line\r\nsecond\nthird line here\r\n', 'latin1');
  for (const sizes of [[1], [2], [3], [11], [12], [5, 7], [13, 1, 2]]) {
    assert.deepEqual(
      simple(await collect(data, sizes)),
      [
        [1, 'first line', 0, false],
        [2, 'second', 12, false],
        [3, 'third line here', 19, false],
      ],
      `chunk sizes ${sizes.join(',')}`,
    );
  }
});

test('bytes are returned untouched (no decoding, CR inside a line kept)', async () => {
  const data = Buffer.from([0x41, 0xe9, 0x0d, 0x42, 0x0a, 0xff, 0xfe]);
  const lines = await collect(data, [3]);
  assert.deepEqual(lines[0]?.bytes, Buffer.from([0x41, 0xe9, 0x0d, 0x42]));
  assert.deepEqual(lines[1]?.bytes, Buffer.from([0xff, 0xfe]));
  assert.equal(lines[1]?.byteOffset, 5);
});

test('a line over maxLineBytes is flagged, truncated, and the rest skipped without storing', async () => {
  const long = 'x'.repeat(50);
  const data = Buffer.from(`ok\n${long}\r\nafter\nyyyyyyyyyyyy`, 'latin1');
  for (const sizes of [[1000], [4], [7, 3]]) {
    const lines = await collect(data, sizes, 10);
    assert.deepEqual(
      lines.map((l) => [l.lineNumber, l.bytes.toString(), l.byteOffset, l.tooLong === true, l.byteLength]),
      [
        [1, 'ok', 0, false, undefined],
        [2, 'xxxxxxxxxx', 3, true, 50],
        [3, 'after', 55, false, undefined],
        [4, 'yyyyyyyyyy', 61, true, 12],
      ],
      `chunk sizes ${sizes.join(',')}`,
    );
  }
});

test('a line of exactly maxLineBytes followed by CRLF is not too long', async () => {
  const lines = await collect(Buffer.from('abcde\r\nab\n'), [3], 5);
  assert.deepEqual(simple(lines), [
    [1, 'abcde', 0, false],
    [2, 'ab', 7, false],
  ]);
});

test('random content and random chunking agree with a reference split', async () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 30; round++) {
    const parts: string[] = [];
    const count = 1 + rnd(30);
    for (let i = 0; i < count; i++) {
      const len = rnd(20);
      let s = '';
      for (let j = 0; j < len; j++) s += 'ab\tc|\\'[rnd(6)];
      parts.push(s + (rnd(3) === 0 ? '\r\n' : '\n'));
    }
    if (rnd(2) === 0) parts.push('tail');
    const text = parts.join('');
    const expected: Array<[number, string, number, boolean]> = [];
    let offset = 0;
    const pieces = text.split('\n');
    pieces.forEach((p, i) => {
      if (i === pieces.length - 1 && p === '') return;
      expected.push([i + 1, p.endsWith('\r') ? p.slice(0, -1) : p, offset, false]);
      offset += p.length + 1;
    });
    const sizes = [1 + rnd(9), 1 + rnd(40), 1 + rnd(3)];
    assert.deepEqual(simple(await collect(Buffer.from(text, 'latin1'), sizes)), expected, `round ${round}`);
  }
});

test('works on a Node stream and with batches', async () => {
  const data = 'a\nb\nc\n';
  const lines: string[] = [];
  for await (const l of readLines(Readable.from([Buffer.from(data)]))) lines.push(l.bytes.toString());
  assert.deepEqual(lines, ['a', 'b', 'c']);
  const batches: number[] = [];
  for await (const batch of readLineBatches(chunksOf(Buffer.from(data), [2]))) batches.push(batch.length);
  assert.deepEqual(batches, [1, 1, 1]);
});

test('LineSplitter rejects a non-positive limit', () => {
  assert.throws(() => new LineSplitter({ maxLineBytes: 0 }), /positive integer/);
});
