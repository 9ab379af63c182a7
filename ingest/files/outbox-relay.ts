import type { Database } from '../../core/db/index.ts';
import type { FileEvent } from '../../core/schemas/index.ts';
import { fileEvent } from './file-events.ts';
import type { OutboxEntry } from './file-store.ts';
import type { IngestRuntime } from '../runtime.ts';

// The outbox relay: does what intake promised in its transaction (publish the RECEIVED or
// REJECTED event, enqueue the split job), idempotently: an event published twice is one
// event to the ledger, a job enqueued twice is one job (its id). It also puts back every
// unfinished file's job when Redis has lost them (a restart of a Redis that keeps nothing,
// a FLUSHALL): the ledger, not Redis, knows which files are owed a split.

const SENTINEL = 'relay:redis-epoch';

export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly rt: IngestRuntime,
    private readonly db: Database,
  ) {}

  /** Does every pending entry, oldest first; stops at the first that fails (retried later). */
  async drain(): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      'SELECT id FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT 1000',
    );
    let done = 0;
    for (const { id } of rows) {
      try {
        if (await this.relay(id)) done++;
      } catch (err) {
        await this.db.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
          id,
          (err as Error).message,
        ]);
        throw err;
      }
    }
    return done;
  }

  private async relay(id: number): Promise<boolean> {
    return this.db.tx(async (client) => {
      // Another relay (another process) may have it: skip what it holds.
      const { rows } = await client.query<{ file_id: string; payload: OutboxEntry; created_at: Date }>(
        'SELECT file_id, payload, created_at FROM outbox WHERE id = $1 AND done_at IS NULL FOR UPDATE SKIP LOCKED',
        [id],
      );
      const entry = rows[0];
      if (!entry) return false;
      const file = await this.rt.files.get(entry.file_id);
      if (file) {
        const p = entry.payload;
        if (p.kind === 'event') {
          // The event's time is the receipt's: the ledger tells receipts of one file apart by it.
          const patch: Partial<FileEvent> = { at: new Date(file.receivedAt) };
          if (p.type === 'REJECTED') patch.reason = file.reason;
          await this.rt.fileEvents.publish(await this.rt.producer(), fileEvent(file, p.type, patch));
        } else {
          await this.rt.queue.add(file.fileId, p.attempt);
        }
      }
      await client.query('UPDATE outbox SET done_at = now() WHERE id = $1', [id]);
      return true;
    });
  }

  /**
   * If Redis has lost its keys since the last look, enqueues every file still owed a split
   * again. A file whose job is still there is not enqueued twice (the job id).
   */
  async sweep(): Promise<number> {
    const key = `${this.rt.config.redis.prefix}:${SENTINEL}`;
    const fresh = await this.rt.redis.set(key, new Date().toISOString(), 'NX');
    if (fresh === null) return 0;
    const files = await this.rt.files.unfinished();
    for (const f of files) await this.rt.queue.add(f.fileId, f.attempt);
    if (files.length)
      this.rt.logger.warn(
        { files: files.length },
        'Redis had lost the split jobs: unfinished files enqueued again',
      );
    return files.length;
  }

  /** Drains and sweeps every `intervalMs` until stopped. */
  start(intervalMs = 1000): void {
    const tick = () => {
      this.running = (async () => {
        try {
          await this.sweep();
          await this.drain();
        } catch (err) {
          this.rt.logger.warn({ err }, 'outbox relay: will try again');
        }
      })().finally(() => {
        if (this.timer !== null) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
