import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import { parseAudit, type AuditRecord } from '../../core/topics/index.ts';
import { addToTallies, bump, type Applier } from './applier.ts';

// dlq.audit → dead_letter_settlements (the state each action left a line in), the lines'
// history, and the files' corrected and replayed tallies (a line resolved counts once).

export class AuditApplier implements Applier {
  readonly topic = 'dlq.audit';

  async apply(db: Queryable, messages: readonly IncomingMessage[]): Promise<void> {
    for (const m of messages) {
      const record = parseAudit(m.value);
      if (record) await applyAudit(db, record);
    }
  }
}

async function applyAudit(db: Queryable, r: AuditRecord): Promise<void> {
  const settled = r.settled ?? [];
  const counts = r.action === 'replay' || r.action === 'correction';
  const at = new Date(r.at);
  if (settled.length) {
    const ids = settled.map((s) => s.lineId);
    const earlier = await db.query<{ line_id: string }>(
      'SELECT line_id FROM dead_letter_settlements WHERE line_id = ANY($1) AND resolved_at IS NOT NULL',
      [ids],
    );
    const resolvedBefore = new Set(earlier.rows.map((e) => e.line_id));
    await db.query(
      `INSERT INTO dead_letter_settlements (line_id, file_id, state, marker, run_id, result, replays, resolved_at)
       SELECT l, f, s, mk, $5::text, res, $6::int, CASE WHEN s = 'resolved' THEN $7::timestamptz END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $8::text[]) AS t(l, f, s, mk, res)
       ON CONFLICT (line_id) DO UPDATE SET state = EXCLUDED.state, marker = EXCLUDED.marker,
         run_id = EXCLUDED.run_id, result = EXCLUDED.result,
         replays = dead_letter_settlements.replays + EXCLUDED.replays,
         resolved_at = COALESCE(dead_letter_settlements.resolved_at, EXCLUDED.resolved_at)`,
      [
        ids,
        settled.map((s) => s.fileId),
        settled.map((s) => s.state),
        settled.map((s) => s.marker),
        r.runId ?? null,
        counts ? 1 : 0,
        at,
        settled.map((s) => s.result),
      ],
    );
    const corrected = new Map<string, number>();
    const replayed = new Map<string, number>();
    for (const s of settled) {
      if (s.state !== 'resolved' || resolvedBefore.has(s.lineId)) continue;
      resolvedBefore.add(s.lineId);
      bump(corrected, s.fileId);
      if (s.emitted) bump(replayed, s.fileId);
    }
    await addToTallies(db, 'corrected', corrected);
    await addToTallies(db, 'replayed', replayed);
  }
  const byLine = new Map(settled.map((s) => [s.lineId, s]));
  const lines = r.lineIds.length ? r.lineIds : settled.map((s) => s.lineId);
  if (!lines.length) return;
  await db.query(
    `INSERT INTO dead_letter_history (line_id, at, action, by, run_id, state, result)
     SELECT l, $2, $3, $4, $5, s, res FROM unnest($1::text[], $6::text[], $7::text[]) AS t(l, s, res)`,
    [
      lines,
      at,
      r.action,
      r.by,
      r.runId ?? null,
      lines.map((l) => byLine.get(l)?.state ?? null),
      lines.map((l) => byLine.get(l)?.result ?? null),
    ],
  );
}
