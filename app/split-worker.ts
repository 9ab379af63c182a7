import { splitCorrection } from '../dead-letters/index.ts';
import { startSplitWorker, type IngestRuntime } from '../ingest/index.ts';

/** A split worker that also takes correction files: ingest's worker with the dead-letter component's splitter. */
export function splitWorker(rt: IngestRuntime) {
  return startSplitWorker(rt, splitCorrection);
}
