import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Config } from '../config/index.ts';
import { TallylineError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';

// The one door to PostgreSQL: a pool whose connections see the configured schema, the
// migrations (node-pg-migrate, SQL files in ./migrations, never edited once released), and
// the database's creation for the local stack.

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export class DatabaseError extends TallylineError<'DATABASE_UNAVAILABLE' | 'DATABASE_MIGRATION_FAILED'> {
  static override readonly kinds = {
    DATABASE_UNAVAILABLE: 'unavailable',
    DATABASE_MIGRATION_FAILED: 'failed',
  } as const;
}

// Counts are bigint columns; every count tallyline keeps fits a JavaScript number.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A pool or a client in a transaction: whatever runs a query. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** A pool on the ledger's schema. */
export class Database {
  readonly pool: pg.Pool;

  constructor(
    readonly url: string,
    readonly schema: string,
    options: { max?: number } = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 4,
      options: `-c search_path=${schema}`,
      types,
      connectionTimeoutMillis: 5000,
    });
    // An idle connection the server drops is replaced at the next query; not a crash.
    this.pool.on('error', () => undefined);
  }

  static of(config: Config, options: { max?: number } = {}): Database {
    return new Database(config.database.url, config.database.schema, options);
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      throw unavailable(err, this.url);
    }
  }

  /** Runs `work` in one transaction; rolled back if it throws. */
  async tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw unavailable(err, this.url);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw unavailable(err, this.url);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A connection that failed is an infrastructure error; an SQL error stays what it is. */
function unavailable(err: unknown, url: string): unknown {
  const e = err as NodeJS.ErrnoException & { code?: string };
  const connectionFault =
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EPIPE',
      '57P01',
      '57P03',
      '08006',
      '08001',
    ].includes(e.code ?? '') ||
    /Connection terminated|timeout exceeded when trying to connect/.test(e.message ?? '');
  if (!connectionFault) return err;
  return new DatabaseError('DATABASE_UNAVAILABLE', `PostgreSQL at ${masked(url)}: ${e.message}`, undefined, {
    cause: err,
  });
}

export function masked(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

/** Creates the configured database when the server has none of that name. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '42P04') return false; // created meanwhile
    throw unavailable(err, url);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies the migrations not yet applied to the configured schema; returns their names. */
export async function migrate(target: { url: string; schema: string }, logger?: Logger): Promise<string[]> {
  await ensureDatabase(target.url);
  try {
    const applied = await runner({
      databaseUrl: target.url,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      schema: target.schema,
      createSchema: true,
      migrationsTable: 'migrations',
      checkOrder: true,
      // One lock per schema, waited for: services starting together migrate one after another.
      lockValue: lockIdOf(target.schema),
      advisoryLockMode: 'wait',
      log: (msg: string) => logger?.debug({ migration: msg }, 'migration'),
    });
    return applied.map((m) => m.name);
  } catch (err) {
    const e = unavailable(err, target.url);
    if (e instanceof DatabaseError) throw e;
    throw new DatabaseError(
      'DATABASE_MIGRATION_FAILED',
      `migrating schema ${target.schema} of ${masked(target.url)}: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
}

/** A 31-bit advisory lock id for a schema's migrations. */
function lockIdOf(schema: string): number {
  let h = 0x2f1c;
  for (const c of `tallyline-migrate:${schema}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h & 0x7fffffff;
}

/** Drops a schema and everything in it (`stack reset`, tests, a rebuild's scratch). */
export async function dropSchema(target: { url: string; schema: string }): Promise<void> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(target.schema)} CASCADE`);
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') return; // no database: nothing to drop
    throw unavailable(err, target.url);
  } finally {
    await client.end().catch(() => undefined);
  }
}
