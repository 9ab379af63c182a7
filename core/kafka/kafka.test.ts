import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkBySize } from './kafka.ts';

test('sends are cut into chunks under the size limit, in order, none lost', () => {
  const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(1000) }));
  const chunks = chunkBySize(messages, 100_000);
  assert.ok(chunks.length >= 10);
  assert.deepEqual(chunks.flat(), messages);
  for (const c of chunks) assert.ok(c.reduce((n, m) => n + (m.value as Buffer).length, 0) <= 100_000);
});

test('a message larger than the limit travels alone', () => {
  const big = { key: 'big', value: Buffer.alloc(300_000) };
  const chunks = chunkBySize([{ key: 'a', value: 'x' }, big, { key: 'b', value: 'y' }], 100_000);
  assert.deepEqual(
    chunks.map((c) => c.map((m) => m.key)),
    [['a'], ['big'], ['b']],
  );
});
