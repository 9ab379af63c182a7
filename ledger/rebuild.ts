import pg from 'pg';
import type { Config } from '../core/config/index.ts';
import { dropSchema } from '../core/db/index.ts';
import type { Logger } from '../core/log/index.ts';
import { LedgerError } from './errors.ts';
import { Ledger, ledgerLockKey } from './ledger.ts';

// `tallyline ledger rebuild`: a fresh ledger from the topics alone, in a schema of its own,
// compared with the live one; with `replace`, it takes the live one's place, keeping what
// only the services know (the outbox, claims, replay runs, senders and keys, and the files'
// landing references and progress).

/** What is derived from the topics, table by table: the columns compared. */
const DERIVED: Record<string, { key: string; columns: string }> = {
  files: {
    key: 'file_id',
    columns: `file_id, sender, file_name, sha256, size_bytes, format,
      CASE WHEN state = 'failed' THEN 'splitting' ELSE state END AS state, attempt, received_at, started_at,
      completed_at, reason, footer_check, systemic, warnings, lines, emitted, dead_lettered, context`,
  },
  file_tallies: { key: 'file_id', columns: '*' },
  file_methods: { key: "file_id || ' ' || method", columns: '*' },
  dead_letters: { key: 'line_id', columns: '*' },
  dead_letter_settlements: { key: 'line_id', columns: '*' },
  replay_decisions: { key: 'line_id', columns: '*' },
  dead_letter_history: {
    key: "line_id || ' ' || at || ' ' || action",
    columns: 'line_id, at, action, by, run_id, state, result',
  },
  export_files: { key: 'path', columns: '*' },
  file_exports: { key: "file_id || ' ' || period", columns: '*' },
  file_accounts: { key: "file_id || ' ' || period || ' ' || currency", columns: '*' },
  sender_volumes: { key: "sender || ' ' || month", columns: '*' },
};

/** Per table, rows only one side has or that differ (by key), and the columns of the first that differs; empty when equal. */
export type LedgerDiff = Record<
  string,
  {
    onlyLive: string[];
    onlyRebuilt: string[];
    differ: string[];
    columns?: Record<string, [unknown, unknown]>;
  }
>;

export interface RebuildResult {
  schema: string;
  seconds: number;
  diff: LedgerDiff;
  replaced: boolean;
}

/** Builds a fresh ledger from the topics into `<schema>_rebuild` and compares it with the live one. */
export async function rebuildLedger(
  config: Config,
  logger: Logger,
  options: { replace?: boolean; onProgress?: (text: string) => void } = {},
): Promise<RebuildResult> {
  const live = config.database.schema;
  const schema = `${live}_rebuild`;
  const began = Date.now();
  await dropSchema({ url: config.database.url, schema });
  // Both up to the topics as they are now (the live one by its running consumer, if any).
  for (const target of [schema, live]) {
    const ledger = await Ledger.open(config, logger, { schema: target });
    try {
      if (target === schema) options.onProgress?.(`reading the topics into schema ${schema}…`);
      await ledger.catchUp(24 * 3600 * 1000);
    } finally {
      await ledger.close();
    }
  }
  const diff = await compareLedgers(config.database.url, live, schema);
  let replaced = false;
  if (options.replace) {
    await replaceLedger(config.database.url, live, schema);
    replaced = true;
  }
  return { schema: replaced ? live : schema, seconds: (Date.now() - began) / 1000, diff, replaced };
}

/** Compares the derived tables of two ledger schemas. */
export async function compareLedgers(url: string, a: string, b: string): Promise<LedgerDiff> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const diff: LedgerDiff = {};
    for (const [table, { key, columns }] of Object.entries(DERIVED)) {
      const q = (schema: string) =>
        `SELECT ${key} AS k, md5(row(x.*)::text) AS h FROM (SELECT ${columns} FROM ${pg.escapeIdentifier(schema)}.${table}) x`;
      const { rows } = await client.query<{ k: string; ha: string | null; hb: string | null }>(
        `SELECT COALESCE(a.k, b.k) AS k, a.h AS ha, b.h AS hb
         FROM (${q(a)}) a FULL JOIN (${q(b)}) b ON a.k = b.k
         WHERE a.h IS DISTINCT FROM b.h`,
      );
      if (!rows.length) continue;
      const differ = rows.filter((r) => r.ha !== null && r.hb !== null).map((r) => r.k);
      diff[table] = {
        onlyLive: rows.filter((r) => r.hb === null).map((r) => r.k),
        onlyRebuilt: rows.filter((r) => r.ha === null).map((r) => r.k),
        differ,
      };
      if (differ.length)
        diff[table]!.columns = await differingColumns(client, table, key, columns, a, b, differ[0]!);
    }
    return diff;
  } finally {
    await client.end();
  }
}

/** The columns in which one row of two schemas differs: live value, rebuilt value. */
async function differingColumns(
  client: pg.Client,
  table: string,
  key: string,
  columns: string,
  a: string,
  b: string,
  k: string,
): Promise<Record<string, [unknown, unknown]>> {
  const row = async (schema: string) =>
    (
      await client.query<{ r: Record<string, unknown> }>(
        `SELECT to_jsonb(x) AS r FROM (SELECT ${columns} FROM ${pg.escapeIdentifier(schema)}.${table} WHERE ${key} = $1) x`,
        [k],
      )
    ).rows[0]?.r ?? {};
  const [ra, rb] = [await row(a), await row(b)];
  const out: Record<string, [unknown, unknown]> = {};
  for (const c of Object.keys(ra))
    if (JSON.stringify(ra[c]) !== JSON.stringify(rb[c])) out[c] = [ra[c], rb[c]];
  return out;
}

/** The rebuilt schema takes the live one's name, with what only the services know carried over. */
async function replaceLedger(url: string, live: string, rebuilt: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const L = pg.escapeIdentifier(live);
  const R = pg.escapeIdentifier(rebuilt);
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      ledgerLockKey(live),
    ]);
    if (!rows[0]!.ok)
      throw new LedgerError(
        'LEDGER_BUSY',
        `a ledger consumer is running on schema ${live}: stop \`tallyline serve\` / \`tallyline ledger serve\` first`,
      );
    await client.query('BEGIN');
    for (const table of [
      'outbox',
      'dead_letter_claims',
      'replay_runs',
      'senders',
      'api_keys',
      'expected_arrivals',
    ])
      await client.query(`INSERT INTO ${R}.${table} SELECT * FROM ${L}.${table}`);
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${R}.outbox', 'id'), GREATEST(1, (SELECT max(id) FROM ${R}.outbox)))`,
    );
    // Files intake recorded whose RECEIVED event is still owed (the outbox) come along whole.
    await client.query(
      `INSERT INTO ${R}.files SELECT * FROM ${L}.files WHERE file_id NOT IN (SELECT file_id FROM ${R}.files)`,
    );
    await client.query(
      `UPDATE ${R}.files n SET landing = o.landing, progress_lines = o.progress_lines,
         progress_percent = o.progress_percent, message_id = o.message_id, dead_by_class = o.dead_by_class,
         parked = o.parked,
         state = CASE WHEN o.state = 'failed' AND n.state IN ('received', 'splitting') THEN 'failed' ELSE n.state END,
         reason = CASE WHEN o.state = 'failed' AND n.state IN ('received', 'splitting') THEN o.reason ELSE n.reason END
       FROM ${L}.files o WHERE n.file_id = o.file_id`,
    );
    await client.query(`DROP SCHEMA ${L} CASCADE`);
    await client.query(`ALTER SCHEMA ${R} RENAME TO ${L}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
