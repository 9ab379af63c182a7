import type { Logger } from '../log/index.ts';

/** Something a long-running command started and must stop on the way out. */
export interface Stoppable {
  stop(): Promise<unknown>;
}

/**
 * Keeps a long-running command alive until SIGINT or SIGTERM, then stops its parts in the
 * reverse order of their start (the API before the worker it feeds, the runtime last).
 */
export async function serveUntilSignal(parts: readonly (Stoppable | null)[], logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('stopping');
  for (const part of [...parts].reverse()) await part?.stop();
}
