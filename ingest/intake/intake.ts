import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parseDsrFileName } from '../dsr/index.ts';
import type { FileFormat, FileRecord, OutboxEntry, ReportPart } from '../files/file-store.ts';
import { IngestError } from '../errors.ts';
import type { IngestRuntime } from '../runtime.ts';

// The one way a file comes in, whatever brought it (HTTP upload, drop folder, CLI): store
// it by content, derive its id, refuse it for file-level faults, record it, queue the split.

export interface IntakeResult {
  /** accepted: queued for splitting; duplicate: this content came before; rejected: refused */
  status: 'accepted' | 'duplicate' | 'rejected';
  file: FileRecord;
}

/** A correction file's name (the dead-letter component reads its rows). */
export const CORRECTION_FILE_NAME = /^CORRECTION_/i;

/**
 * The file id: derived from the sender and the SHA-256 of the content, so a re-upload gets the
 * same id, and the same bytes from two senders are two files that tell neither about the other.
 */
export function fileIdOf(sender: string, sha256: string): string {
  return createHash('sha256').update(`${sender}\n${sha256}`).digest('hex').slice(0, 32);
}

const SAFE_NAME = /^[^/\\\0]{1,255}$/;

/** The format of a file by its name, or why it cannot be taken. */
export function classify(
  fileName: string,
  sender: string,
  csvSenders: string[],
): { format: FileFormat; report: ReportPart | null } | { reason: string } {
  const base = fileName.replace(/\.gz$/i, '');
  if (CORRECTION_FILE_NAME.test(base)) return { format: 'CORRECTION', report: null };
  if (/^DSR_/i.test(base)) {
    const name = parseDsrFileName(fileName);
    if (!name.ok)
      return { reason: `file name ${JSON.stringify(fileName)} is not a DSR file name: ${name.reason}` };
    const { fileNumber, numberOfFiles } = name.value;
    const report =
      numberOfFiles !== null && numberOfFiles > 1 && fileNumber !== null
        ? { key: base.replace(/_\d+of\d+_/i, '_xofy_'), part: fileNumber, of: numberOfFiles }
        : null;
    return { format: 'DSR', report };
  }
  if (/\.(csv|tsv|txt)$/i.test(base)) {
    if (csvSenders.includes(sender)) return { format: 'CSV', report: null };
    // A tab-separated file under another name may still be a DSR flat file: the parser
    // refuses it with the reason if its first record is not a DSR header.
    if (/\.tsv$/i.test(base)) return { format: 'DSR', report: null };
    return { reason: `no CSV column mapping is configured for sender ${sender} (ingest.csvMappings)` };
  }
  return {
    reason: `file name ${JSON.stringify(fileName)} is neither a DSR report (DSR_<Recipient>_<Sender>_…tsv) nor a CSV/TSV usage file`,
  };
}

export class Intake {
  constructor(private readonly rt: IngestRuntime) {}

  async accept(body: Readable, fileName: string, sender: string): Promise<IntakeResult> {
    if (!SAFE_NAME.test(fileName)) {
      body.resume();
      throw new IngestError(
        'BAD_FILE_NAME',
        `file name ${JSON.stringify(fileName)}: 1 to 255 characters, no slashes`,
      );
    }
    const { ingest } = this.rt.config;
    // The landing store refuses a file too large or not gzip with an IngestError of its own.
    const stored = await this.rt.landing.put(body, {
      compressed: /\.gz$/i.test(fileName),
      limits: {
        maxUploadBytes: ingest.maxUploadBytes,
        maxDecompressedBytes: ingest.maxDecompressedBytes,
        maxCompressionRatio: ingest.maxCompressionRatio,
      },
    });
    const fileId = fileIdOf(sender, stored.sha256);
    const existing = await this.rt.files.get(fileId);
    // A refused or failed file may come again (after a configuration fix, say); anything else
    // is a duplicate.
    if (existing && existing.state !== 'rejected' && existing.state !== 'failed')
      return { status: 'duplicate', file: existing };

    const kind = classify(fileName, sender, [...this.rt.csvMappings.keys()]);
    const now = new Date().toISOString();
    const record: FileRecord = {
      fileId,
      fileName,
      sender,
      sha256: stored.sha256,
      landingKey: stored.key,
      storedBytes: stored.storedBytes,
      contentBytes: stored.contentBytes,
      compressed: stored.compressed,
      format: 'format' in kind ? kind.format : 'DSR',
      state: 'format' in kind ? 'received' : 'rejected',
      attempt: 1,
      receivedAt: now,
      startedAt: null,
      completedAt: 'format' in kind ? null : now,
      progress: { lines: 0, percent: 0 },
      counts: null,
      footerCheck: null,
      deadByClass: {},
      systemic: false,
      warnings: [],
      reason: 'reason' in kind ? kind.reason : null,
      report: 'format' in kind ? kind.report : null,
    };
    // The row and what is owed for it (the RECEIVED or REJECTED event, the split job) in one
    // transaction; the relay does the rest, now or after a crash.
    const outbox: OutboxEntry[] =
      'reason' in kind
        ? [{ kind: 'event', type: 'REJECTED' }]
        : [
            { kind: 'event', type: 'RECEIVED' },
            { kind: 'split', attempt: 1 },
          ];
    const received = await this.rt.files.receive(record, outbox);
    if (!received) return { status: 'duplicate', file: (await this.rt.files.get(fileId))! };
    const others = await this.rt.files.sameContent(stored.sha256, sender);
    if (others.length)
      this.rt.logger.warn(
        { fileId, sender, sha256: stored.sha256, otherFiles: others },
        'the same content was received from another sender: two files',
      );
    await this.rt.relay
      .drain()
      .catch((err: unknown) => this.rt.logger.warn({ err, fileId }, 'outbox relay: will try again'));
    return { status: 'reason' in kind ? 'rejected' : 'accepted', file: received };
  }
}
