import type { Worker } from 'bullmq';
import type { IngestRuntime } from '../runtime.ts';
import type { SplitJob } from './queue.ts';
import { splitFile, type CorrectionSplitter } from './split-file.ts';

/**
 * A split worker in this process: takes one file at a time from the queue. Correction files
 * need `splitCorrection` (app/split-worker.ts brings the dead-letter component's).
 */
export function startSplitWorker(rt: IngestRuntime, splitCorrection?: CorrectionSplitter): Worker<SplitJob> {
  const log = rt.logger.child({ component: 'split-worker' });
  const worker = rt.queue.worker(async (job) => {
    const { fileId } = job.data;
    log.info({ fileId, attempt: job.attemptsMade + 1 }, 'splitting');
    const outcome = await splitFile(rt, fileId, (progress) => job.updateProgress(progress), splitCorrection);
    log.info({ fileId, outcome }, 'split done');
    return outcome;
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.error(
      { fileId: job.data.fileId, attempt: job.attemptsMade, err },
      final ? 'split failed' : 'split failed; will retry',
    );
    if (final) {
      const reason = `split failed after ${job.attemptsMade} attempt(s): ${err.message}; once fixed: tallyline files retry ${job.data.fileId}`;
      void rt.files
        .update(job.data.fileId, { state: 'failed', reason })
        .catch((e: unknown) => log.error({ err: e }, 'could not record the failure'));
    }
  });
  worker.on('error', (err) => log.error({ err }, 'split worker error'));
  return worker;
}
