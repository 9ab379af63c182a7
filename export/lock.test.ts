import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { withExportLock } from './lock.ts';

// Against the local Redis, under a key prefix of its own.
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const prefix = `test-export-lock-${process.pid}-${Date.now()}`;
after(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

test('a second export of the same quarter waits for the first, or fails naming the period after its wait', async () => {
  const order: string[] = [];
  let release!: () => void;
  const first = withExportLock(redis, prefix, '2026-11', 0, async () => {
    order.push('first in');
    await new Promise<void>((r) => (release = r));
    order.push('first out');
  });
  await sleep(100);
  await assert.rejects(
    withExportLock(redis, prefix, '2026-Q4', 300, async () => order.push('never')),
    {
      code: 'EXPORT_LOCKED',
      message: /export 2026-Q4: another export of its quarter is running/,
    },
  );
  const waiting = withExportLock(redis, prefix, '2026-11', 5000, async () => order.push('second'));
  await sleep(300);
  release();
  await Promise.all([first, waiting]);
  assert.deepEqual(order, ['first in', 'first out', 'second']);
  // Another quarter is not held up, and the lock is gone after each run.
  await withExportLock(redis, prefix, '2026-07', 0, async () => order.push('Q3'));
  assert.equal(await redis.exists(`${prefix}:export:lock:2026-Q4`), 0);
});

test('a lock left by a killed export on this host is taken over at once', async () => {
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  await redis.set(`${prefix}:export:lock:2026-Q1`, `${hostname()} ${dead} abc`, 'PX', 15000);
  assert.equal(await withExportLock(redis, prefix, '2026-02', 0, async () => 'ran'), 'ran');
});
