import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { CatchUp } from './catch-up.ts';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

/** 'pending', or how it caught up, once the promise's callbacks have run */
async function state(c: CatchUp): Promise<string> {
  let by = 'pending';
  void c.caughtUp.then((b) => (by = b));
  await new Promise((resolve) => setImmediate(resolve));
  return by;
}

const IDLE = { idleMs: 1000, joinMs: 5000 };

test('caught up once every partition of every topic has reached its end offset, not before', async () => {
  const c = new CatchUp(
    [
      { topic: 'ref.works', partition: 0, low: '0', high: '3' },
      { topic: 'ref.works', partition: 1, low: '0', high: '2' },
      { topic: 'ref.recordings', partition: 0, low: '5', high: '7' },
    ],
    IDLE,
  );
  c.start();
  c.arrived('ref.works', 0);
  c.handled('ref.works', 0, '2');
  c.handled('ref.works', 1, '0'); // one short of its end
  assert.equal(await state(c), 'pending');
  // The same partition number on the other topic is a partition of its own.
  c.handled('ref.works', 1, '1');
  assert.equal(await state(c), 'pending');
  assert.deepEqual(c.remaining(), [{ topic: 'ref.recordings', partition: 0, next: 5, end: 7 }]);
  c.handled('ref.recordings', 0, '6');
  assert.equal(await state(c), 'ends');
  assert.equal(c.done, true);
  assert.deepEqual(c.remaining(), []);
});

test('a partition whose last offsets are transaction markers is caught up once nothing arrives for idleMs', async () => {
  // offsets 0..8 are records, 9 is a commit marker: the consumer never sees offset 9
  const c = new CatchUp([{ topic: 'ref.recordings', partition: 0, low: 0, high: 10 }], IDLE);
  c.start();
  c.handled('ref.recordings', 0, 8);
  assert.deepEqual(c.remaining(), [{ topic: 'ref.recordings', partition: 0, next: 9, end: 10 }]);
  mock.timers.tick(999);
  assert.equal(await state(c), 'pending');
  // another batch (empty: only markers) restarts the clock
  c.handled('ref.recordings', 0);
  mock.timers.tick(999);
  assert.equal(await state(c), 'pending');
  mock.timers.tick(1);
  assert.equal(await state(c), 'idle');
});

test('before the first batch the wait is the join time, not idleMs', async () => {
  const c = new CatchUp([{ topic: 't', partition: 0, low: 0, high: 1 }], IDLE);
  c.start();
  mock.timers.tick(4999);
  assert.equal(await state(c), 'pending');
  mock.timers.tick(1);
  assert.equal(await state(c), 'idle');
});

test('a batch in hand is not idleness, however long its handling takes', async () => {
  const c = new CatchUp([{ topic: 't', partition: 0, low: 0, high: 100 }], IDLE);
  c.start();
  c.arrived('t', 0);
  c.arrived('t', 1); // two partitions' batches side by side
  mock.timers.tick(60_000);
  assert.equal(await state(c), 'pending');
  c.handled('t', 1, 3);
  mock.timers.tick(60_000);
  assert.equal(await state(c), 'pending', 'one batch still in hand');
  c.handled('t', 0, 49);
  mock.timers.tick(999);
  assert.equal(await state(c), 'pending');
  mock.timers.tick(1);
  assert.equal(await state(c), 'idle');
});

test('nothing to read: empty partitions only, caught up at start', async () => {
  const c = new CatchUp(
    [
      { topic: 'a', partition: 0, low: '0', high: '0' },
      { topic: 'b', partition: 0, low: '12', high: '12' }, // emptied by retention
    ],
    IDLE,
  );
  assert.equal(c.empty, true);
  assert.equal(await state(c), 'pending', 'not before start');
  c.start();
  assert.equal(await state(c), 'empty');
  assert.equal(new CatchUp([], IDLE).empty, true);
});

test('a consumer that keeps consuming after catching up: later batches change nothing', async () => {
  const c = new CatchUp([{ topic: 't', partition: 0, low: 0, high: 2 }], { ...IDLE, unref: true });
  c.start();
  c.handled('t', 0, 1);
  assert.equal(await state(c), 'ends');
  c.arrived('t', 0);
  c.handled('t', 0, 7);
  mock.timers.tick(60_000);
  assert.equal(await state(c), 'ends');
  assert.equal(c.done, true);
});

test('stop() gives up: the clock stops and it never reports caught up', async () => {
  const c = new CatchUp([{ topic: 't', partition: 0, low: 0, high: 2 }], IDLE);
  c.start();
  c.stop();
  c.handled('t', 0, 0);
  mock.timers.tick(60_000);
  assert.equal(await state(c), 'pending');
});

test('of() takes the end offsets of each topic from the admin client', async () => {
  const asked: string[] = [];
  const admin = {
    topicOffsets: async (topic: string) => {
      asked.push(topic);
      return topic === 'ref.works'
        ? [
            { partition: 0, low: '0', high: '4' },
            { partition: 1, low: '0', high: '0' },
          ]
        : [{ partition: 0, low: '0', high: '1' }];
    },
  };
  const c = await CatchUp.of(admin, ['ref.works', 'ref.recordings'], IDLE);
  assert.deepEqual(asked, ['ref.works', 'ref.recordings']);
  assert.deepEqual(c.remaining(), [
    { topic: 'ref.works', partition: 0, next: 0, end: 4 },
    { topic: 'ref.recordings', partition: 0, next: 0, end: 1 },
  ]);
});

test('the fraction read grows with the offsets handled, over all partitions, and is 1 once caught up', async () => {
  const c = new CatchUp(
    [
      { topic: 'ref.works', partition: 0, low: '0', high: '6' },
      { topic: 'ref.recordings', partition: 0, low: '10', high: '12' },
      { topic: 'ref.recordings', partition: 1, low: '4', high: '4' }, // empty: nothing to read
    ],
    IDLE,
  );
  c.start();
  assert.equal(c.fraction(), 0);
  c.handled('ref.works', 0, '2'); // 3 of 8 offsets
  assert.equal(c.fraction(), 3 / 8);
  c.handled('ref.recordings', 0, '11'); // that partition done: 5 of 8
  assert.equal(c.fraction(), 5 / 8);
  c.handled('ref.works', 0, '4');
  assert.equal(c.fraction(), 7 / 8);
  mock.timers.tick(IDLE.idleMs); // the last offset is a marker: caught up by idleness
  assert.equal(await state(c), 'idle');
  assert.equal(c.fraction(), 1);
});
