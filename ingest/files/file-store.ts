import type { Database, Queryable } from '../../core/db/index.ts';
import type { LineCounts } from '../../core/schemas/index.ts';

// The queryable state of every file (GET /v1/files), in the ledger's `files` table
// (core/db/migrations). Intake writes a file's row with its outbox entries in one transaction;
// the split worker keeps it up to date as it goes; the ledger consumer applies usage.files
// to the same row, so a rebuild from the topics alone gives the same states and counts.

/** failed: the split gave up after its retries (an infrastructure fault); `tallyline files retry` */
export type FileState = 'received' | 'splitting' | 'split' | 'rejected' | 'failed';
/** CORRECTION: corrected lines for earlier files (the dead-letter component splits them) */
export type FileFormat = 'DSR' | 'CSV' | 'CORRECTION';

/** A file's line counts; a correction file also counts rows parked (usage.lines.parked). */
export type FileCounts = LineCounts & { parked?: number };

export interface ReportPart {
  /** the report a multi-file delivery belongs to: the file name without its x-of-y */
  key: string;
  part: number;
  of: number;
}

export interface FileRecord {
  fileId: string;
  fileName: string;
  sender: string;
  sha256: string;
  landingKey: string;
  storedBytes: number;
  contentBytes: number;
  compressed: boolean;
  format: FileFormat;
  state: FileState;
  /** how many times the file was received: a refused file sent again is received anew */
  attempt: number;
  receivedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** lines read so far and the share of the content's bytes */
  progress: { lines: number; percent: number };
  counts: FileCounts | null;
  footerCheck: string | null;
  /** dead-lettered lines per error class, as the split counted them */
  deadByClass: Record<string, number>;
  /** dead-lettered lines since resolved by a replay or a correction file (the ledger's count) */
  corrected?: number;
  /** DSR HEAD MessageId, once split */
  messageId?: string | null;
  systemic: boolean;
  warnings: string[];
  reason: string | null;
  report: ReportPart | null;
}

/** What a relay still has to do for a file once its row is written (see OutboxRelay). */
export type OutboxEntry =
  { kind: 'event'; type: 'RECEIVED' | 'REJECTED' } | { kind: 'split'; attempt: number };

interface Row {
  file_id: string;
  sender: string;
  file_name: string;
  sha256: string;
  size_bytes: number;
  format: FileFormat | null;
  state: FileState;
  attempt: number;
  received_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  reason: string | null;
  footer_check: string | null;
  systemic: boolean;
  warnings: string[];
  lines: number | null;
  emitted: number | null;
  dead_lettered: number | null;
  context: number | null;
  parked: number | null;
  report_key: string | null;
  report_part: number | null;
  report_of: number | null;
  landing: { key: string; storedBytes: number; compressed: boolean } | null;
  progress_lines: number | null;
  progress_percent: number | null;
  message_id: string | null;
  dead_by_class: Record<string, number> | null;
  corrected: number | null;
}

const SELECT = `SELECT f.*, t.corrected FROM files f LEFT JOIN file_tallies t USING (file_id)`;

function recordOf(r: Row): FileRecord {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    fileId: r.file_id,
    fileName: r.file_name,
    sender: r.sender,
    sha256: r.sha256,
    landingKey: r.landing?.key ?? '',
    storedBytes: r.landing?.storedBytes ?? r.size_bytes,
    contentBytes: r.size_bytes,
    compressed: r.landing?.compressed ?? false,
    format: r.format ?? 'DSR',
    state: r.state,
    attempt: r.attempt,
    receivedAt: r.received_at.toISOString(),
    startedAt: iso(r.started_at),
    completedAt: iso(r.completed_at),
    progress: { lines: r.progress_lines ?? 0, percent: r.progress_percent ?? 0 },
    counts:
      r.lines === null
        ? null
        : {
            lines: r.lines,
            emitted: r.emitted ?? 0,
            deadLettered: r.dead_lettered ?? 0,
            context: r.context ?? 0,
            ...(r.parked !== null ? { parked: r.parked } : {}),
          },
    footerCheck: r.footer_check,
    deadByClass: r.dead_by_class ?? {},
    corrected: r.corrected ?? 0,
    messageId: r.message_id,
    systemic: r.systemic,
    warnings: r.warnings,
    reason: r.reason,
    report:
      r.report_key !== null ? { key: r.report_key, part: r.report_part ?? 0, of: r.report_of ?? 0 } : null,
  };
}

/** FileRecord field → the columns it is kept in. */
function columnsOf(p: Partial<FileRecord>): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (p.fileName !== undefined) c.file_name = p.fileName;
  if (p.state !== undefined) c.state = p.state;
  if (p.attempt !== undefined) c.attempt = p.attempt;
  if (p.receivedAt !== undefined) c.received_at = p.receivedAt;
  if (p.startedAt !== undefined) c.started_at = p.startedAt;
  if (p.completedAt !== undefined) c.completed_at = p.completedAt;
  if (p.reason !== undefined) c.reason = p.reason;
  if (p.footerCheck !== undefined) c.footer_check = p.footerCheck;
  if (p.systemic !== undefined) c.systemic = p.systemic;
  if (p.warnings !== undefined) c.warnings = JSON.stringify(p.warnings);
  if (p.progress !== undefined) {
    c.progress_lines = p.progress.lines;
    c.progress_percent = p.progress.percent;
  }
  if (p.messageId !== undefined) c.message_id = p.messageId;
  if (p.deadByClass !== undefined) c.dead_by_class = JSON.stringify(p.deadByClass);
  if (p.format !== undefined) c.format = p.format;
  if (p.counts !== undefined) {
    c.lines = p.counts?.lines ?? null;
    c.emitted = p.counts?.emitted ?? null;
    c.dead_lettered = p.counts?.deadLettered ?? null;
    c.context = p.counts?.context ?? null;
    c.parked = p.counts?.parked ?? null;
  }
  if (p.landingKey !== undefined || p.storedBytes !== undefined || p.compressed !== undefined) {
    c.landing = JSON.stringify({ key: p.landingKey, storedBytes: p.storedBytes, compressed: p.compressed });
  }
  if (p.report !== undefined) {
    c.report_key = p.report?.key ?? null;
    c.report_part = p.report?.part ?? null;
    c.report_of = p.report?.of ?? null;
  }
  return c;
}

