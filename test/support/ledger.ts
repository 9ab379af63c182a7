import assert from 'node:assert/strict';
import type { Config } from '../../core/config/index.ts';
import { dropSchema } from '../../core/db/index.ts';
import { rebuildLedger } from '../../ledger/index.ts';
import { logger } from './harness.ts';

/**
 * The proof that the ledger is derived from the topics alone: the live ledger equals one
 * rebuilt from them in a fresh schema, table by table, row by row.
 */
export async function assertRebuildEqualsLive(config: Config): Promise<void> {
  // The rebuild brings the live ledger up to the topics before it compares.
  const result = await rebuildLedger(config, logger);
  try {
    assert.deepEqual(
      result.diff,
      {},
      `the rebuilt ledger differs: ${JSON.stringify(result.diff).slice(0, 2000)}`,
    );
  } finally {
    await dropSchema({ url: config.database.url, schema: result.schema });
  }
}
