import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import type { AvroSerde } from '../../core/registry/index.ts';
import type { FileEvent } from '../../core/schemas/index.ts';
import type { Applier } from './applier.ts';

// usage.files → files and sender_volumes. Intake and the split worker write the same row as
// they go (the ledger may lag); an event only moves a file forward, or starts it afresh when
// a refused file is received again, so both writers end in the same state.

export class FileEventsApplier implements Applier {
  readonly topic = 'usage.files';

  constructor(private readonly serde: AvroSerde<'FileEvent'>) {}

  async apply(db: Queryable, messages: readonly IncomingMessage[]): Promise<void> {
    for (const m of messages) {
      if (!m.value) continue;
      let event: FileEvent;
      try {
        event = await this.serde.decode(m.value);
      } catch {
        continue; // not a FileEvent of ours: nothing to count
      }
      await applyFileEvent(db, event);
    }
  }
}

export async function applyFileEvent(db: Queryable, e: FileEvent): Promise<void> {
  const inserted = await db.query(
    `INSERT INTO files (file_id, sender, file_name, sha256, size_bytes, format, state, received_at, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, '[]')
     ON CONFLICT (file_id) DO NOTHING`,
    [e.fileId, e.sender, e.fileName, e.sha256, e.sizeBytes, e.format, e.at],
  );
  // An event of an earlier receipt of the file (intake may be ahead of the ledger) is history.
  const current = `file_id = $1 AND received_at <= $2`;
  switch (e.type) {
    case 'RECEIVED':
      if (!inserted.rowCount) {
        // A refused or failed file sent again starts afresh; anything else is the same file.
        await db.query(
          `UPDATE files SET state = 'received', received_at = $2, started_at = NULL, completed_at = NULL,
             reason = NULL, footer_check = NULL, systemic = false, warnings = '[]', lines = NULL,
             emitted = NULL, dead_lettered = NULL, context = NULL, file_name = $3, attempt = attempt + 1
           WHERE file_id = $1 AND received_at < $2 AND state IN ('rejected', 'failed')`,
          [e.fileId, e.at, e.fileName],
        );
      }
      return;
    case 'SPLIT_STARTED':
      await db.query(
        `UPDATE files SET state = CASE WHEN state = 'received' THEN 'splitting' ELSE state END,
           started_at = LEAST(started_at, $2)
         WHERE ${current}`,
        [e.fileId, e.at],
      );
      return;
    case 'SPLIT_COMPLETED': {
      const c = e.counts;
      const updated = await db.query<{ sender: string; month: string }>(
        `UPDATE files SET state = 'split', completed_at = $2, footer_check = $3, systemic = $4,
           warnings = $5, lines = $6, emitted = $7, dead_lettered = $8, context = $9, reason = NULL
         WHERE ${current}
         RETURNING sender, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month`,
        [
          e.fileId,
          e.at,
          e.footerCheck,
          e.systemic,
          JSON.stringify(e.warnings),
          c?.lines ?? null,
          c?.emitted ?? null,
          c?.deadLettered ?? null,
          c?.context ?? null,
        ],
      );
      await addVolume(db, updated.rows[0], e);
      return;
    }
    case 'REJECTED': {
      // A file given up after lines were published carries their counts (docs/ingest.md);
      // they are not added to sender_volumes: a later split of the same file counts them.
      const c = e.counts;
      await db.query(
        `UPDATE files SET state = 'rejected', reason = $3, completed_at = $2, lines = $4, emitted = $5,
           dead_lettered = $6, context = $7, warnings = $8
         WHERE ${current}`,
        [
          e.fileId,
          e.at,
          e.reason,
          c?.lines ?? null,
          c?.emitted ?? null,
          c?.deadLettered ?? null,
          c?.context ?? null,
          JSON.stringify(e.warnings),
        ],
      );
      return;
    }
  }
}

async function addVolume(db: Queryable, row: { sender: string; month: string } | undefined, e: FileEvent) {
  if (!row) return;
  await db.query(
    `INSERT INTO sender_volumes (sender, month, files, lines, emitted, dead_lettered)
     VALUES ($1, $2, 1, $3, $4, $5)
     ON CONFLICT (sender, month) DO UPDATE SET files = sender_volumes.files + 1,
       lines = sender_volumes.lines + EXCLUDED.lines, emitted = sender_volumes.emitted + EXCLUDED.emitted,
       dead_lettered = sender_volumes.dead_lettered + EXCLUDED.dead_lettered`,
    [row.sender, row.month, e.counts?.lines ?? 0, e.counts?.emitted ?? 0, e.counts?.deadLettered ?? 0],
  );
}