export class FileStore {
  constructor(private readonly db: Database) {}

  /**
   * Records a file received, with what the outbox relay must do for it, in one transaction.
   * A file already there is a duplicate (null), unless it was refused or failed: then it is
   * received anew (attempt + 1) and `again` must say so.
   */
  async receive(record: FileRecord, outbox: OutboxEntry[]): Promise<FileRecord | null> {
    return this.db.tx(async (client) => {
      const c = columnsOf(record);
      const names = ['file_id', 'sender', 'sha256', 'size_bytes', ...Object.keys(c)];
      const values = [record.fileId, record.sender, record.sha256, record.contentBytes, ...Object.values(c)];
      const inserted = await client.query(
        `INSERT INTO files (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})
         ON CONFLICT (file_id) DO NOTHING`,
        values,
      );
      let stored: FileRecord | null = record;
      if (!inserted.rowCount) {
        stored = await this.again(client, record);
        if (!stored) return null;
      }
      for (const entry of outbox) {
        await client.query('INSERT INTO outbox (file_id, kind, payload) VALUES ($1, $2, $3)', [
          record.fileId,
          entry.kind,
          JSON.stringify(entry.kind === 'split' ? { ...entry, attempt: stored.attempt } : entry),
        ]);
      }
      return stored;
    });
  }

  /** A refused or failed file received again: reset, attempt + 1; null if it is not one. */
  private async again(client: Queryable, record: FileRecord): Promise<FileRecord | null> {
    const { rows } = await client.query<{ attempt: number }>(
      `SELECT attempt FROM files WHERE file_id = $1 AND state IN ('rejected', 'failed') FOR UPDATE`,
      [record.fileId],
    );
    if (!rows[0]) return null;
    const next: FileRecord = { ...record, attempt: rows[0].attempt + 1 };
    const c = columnsOf(next);
    const keys = Object.keys(c);
    await client.query(
      `UPDATE files SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE file_id = $1`,
      [record.fileId, ...Object.values(c)],
    );
    return next;
  }

  async get(fileId: string): Promise<FileRecord | null> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE f.file_id = $1`, [fileId]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** Applies a change to a file's state; one split worker owns a file at a time. */
  async update(fileId: string, patch: Partial<FileRecord>): Promise<FileRecord> {
    const c = columnsOf(patch);
    const keys = Object.keys(c);
    // One round trip: the split updates its progress with every batch.
    const { rows } = keys.length
      ? await this.db.query<Row>(
          `UPDATE files f SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE f.file_id = $1
           RETURNING f.*, (SELECT t.corrected FROM file_tallies t WHERE t.file_id = f.file_id) AS corrected`,
          [fileId, ...Object.values(c)],
        )
      : await this.db.query<Row>(`${SELECT} WHERE f.file_id = $1`, [fileId]);
    if (!rows[0]) throw new Error(`no file ${fileId}`);
    return recordOf(rows[0]);
  }

  /** Newest first; only the sender's own unless `sender` is undefined (operators). */
  async list(
    options: { sender?: string; state?: FileState; limit?: number; before?: string } = {},
  ): Promise<FileRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (options.sender !== undefined) where.push(`f.sender = $${values.push(options.sender)}`);
    if (options.state !== undefined) where.push(`f.state = $${values.push(options.state)}`);
    if (options.before !== undefined) where.push(`f.received_at < $${values.push(options.before)}`);
    values.push(options.limit ?? 100);
    const { rows } = await this.db.query<Row>(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY f.received_at DESC, f.file_id LIMIT $${values.length}`,
      values,
    );
    return rows.map(recordOf);
  }

  /** Files a split is still owed to: received or splitting (the relay re-enqueues them). */
  async unfinished(): Promise<{ fileId: string; attempt: number }[]> {
    const { rows } = await this.db.query<{ file_id: string; attempt: number }>(
      `SELECT file_id, attempt FROM files WHERE state IN ('received', 'splitting') ORDER BY received_at`,
    );
    return rows.map((r) => ({ fileId: r.file_id, attempt: r.attempt }));
  }

  /** Other senders' files of the same content (an operator's warning; never shown to a sender). */
  async sameContent(sha256: string, sender: string): Promise<string[]> {
    const { rows } = await this.db.query<{ file_id: string }>(
      'SELECT file_id FROM files WHERE sha256 = $1 AND sender <> $2',
      [sha256, sender],
    );
    return rows.map((r) => r.file_id);
  }

  /** The parts of a multi-file report that have arrived, by part number, of this sender. */
  async reportParts(reportKey: string, sender: string): Promise<Record<string, string>> {
    const { rows } = await this.db.query<{ file_id: string; report_part: number }>(
      'SELECT file_id, report_part FROM files WHERE report_key = $1 AND sender = $2',
      [reportKey, sender],
    );
    return Object.fromEntries(rows.map((r) => [String(r.report_part), r.file_id]));
  }
}
