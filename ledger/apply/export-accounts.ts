import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import { parseAccount } from '../../core/topics/index.ts';
import type { Applier } from './applier.ts';

// export.accounts → file_exports and file_accounts: a report's accounting for a period as the
// latest export run computed it (a later run replaces an earlier one's).

export class ExportAccountsApplier implements Applier {
  readonly topic = 'export.accounts';

  async apply(db: Queryable, messages: readonly IncomingMessage[]): Promise<void> {
    for (const m of messages) {
      const a = parseAccount(m.value);
      if (!a) continue;
      await db.query(
        `INSERT INTO file_exports (file_id, period, sender, lines, matched_lines, unmatched_lines, pending_lines,
           dead_at_match, exported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (file_id, period) DO UPDATE SET sender = EXCLUDED.sender, lines = EXCLUDED.lines,
           matched_lines = EXCLUDED.matched_lines, unmatched_lines = EXCLUDED.unmatched_lines,
           pending_lines = EXCLUDED.pending_lines, dead_at_match = EXCLUDED.dead_at_match,
           exported_at = EXCLUDED.exported_at`,
        [
          a.fileId,
          a.period,
          a.sender,
          a.lines,
          a.matchedLines,
          a.unmatchedLines,
          a.pendingLines,
          a.deadAtMatch,
          a.at,
        ],
      );
      await db.query('DELETE FROM file_accounts WHERE file_id = $1 AND period = $2', [a.fileId, a.period]);
      for (const c of a.money)
        await db.query(
          `INSERT INTO file_accounts (file_id, period, currency, reported, allocated, unallocated, unmatched, pending,
             not_valued, gap)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            a.fileId,
            a.period,
            c.currency,
            c.reported,
            c.allocated,
            c.unallocated,
            c.unmatched,
            c.pending,
            c.notValued,
            c.gap,
          ],
        );
    }
  }
}
