import { Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/config/index.ts';

export const SPLIT_QUEUE = 'split';

export interface SplitJob {
  fileId: string;
}

export { UnrecoverableError };

/** The job of a file's receipt: BullMQ keeps a finished job's id, so each receipt has its own. */
export function splitJobId(fileId: string, attempt: number): string {
  return attempt <= 1 ? fileId : `${fileId}-r${attempt}`;
}

/**
 * One BullMQ job per receipt of a file (so a file is never queued twice). Failures
 * are retried with backoff: only infrastructure errors fail a job, since bad data is
 * dead-lettered, never thrown.
 */
export class SplitQueue {
  private readonly queue: Queue<SplitJob>;
  /** connections made for workers: BullMQ leaves connections it was given open */
  private readonly workerConnections: Redis[] = [];

  constructor(
    private readonly connection: Redis,
    private readonly config: Config,
  ) {
    this.queue = new Queue<SplitJob>(SPLIT_QUEUE, { connection, prefix: config.redis.prefix });
  }

  /** A receipt's job: a refused file received again gets a new job (the old one is done). */
  async add(fileId: string, attempt = 1): Promise<void> {
    await this.queue.add(
      'split',
      { fileId },
      {
        jobId: splitJobId(fileId, attempt),
        attempts: 8,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { count: 10000 },
        removeOnFail: { count: 10000 },
      },
    );
  }

  /** Starts a worker in this process; `process` does the work of one job. */
  worker(process: (job: Job<SplitJob>) => Promise<unknown>): Worker<SplitJob> {
    const lockDuration = this.config.ingest.lockMs;
    const connection = this.connection.duplicate({ maxRetriesPerRequest: null });
    this.workerConnections.push(connection);
    return new Worker<SplitJob>(SPLIT_QUEUE, process, {
      connection,
      prefix: this.config.redis.prefix,
      concurrency: 1,
      lockDuration,
      stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
      maxStalledCount: 5,
    });
  }

  /** Puts a failed split back in the queue; false if the file's job is not a failed one. */
  async retry(fileId: string, attempt = 1): Promise<boolean> {
    const job = await this.queue.getJob(splitJobId(fileId, attempt));
    if (!job || !(await job.isFailed())) return false;
    await job.retry();
    return true;
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  async close(): Promise<void> {
    await this.queue.close();
    for (const c of this.workerConnections) c.disconnect();
  }
}
