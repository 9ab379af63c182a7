import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '../core/db/index.ts';
import { withExportLock } from './lock.ts';

// Against the local PostgreSQL, under a schema name of its own (the lock's key; no tables).
const url = 'postgres://postgres@127.0.0.1:5432/postgres';
const db = new Database(url, `test_export_lock_${process.pid}`);
after(() => db.close());

test('a second export of the same quarter waits for the first, or fails naming the period after its wait', async () => {
  const order: string[] = [];
  let release!: () => void;
  const first = withExportLock(db, '2026-11', 0, async () => {
    order.push('first in');
    await new Promise<void>((r) => (release = r));
    order.push('first out');
  });
  await sleep(100);
  await assert.rejects(
    withExportLock(db, '2026-Q4', 300, async () => order.push('never')),
    {
      code: 'EXPORT_LOCKED',
      message: /export 2026-Q4: another export of its quarter is running/,
    },
  );
  const waiting = withExportLock(db, '2026-11', 5000, async () => order.push('second'));
  await sleep(300);
  release();
  await Promise.all([first, waiting]);
  assert.deepEqual(order, ['first in', 'first out', 'second']);
  // Another quarter is not held up.
  await withExportLock(db, '2026-07', 0, async () => order.push('Q3'));
  assert.deepEqual(order.at(-1), 'Q3');
});

test('a lock held by a process that is killed is free at once', async () => {
  const key = `tallyline-export:${db.schema}:2026-Q1`;
  // Another process takes the quarter's lock and sits idle holding it, as a run between
  // queries does; then it is killed.
  const holder = spawn('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  holder.stdin!.write(`SELECT pg_advisory_lock(hashtext('${key}'));\n`);
  for (let i = 0; i < 100; i++) {
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = (hashtext($1)::bigint & 4294967295)",
      [key],
    );
    if (rows[0]!.n) break;
    await sleep(50);
  }
  await assert.rejects(
    withExportLock(db, '2026-02', 0, async () => 'ran'),
    { code: 'EXPORT_LOCKED' },
  );
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  assert.equal(await withExportLock(db, '2026-02', 5000, async () => 'ran'), 'ran');
});
