import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import type { AvroSerde } from '../../core/registry/index.ts';
import type { ExportFileWritten } from '../../core/schemas/index.ts';
import type { Applier } from './applier.ts';

// export.statements → export_files, and per report and currency what its claim says
// (file_money). A period exported again replaces what the earlier run wrote.

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
      if (f.kind !== 'CLAIM' || !f.reportFileId) continue;
      await db.query('DELETE FROM file_money WHERE file_id = $1 AND period = $2', [f.reportFileId, f.period]);
      for (const t of f.totals) {
        await db.query(
          `INSERT INTO file_money (file_id, period, currency, usages, claimed) VALUES ($1, $2, $3, $4, $5)`,
          [f.reportFileId, f.period, t.currency, t.usages, t.amount],
        );
      }
    }
  }
}
