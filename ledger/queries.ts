import type { Config } from '../core/config/index.ts';
import type { Database, Queryable } from '../core/db/index.ts';
import type { Logger } from '../core/log/index.ts';
import type { ReportAccount } from '../core/topics/index.ts';
import { Ledger } from './ledger.ts';

// What the commands read of the ledger: a few indexed queries, whatever the size of the
// topics behind it.

export interface FileMatchStatus {
  fileId: string;
  /** usage events the split emitted (from the file's accounting), when known */
  emitted: number | null;
  /** lines of the file on usage.lines: what the split emitted plus lines a replay or a
   * correction file brought there later */
  events: number;
  matched: number;
  unmatched: number;
  deadLettered: number;
  /** events == matched + unmatched + deadLettered */
  caughtUp: boolean;
  byMethod: Record<string, number>;
}

/** Opens the ledger, brings it up to the topics, reads, closes. */
export async function readLedger<T>(
  config: Config,
  logger: Logger,
  read: (db: Queryable) => Promise<T>,
  options: { db?: Database } = {},
): Promise<T> {
  const ledger = await Ledger.open(config, logger, options);
  try {
    await ledger.catchUp();
    return await read(ledger.db);
  } finally {
    await ledger.close();
  }
}

/** Brings the ledger up to the topics as they are now, before a command reads it. */
export async function syncLedger(config: Config, logger: Logger, db?: Database): Promise<void> {
  await readLedger(config, logger, async () => undefined, db ? { db } : {});
}

/**
 * Per file, what the matcher made of its lines. `emittedOf` says what the split emitted for a
 * file the ledger has no accounting of (lines put on usage.lines by other means: tests).
 */
export async function matchStatus(
  config: Config,
  logger: Logger,
  emittedOf?: (fileId: string) => Promise<number | null>,
): Promise<FileMatchStatus[]> {
  return readLedger(config, logger, (db) => matchStatusOf(db, emittedOf));
}

export async function matchStatusOf(
  db: Queryable,
  emittedOf?: (fileId: string) => Promise<number | null>,
  options: { fileIds?: string[] } = {},
): Promise<FileMatchStatus[]> {
  const filter = options.fileIds ? 'WHERE t.file_id = ANY($1)' : '';
  const { rows } = await db.query<{
    file_id: string;
    emitted: number | null;
    replayed: number;
    matched: number;
    unmatched: number;
    match_dead: number;
    methods: Record<string, number> | null;
  }>(
    `SELECT t.file_id, f.emitted, t.replayed, t.matched, t.unmatched, t.match_dead,
       (SELECT jsonb_object_agg(m.method, m.lines) FROM file_methods m WHERE m.file_id = t.file_id) AS methods
     FROM file_tallies t LEFT JOIN files f USING (file_id) ${filter}
     ORDER BY t.file_id`,
    options.fileIds ? [options.fileIds] : [],
  );
  const out: FileMatchStatus[] = [];
  for (const r of rows) {
    if (r.matched + r.unmatched + r.match_dead === 0 && r.emitted === null) continue;
    const emitted = r.emitted ?? (await emittedOf?.(r.file_id)) ?? null;
    const events = (emitted ?? 0) + r.replayed;
    out.push({
      fileId: r.file_id,
      emitted,
      events,
      matched: r.matched,
      unmatched: r.unmatched,
      deadLettered: r.match_dead,
      caughtUp: emitted !== null && events === r.matched + r.unmatched + r.match_dead,
      byMethod: Object.fromEntries(Object.entries(r.methods ?? {}).sort(([a], [b]) => a.localeCompare(b))),
    });
  }
  return out;
}

/**
 * The state a dead line is in (SQL over dead_letters d and dead_letter_settlements s): the
 * settled one, unless a newer record of the line came since (it failed again: open).
 */
export const DEAD_LETTER_STATE_SQL = `CASE WHEN s.line_id IS NULL THEN 'open'
  WHEN s.marker IS NULL OR s.marker = d.record_partition || ':' || d.record_offset THEN s.state
  ELSE 'open' END`;

export interface DeadLetterStats {
  total: number;
  byErrorClass: Record<string, number>;
  byStage: Record<string, number>;
  bySender: Record<string, number>;
  byFile: Record<string, number>;
  byState: Record<string, number>;
}

