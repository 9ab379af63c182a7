import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkBySize, retryOnCoordinatorMove } from './kafka.ts';

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

test('a call that meets a moved coordinator is tried again; other errors are not', async () => {
  let calls = 0;
  const moved = Object.assign(new Error('This is not the correct coordinator for this group'), {
    type: 'NOT_COORDINATOR_FOR_GROUP', // as KafkaJS names code 16
  });
  const result = await retryOnCoordinatorMove(
    async () => {
      calls++;
      if (calls < 3) throw moved;
      return 'offsets';
    },
    6,
    1,
  );
  assert.equal(result, 'offsets');
  assert.equal(calls, 3);

  calls = 0;
  const other = Object.assign(new Error('not authorised'), { type: 'GROUP_AUTHORIZATION_FAILED' });
  await assert.rejects(
    retryOnCoordinatorMove(
      async () => {
        calls++;
        throw other;
      },
      6,
      1,
    ),
    /not authorised/,
  );
  assert.equal(calls, 1);

  calls = 0;
  await assert.rejects(
    retryOnCoordinatorMove(
      async () => {
        calls++;
        throw moved;
      },
      3,
      1,
    ),
    /not the correct coordinator/,
  );
  assert.equal(calls, 3);
});
