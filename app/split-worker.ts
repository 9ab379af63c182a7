import { splitCorrection } from '../dead-letters/index.ts';
import { startSplitWorker, type IngestRuntime } from '../ingest/index.ts';

/**
 * A split worker that also takes correction files (ingest's worker with the dead-letter
 * component's splitter), with the outbox relay beside it: whatever intake left to do, or
 * Redis forgot, is done again.
 */
export function splitWorker(rt: IngestRuntime) {
  rt.relay.start();
  return startSplitWorker(rt, splitCorrection);
}