/** Dead letters counted by error class, stage, sender, file and state (purged ones left out). */
export async function deadLetterStatsOf(db: Queryable, sender?: string): Promise<DeadLetterStats> {
  const { rows } = await db.query<{ dim: string; key: string | null; n: number }>(
    `WITH d AS (
       SELECT d.error_class, d.stage, COALESCE(d.sender, f.sender) AS sender, d.file_id,
         ${DEAD_LETTER_STATE_SQL} AS state
       FROM dead_letters d LEFT JOIN dead_letter_settlements s ON s.line_id = d.line_id LEFT JOIN files f ON f.file_id = d.file_id
       WHERE ($1::text IS NULL OR COALESCE(d.sender, f.sender) = $1)
     ), live AS (SELECT * FROM d WHERE state <> 'purged')
     SELECT 'errorClass' AS dim, error_class AS key, count(*)::bigint AS n FROM live GROUP BY error_class
     UNION ALL SELECT 'stage', stage, count(*) FROM live GROUP BY stage
     UNION ALL SELECT 'sender', sender, count(*) FROM live GROUP BY sender
     UNION ALL SELECT 'file', file_id, count(*) FROM live GROUP BY file_id
     UNION ALL SELECT 'state', state, count(*) FROM live GROUP BY state`,
    [sender ?? null],
  );
  const by = (dim: string) =>
    Object.fromEntries(
      rows
        .filter((r) => r.dim === dim)
        .sort((a, b) => b.n - a.n)
        .map((r) => [r.key ?? '(none)', r.n]),
    );
  const byState = by('state');
  return {
    total: Object.values(byState).reduce((a, b) => a + b, 0),
    byErrorClass: by('errorClass'),
    byStage: by('stage'),
    bySender: by('sender'),
    byFile: by('file'),
    byState,
  };
}

/** What the ledger knows of one report's accounting chain, for `reconcile`. */
export interface FileAccounting {
  tallies: { matched: number; unmatched: number; matchDead: number; corrected: number; replayed: number };
  /** per exported period, as the latest export run computed it */
  exports: {
    period: string;
    lines: number;
    matchedLines: number;
    unmatchedLines: number;
    pendingLines: number;
    deadAtMatch: number;
    exportedAt: Date;
    money: ReportAccount['money'];
    /** the claim file announced for it, if any */
    claim: { path: string; sha256: string } | null;
  }[];
}

export async function fileAccountingOf(db: Queryable, fileId: string): Promise<FileAccounting> {
  const t = await db.query<{
    matched: number;
    unmatched: number;
    match_dead: number;
    corrected: number;
    replayed: number;
  }>('SELECT matched, unmatched, match_dead, corrected, replayed FROM file_tallies WHERE file_id = $1', [
    fileId,
  ]);
  const e = await db.query<{
    period: string;
    lines: number;
    matched_lines: number;
    unmatched_lines: number;
    pending_lines: number;
    dead_at_match: number;
    exported_at: Date;
    path: string | null;
    sha256: string | null;
  }>(
    `SELECT e.*, c.path, c.sha256 FROM file_exports e
     LEFT JOIN export_files c ON c.report_file_id = e.file_id AND c.period = e.period AND c.kind = 'CLAIM'
     WHERE e.file_id = $1 ORDER BY e.period`,
    [fileId],
  );
  const a = await db.query<ReportAccount['money'][number] & { period: string }>(
    `SELECT period, currency, reported, allocated, unallocated, unmatched, pending, not_valued AS "notValued", gap
     FROM file_accounts WHERE file_id = $1 ORDER BY period, currency`,
    [fileId],
  );
  const r = t.rows[0];
  return {
    tallies: {
      matched: r?.matched ?? 0,
      unmatched: r?.unmatched ?? 0,
      matchDead: r?.match_dead ?? 0,
      corrected: r?.corrected ?? 0,
      replayed: r?.replayed ?? 0,
    },
    exports: e.rows.map((x) => ({
      period: x.period,
      lines: x.lines,
      matchedLines: x.matched_lines,
      unmatchedLines: x.unmatched_lines,
      pendingLines: x.pending_lines,
      deadAtMatch: x.dead_at_match,
      exportedAt: x.exported_at,
      money: a.rows.filter((m) => m.period === x.period).map(({ period: _, ...m }) => m),
      claim: x.path && x.sha256 ? { path: x.path, sha256: x.sha256 } : null,
    })),
  };
}
