// One export at a time per quarter: a PostgreSQL session advisory lock on the ledger's
// database. A killed holder's session ends and its lock with it, so nothing is waited out;
// Redis, which may lose its keys, holds no lock. The quarter, not the period, is locked so a
// month and its quarter never run together (docs/export.md).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../core/db/index.ts';
import { overlappingPeriods } from './period.ts';
import { ExportError } from './errors.ts';

const quarterOf = (period: string) => (/-Q\d$/.test(period) ? period : overlappingPeriods(period)[0]!);

/**
 * Runs `fn` holding the export lock of the period's quarter. Another holder is waited for
 * up to `waitMs`, then an EXPORT_LOCKED ExportError.
 */
export async function withExportLock<T>(
  db: Database,
  period: string,
  waitMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const key = `tallyline-export:${db.schema}:${quarterOf(period)}`;
  const client = await db.pool.connect();
  try {
    const started = Date.now();
    for (;;) {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [key],
      );
      if (rows[0]!.ok) break;
      if (Date.now() - started >= waitMs)
        throw new ExportError(
          'EXPORT_LOCKED',
          `export ${period}: another export of its quarter is running; waited ${Math.round(waitMs / 1000)} s, try again when it has finished`,
        );
      await sleep(250);
    }
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    client.release();
  }
}
