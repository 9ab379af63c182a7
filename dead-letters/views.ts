import type { Queryable } from '../core/db/index.ts';
import { DEAD_LETTER_STATE_SQL } from '../ledger/index.ts';
import type { DeadLetterItem, DeadLetters } from './work-list.ts';

// What `dlq show` and the dead-letter API show beyond the work list's rows: one line with
// what was done to it, and the re-send requests written for a sender.

/** One dead line, or null; with `sender`, only that sender's (another's is null alike). */
export async function deadLetterOf(
  deadLetters: DeadLetters,
  lineId: string,
  sender?: string,
): Promise<DeadLetterItem | null> {
  const [fileId] = lineId.split(':');
  const items = await deadLetters.list({ ...(fileId ? { fileId } : {}), ...(sender ? { sender } : {}) });
  return items.find((d) => d.lineId === lineId) ?? null;
}

export interface HistoryEntry {
  at: string;
  action: string;
  by: string;
  runId: string | null;
  state: string | null;
  result: string | null;
}

/** Who did what to a dead line (dlq.audit), oldest first. Call after a work-list read (it syncs). */
export async function historyOf(db: Queryable, lineId: string): Promise<HistoryEntry[]> {
  const { rows } = await db.query<{
    at: Date;
    action: string;
    by: string;
    run_id: string | null;
    state: string | null;
    result: string | null;
  }>('SELECT at, action, by, run_id, state, result FROM dead_letter_history WHERE line_id = $1 ORDER BY id', [
    lineId,
  ]);
  return rows.map((r) => ({
    at: r.at.toISOString(),
    action: r.action,
    by: r.by,
    runId: r.run_id,
    state: r.state,
    result: r.result,
  }));
}

export interface ResendRequestEntry {
  fileId: string;
  fileName: string;
  sender: string;
  requestedAt: string;
  by: string;
  /** the lines asked for, by line number */
  lineNumbers: number[];
  /** of those, the ones still waiting for the sender (state requested) */
  stillRequested: number;
}

/**
 * The re-send requests written (`dlq request`), newest first: one per file and time, as the
 * lines' history has them. With `sender`, only that sender's files.
 */
export async function resendRequestsOf(
  deadLetters: DeadLetters,
  db: Queryable,
  filter: { sender?: string; fileId?: string },
): Promise<ResendRequestEntry[]> {
  await deadLetters.sync();
  const { rows } = await db.query<{
    file_id: string;
    file_name: string;
    sender: string;
    at: Date;
    by: string;
    line_numbers: string[];
    still: string;
  }>(
    `SELECT d.file_id, f.file_name, f.sender, h.at, h.by,
       array_agg(d.line_number ORDER BY d.line_number) AS line_numbers,
       count(*) FILTER (WHERE ${DEAD_LETTER_STATE_SQL} = 'requested') AS still
     FROM dead_letter_history h
       JOIN dead_letters d ON d.line_id = h.line_id
       JOIN files f ON f.file_id = d.file_id
       LEFT JOIN dead_letter_settlements s ON s.line_id = d.line_id
     WHERE h.action = 'request' AND ($1::text IS NULL OR f.sender = $1) AND ($2::text IS NULL OR d.file_id = $2)
     GROUP BY d.file_id, f.file_name, f.sender, h.at, h.by
     ORDER BY h.at DESC, d.file_id`,
    [filter.sender ?? null, filter.fileId ?? null],
  );
  return rows.map((r) => ({
    fileId: r.file_id,
    fileName: r.file_name,
    sender: r.sender,
    requestedAt: r.at.toISOString(),
    by: r.by,
    lineNumbers: r.line_numbers.map(Number),
    stillRequested: Number(r.still),
  }));
}
