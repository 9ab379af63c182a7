import pg from 'pg';
import { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { KafkaClient } from '../kafka/index.ts';
import { createLogger } from '../log/index.ts';
import { masked } from '../db/index.ts';

export interface Health {
  healthy: boolean;
  detail: string;
}

const quiet = createLogger('silent');

/** The broker answers a metadata request. */
export async function kafkaHealth(config: Config): Promise<Health> {
  const client = new KafkaClient(config, quiet, { retry: { retries: 0 }, connectionTimeout: 1500 });
  try {
    const admin = await client.admin();
    try {
      const cluster = await admin.describeCluster();
      return { healthy: true, detail: `cluster ${cluster.clusterId}, brokers ${cluster.brokers.join(', ')}` };
    } finally {
      await admin.disconnect();
    }
  } catch (err) {
    return { healthy: false, detail: (err as Error).message };
  }
}

/** The registry answers its subjects endpoint. */
export async function registryHealth(config: Config): Promise<Health> {
  const { url, username, password } = config.registry;
  const headers: Record<string, string> = {};
  if (username)
    headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  try {
    const res = await fetch(`${url}/subjects`, { headers, signal: AbortSignal.timeout(2000) });
    if (!res.ok) return { healthy: false, detail: `GET ${url}/subjects answered ${res.status}` };
    const subjects = (await res.json()) as unknown[];
    return { healthy: true, detail: `${subjects.length} subjects` };
  } catch (err) {
    return { healthy: false, detail: `${url}: ${(err as Error).message}` };
  }
}

/** Redis answers PING. */
export async function redisHealth(config: Config): Promise<Health> {
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const pong = await redis.ping();
    return { healthy: pong === 'PONG', detail: `PING answered ${pong}` };
  } catch (err) {
    return { healthy: false, detail: `${config.redis.url}: ${(err as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

/** The PostgreSQL server answers (on its `postgres` database: ours may not exist yet). */
export async function postgresHealth(config: Config): Promise<Health> {
  const url = new URL(config.database.url);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 1500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return { healthy: true, detail: `PostgreSQL ${rows[0]?.v}` };
  } catch (err) {
    return { healthy: false, detail: `${masked(config.database.url)}: ${(err as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
