import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import { parseDeadLetterHeaders, type DeadLetter } from '../../core/topics/index.ts';
import { addToTallies, bump, type Applier } from './applier.ts';

// usage.lines.dlq → dead_letters: one row per dead line, its newest record. A line dead at
// the match stage counts in file_tallies.match_dead until a replay gets it decided (the
// decision may be read first: replay_decisions).

export class DeadLettersApplier implements Applier {
  readonly topic = 'usage.lines.dlq';

  async apply(db: Queryable, messages: readonly IncomingMessage[]): Promise<void> {
    // The newest record of each line in the batch (a line's records share a partition).
    const newest = new Map<string, { m: IncomingMessage; d: DeadLetter }>();
    for (const m of messages) {
      try {
        const d = parseDeadLetterHeaders(m.headers);
        newest.set(d.lineId, { m, d });
      } catch {
        // not one of ours: nothing to act on
      }
    }
    if (!newest.size) return;
    const ids = [...newest.keys()];
    const before = await db.query<{ line_id: string; dead_at_match: boolean }>(
      `SELECT d.line_id, (d.stage = 'match' AND NOT d.decided) AS dead_at_match
       FROM dead_letters d WHERE d.line_id = ANY($1)`,
      [ids],
    );
    const decidedLines = await db.query<{ line_id: string }>(
      'SELECT line_id FROM replay_decisions WHERE line_id = ANY($1)',
      [ids],
    );
    const wasDead = new Map(before.rows.map((r) => [r.line_id, r.dead_at_match]));
    const decided = new Set(decidedLines.rows.map((r) => r.line_id));
    const matchDead = new Map<string, number>();
    for (const { m, d } of newest.values()) {
      const isDead = d.stage === 'match' && !decided.has(d.lineId);
      const delta = Number(isDead) - Number(wasDead.get(d.lineId) ?? false);
      if (delta) bump(matchDead, d.fileId, delta);
      await db.query(
        `INSERT INTO dead_letters (line_id, file_id, sender, line_number, stage, error_class, message,
           headers, raw, record_partition, record_offset, last_failure, decided)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (line_id) DO UPDATE SET sender = COALESCE(EXCLUDED.sender, dead_letters.sender),
           stage = EXCLUDED.stage, error_class = EXCLUDED.error_class, message = EXCLUDED.message,
           headers = EXCLUDED.headers, raw = EXCLUDED.raw, record_partition = EXCLUDED.record_partition,
           record_offset = EXCLUDED.record_offset, last_failure = EXCLUDED.last_failure,
           decided = EXCLUDED.decided`,
        [
          d.lineId,
          d.fileId,
          d.sender ?? null,
          d.lineNumber,
          d.stage,
          d.errorClass,
          d.message,
          JSON.stringify(headerText(m.headers)),
          m.value ?? Buffer.alloc(0),
          m.partition,
          m.offset,
          d.lastFailure,
          d.stage === 'match' && decided.has(d.lineId),
        ],
      );
    }
    await addToTallies(db, 'match_dead', matchDead);
  }
}

/** The record's headers as text, to be parsed again on reading. */
export function headerText(headers: Record<string, Buffer | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v.toString('utf8');
  return out;
}
