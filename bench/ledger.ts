// The ledger's bench: (1) N matched lines produced onto usage.matched, then the ledger
// brought up to them from Kafka through PostgreSQL, timed (records/s, exactly once: the
// tallies are checked); (2) the ledger at the size 10M usage lines give it (10,000 files of
// 1,000 lines, 1 % dead letters), and each read command's query timed, and the commands
// themselves as a user runs them. Called by `npm run bench` (bench/run.ts).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../core/config/index.ts';
import { dropSchema } from '../core/db/index.ts';
import type { Logger } from '../core/log/index.ts';
import { repoRoot } from '../core/paths/index.ts';
import { deadLetterStatsOf, fileAccountingOf, Ledger, matchStatusOf } from '../ledger/index.ts';
import { DeadLetters } from '../dead-letters/index.ts';
import { FileStore, IngestRuntime } from '../ingest/index.ts';
import { produceMatched } from './export.ts';
import { provisionBench } from './provision.ts';

export interface LedgerBenchResult {
  matchedLines: number;
  applySeconds: number;
  recordsPerSecond: number;
  tallyExact: boolean;
  /** the read side at the size of 10M lines: query ms, and the command's wall ms */
  reads: { read: string; queryMs: number; commandMs: number | null }[];
}

const FILES = 10_000;
const LINES_PER_FILE = 1_000;
const DEAD_SHARE = 0.01;

export async function benchLedger(matchedLines: number, logger: Logger): Promise<LedgerBenchResult> {
  const id = `bench.ledger.${Date.now().toString(36)}`;
  const env = {
    TALLYLINE_KAFKA_TOPIC_PREFIX: `${id}.`,
    TALLYLINE_DATABASE_SCHEMA: id.replaceAll('.', '_'),
    TALLYLINE_REDIS_PREFIX: id,
    TALLYLINE_LOG_LEVEL: 'warn',
  };
  const { config, kafka, drop } = await provisionBench(env, logger);
  try {
    await produceMatched(config, kafka, matchedLines);
    const ledger = await Ledger.open(config, logger);
    let applySeconds: number;
    let tallied: number;
    try {
      const t0 = Date.now();
      await ledger.catchUp(3600_000);
      applySeconds = (Date.now() - t0) / 1000;
      const { rows } = await ledger.db.query<{ n: number }>(
        'SELECT sum(matched)::bigint AS n FROM file_tallies',
      );
      tallied = rows[0]!.n;
      await fill(ledger.db);
    } finally {
      await ledger.close();
    }
    const reads = await timeReads(config, env);
    return {
      matchedLines,
      applySeconds,
      recordsPerSecond: Math.round(matchedLines / applySeconds),
      tallyExact: tallied === matchedLines,
      reads,
    };
  } finally {
    await drop();
    await dropSchema(config.database);
  }
}

/** The ledger rows 10M usage lines leave: files, tallies, methods, 1 % dead letters. */
async function fill(db: Ledger['db']): Promise<void> {
  await db.query(
    `INSERT INTO files (file_id, sender, file_name, sha256, size_bytes, format, state, received_at, completed_at,
       lines, emitted, dead_lettered, context)
     SELECT 'f' || i, 'SENDER' || (i % 50), 'DSR_SENDER_' || i || '.tsv', md5(i::text) || md5(i::text), 100000,
       'DSR', 'split', now() - i * interval '1 minute', now(), $1 + 10, $1 - $2, $2, 10
     FROM generate_series(1, $3) i`,
    [LINES_PER_FILE, LINES_PER_FILE * DEAD_SHARE, FILES],
  );
  await db.query(
    `INSERT INTO file_tallies (file_id, matched, unmatched) SELECT 'f' || i, $1 * 0.8, $1 * 0.2 - $2
     FROM generate_series(1, $3) i`,
    [LINES_PER_FILE, LINES_PER_FILE * DEAD_SHARE, FILES],
  );
  await db.query(
    `INSERT INTO file_methods (file_id, method, lines) SELECT 'f' || i, m, $1 * 0.4
     FROM generate_series(1, $2) i, unnest(ARRAY['ISRC_LINK', 'ISWC']) m`,
    [LINES_PER_FILE, FILES],
  );
  await db.query(
    `INSERT INTO dead_letters (line_id, file_id, sender, line_number, stage, error_class, message, headers, raw,
       record_partition, record_offset, last_failure)
     SELECT 'f' || f || ':' || n, 'f' || f, 'SENDER' || (f % 50), n, 'parse', 'INVALID_NUMBER', 'bad number',
       jsonb_build_object('tallyline.line.id', 'f' || f || ':' || n, 'tallyline.file.id', 'f' || f,
         'tallyline.line.number', n::text, 'tallyline.stage', 'parse', 'tallyline.error.class', 'INVALID_NUMBER',
         'tallyline.error.message', 'bad number', 'tallyline.attempt', '1',
         'tallyline.failure.first', '2026-12-01T00:00:00.000Z', 'tallyline.failure.last', '2026-12-01T00:00:00.000Z'),
       convert_to(repeat('x', 200), 'UTF8'), f % 3, f * 100 + n, now()
     FROM generate_series(1, $1) f, generate_series(1, $2) n`,
    [FILES, LINES_PER_FILE * DEAD_SHARE],
  );
  await db.query('ANALYZE');
}

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const t = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function timeReads(
  config: ReturnType<typeof loadConfig>,
  env: Record<string, string>,
): Promise<LedgerBenchResult['reads']> {
  const rt = await IngestRuntime.create(config, (await import('../core/log/index.ts')).createLogger('warn'));
  const files = new FileStore(rt.db);
  const dlq = DeadLetters.of(rt);
  await dlq.sync();
  const cli = async (args: string[]) => {
    const t = Date.now();
    // A command that finds gaps exits 1 (reconcile on the synthetic rows): timed all the same.
    await promisify(execFile)('node', [path.join(repoRoot, 'bin/tallyline.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      maxBuffer: 1 << 28,
    }).catch((err: { code?: unknown }) => {
      if (typeof err.code !== 'number') throw err;
    });
    return Date.now() - t;
  };
  try {
    const reads: { read: string; q: () => Promise<unknown>; c: string[] }[] = [
      {
        read: 'match status (10,000 files)',
        q: () => matchStatusOf(rt.db),
        c: ['match', 'status', '--json'],
      },
      {
        read: 'files list (newest 100)',
        q: () => files.list({ limit: 100 }),
        c: ['files', 'list', '--json'],
      },
      { read: 'files show', q: () => files.get('f5000'), c: ['files', 'show', 'f5000', '--json'] },
      {
        read: 'dlq list --file',
        q: () => dlq.list({ fileId: 'f5000' }),
        c: ['dlq', 'list', '--file', 'f5000', '--json'],
      },
      {
        read: 'dlq stats (100,000 dead letters)',
        q: () => deadLetterStatsOf(rt.db),
        c: ['dlq', 'stats', '--json'],
      },
      {
        read: 'reconcile --file',
        q: () => fileAccountingOf(rt.db, 'f5000'),
        c: ['reconcile', '--file', 'f5000', '--json'],
      },
    ];
    const out: LedgerBenchResult['reads'] = [];
    for (const r of reads) {
      await r.q(); // warm
      const queryMs = Math.round(await timed(r.q));
      const commandMs = await cli(r.c).catch(() => null);
      out.push({ read: r.read, queryMs, commandMs });
    }
    return out;
  } finally {
    await rt.close();
  }
}
