import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import type { AvroSerde } from '../../core/registry/index.ts';
import type { ExportFileWritten } from '../../core/schemas/index.ts';
import type { Applier } from './applier.ts';

// export.statements → export_files: every statement and claim written, its totals per
// currency; a file announced again (its content changed) replaces the earlier announcement.

export class ExportFilesApplier implements Applier {
  readonly topic = 'export.statements';

  constructor(private readonly serde: AvroSerde<'ExportFileWritten'>) {}

  async apply(db: Queryable, messages: readonly IncomingMessage[]): Promise<void> {
    for (const m of messages) {
      if (!m.value) continue;
      let f: ExportFileWritten;
      try {
        f = await this.serde.decode(m.value);
      } catch {
        continue; // not one of ours
      }
      await db.query(
        `INSERT INTO export_files (path, kind, period, rights_holder_id, report_file_id, sender, sha256,
           size_bytes, rows, totals)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (path) DO UPDATE SET kind = EXCLUDED.kind, period = EXCLUDED.period,
           rights_holder_id = EXCLUDED.rights_holder_id, report_file_id = EXCLUDED.report_file_id,
           sender = EXCLUDED.sender, sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes,
           rows = EXCLUDED.rows, totals = EXCLUDED.totals`,
        [
          f.path,
          f.kind,
          f.period,
          f.rightsHolderId,
          f.reportFileId,
          f.sender,
          f.sha256,
          f.sizeBytes,
          f.rows,
          JSON.stringify(f.totals),
        ],
      );
    }
  }
}
