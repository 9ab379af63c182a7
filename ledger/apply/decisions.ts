import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import type { AvroSerde } from '../../core/registry/index.ts';
import type { MatchedUsage, UnmatchedUsage } from '../../core/schemas/index.ts';
import { REPLAY_COUNT_HEADER } from '../../core/topics/index.ts';
import { addToTallies, bump, type Applier } from './applier.ts';

// usage.matched and usage.unmatched → file_tallies and file_methods, without a row per line:
// the matcher writes each decision once (its transactions), a line matched as several parts
// counts at its first part, and a re-match moves a line from unmatched to matched. Only a
// replayed line's decision is remembered (replay_decisions), to close its dead letter.

type Matched = Pick<MatchedUsage, 'lineId' | 'fileId' | 'method' | 'rematch' | 'partIndex'>;
type Unmatched = Pick<UnmatchedUsage, 'lineId' | 'fileId'>;
interface Reader<T> {
  decode(payload: Buffer): Promise<T>;
}

export class DecisionsApplier implements Applier {
  private constructor(
    readonly topic: 'usage.matched' | 'usage.unmatched',
    private readonly read: (
      m: IncomingMessage,
    ) => Promise<(Matched & { matched: true }) | (Unmatched & { matched: false }) | null>,
  ) {}

  static matched(serde: AvroSerde<'MatchedUsage'>): DecisionsApplier {
    // Only what is counted is decoded: the line each record carries is skipped, not built.
    const reader: Reader<Matched> = serde.projection<Matched>({
      lineId: true,
      fileId: true,
      method: true,
      rematch: true,
      partIndex: true,
    });
    return new DecisionsApplier('usage.matched', async (m) =>
      m.value ? { ...(await reader.decode(m.value)), matched: true } : null,
    );
  }

  static unmatched(serde: AvroSerde<'UnmatchedUsage'>): DecisionsApplier {
    const reader: Reader<Unmatched> = serde.projection<Unmatched>({ lineId: true, fileId: true });
    return new DecisionsApplier('usage.unmatched', async (m) =>
      m.value ? { ...(await reader.decode(m.value)), matched: false } : null,
    );
  }

  async apply(db: Queryable, messages: readonly IncomingMessage[]): Promise<void> {
    const matched = new Map<string, number>();
    const unmatched = new Map<string, number>();
    const methods = new Map<string, number>();
    const replayed: string[] = [];
    for (const m of messages) {
      let d: Awaited<ReturnType<typeof this.read>>;
      try {
        d = await this.read(m);
      } catch {
        continue; // not a decision of ours
      }
      if (!d) continue;
      if (d.matched) {
        if (d.partIndex !== 0) continue;
        bump(matched, d.fileId);
        if (d.rematch) bump(unmatched, d.fileId, -1);
        bump(methods, `${d.fileId}\n${d.rematch ? `${d.method} (re-match)` : d.method}`);
      } else bump(unmatched, d.fileId);
      if (m.headers[REPLAY_COUNT_HEADER] && !(d.matched && d.partIndex !== 0)) replayed.push(d.lineId);
    }
    await addToTallies(db, 'matched', matched);
    await addToTallies(db, 'unmatched', unmatched);
    if (methods.size) {
      const keys = [...methods.keys()].map((k) => k.split('\n'));
      await db.query(
        `INSERT INTO file_methods (file_id, method, lines)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (file_id, method) DO UPDATE SET lines = file_methods.lines + EXCLUDED.lines`,
        [keys.map((k) => k[0]), keys.map((k) => k[1]), [...methods.values()]],
      );
    }
    if (replayed.length) await closeDeadLetters(db, replayed);
  }
}

/** A replayed line's decision: its match-stage dead letter, read or still to come, is decided. */
async function closeDeadLetters(db: Queryable, lineIds: string[]): Promise<void> {
  const fresh = await db.query<{ line_id: string }>(
    `INSERT INTO replay_decisions (line_id) SELECT unnest($1::text[])
     ON CONFLICT DO NOTHING RETURNING line_id`,
    [lineIds],
  );
  if (!fresh.rowCount) return;
  const closed = await db.query<{ file_id: string }>(
    `UPDATE dead_letters SET decided = true
     WHERE line_id = ANY($1) AND stage = 'match' AND NOT decided RETURNING file_id`,
    [fresh.rows.map((r) => r.line_id)],
  );
  const byFile = new Map<string, number>();
  for (const r of closed.rows) bump(byFile, r.file_id, -1);
  await addToTallies(db, 'match_dead', byFile);
}
