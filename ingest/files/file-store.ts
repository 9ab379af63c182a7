import type { Redis } from 'ioredis';
import type { LineCounts } from '../../core/schemas/index.ts';

// The queryable state of every file (GET /v1/files). The durable history is the
// usage.files topic; this is the fast view of it, kept in Redis next to the split queue.

/** failed: the split gave up after its retries (an infrastructure fault); `tallyline files retry` */
export type FileState = 'received' | 'splitting' | 'split' | 'rejected' | 'failed';
/** CORRECTION: corrected lines for earlier files (ingest/corrections) */
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
  receivedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** lines read so far and the share of the content's bytes */
  progress: { lines: number; percent: number };
  counts: FileCounts | null;
  footerCheck: string | null;
  /** dead-lettered lines per error class */
  deadByClass: Record<string, number>;
  /** dead-lettered lines since resolved by a replay or a correction file (dlq-tools) */
  corrected?: number;
  /** DSR HEAD MessageId, once split */
  messageId?: string | null;
  systemic: boolean;
  warnings: string[];
  reason: string | null;
  report: ReportPart | null;
}

export class FileStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(fileId: string) {
    return `${this.prefix}:file:${fileId}`;
  }

  /** Stores a new file; false if one with this id exists already (a re-upload). */
  async create(record: FileRecord): Promise<boolean> {
    const created = await this.redis.set(this.key(record.fileId), JSON.stringify(record), 'NX');
    if (created === null) return false;
    const score = Date.parse(record.receivedAt);
    const multi = this.redis
      .multi()
      .zadd(`${this.prefix}:files`, score, record.fileId)
      .zadd(`${this.prefix}:files:sender:${record.sender}`, score, record.fileId);
    if (record.report) {
      multi.hset(`${this.prefix}:report:${record.report.key}`, String(record.report.part), record.fileId);
    }
    await multi.exec();
    return true;
  }

  /** Forgets a file's state (a refused file that comes again starts afresh). */
  async remove(fileId: string): Promise<void> {
    await this.redis.del(this.key(fileId));
  }

  async get(fileId: string): Promise<FileRecord | null> {
    const raw = await this.redis.get(this.key(fileId));
    return raw === null ? null : (JSON.parse(raw) as FileRecord);
  }

  /** Applies a change to a file's state; one split worker owns a file at a time. */
  async update(fileId: string, patch: Partial<FileRecord>): Promise<FileRecord> {
    const current = await this.get(fileId);
    if (!current) throw new Error(`no file ${fileId}`);
    const next = { ...current, ...patch };
    await this.redis.set(this.key(fileId), JSON.stringify(next));
    return next;
  }

  /** Newest first; only the sender's own unless `sender` is undefined (admin). */
  async list(options: { sender?: string; limit?: number } = {}): Promise<FileRecord[]> {
    const index = options.sender ? `${this.prefix}:files:sender:${options.sender}` : `${this.prefix}:files`;
    const ids = await this.redis.zrevrange(index, 0, (options.limit ?? 100) - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.key(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as FileRecord);
  }

  /** The parts of a multi-file report that have arrived, by part number. */
  async reportParts(reportKey: string): Promise<Record<string, string>> {
    return this.redis.hgetall(`${this.prefix}:report:${reportKey}`);
  }
}
