import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { readPid, stopProcess, tailFile } from './process.ts';
import { SERVICES, type Service, type ServiceName } from './services.ts';
import { TallylineError } from '../errors/index.ts';
import { dropSchema, masked, migrate } from '../db/index.ts';

export interface ServiceStatus {
  name: ServiceName;
  healthy: boolean;
  address: string;
  /** started by `tallyline stack up` (and so stopped by `stack down`) */
  managed: boolean;
  pid: number | null;
  logFile: string | null;
  detail: string;
}

export interface UpResult extends ServiceStatus {
  action: 'already-running' | 'started';
  version: string | null;
  seconds: number;
  notes: string[];
}

export class StackError extends TallylineError<'STACK_START_FAILED'> {
  constructor(
    readonly service: ServiceName,
    readonly logFile: string | null,
    message: string,
  ) {
    super('STACK_START_FAILED', message, 'failed');
  }
}

async function statusOf(config: Config, service: Service): Promise<ServiceStatus> {
  const proc = service.process(config);
  const pid = readPid(proc);
  const health = await service.health(config);
  return {
    name: service.name,
    healthy: health.healthy,
    address: service.address(config),
    managed: pid !== null,
    pid,
    logFile: pid !== null ? proc.logFile : null,
    detail: health.detail,
  };
}

export async function stackStatus(config: Config): Promise<ServiceStatus[]> {
  return Promise.all(SERVICES.map((s) => statusOf(config, s)));
}

/**
 * Starts what is not already answering, then waits until every service is healthy.
 * Idempotent: a healthy service, ours or not, is left as it is.
 */
export async function stackUp(
  config: Config,
  onEvent: (text: string) => void = () => undefined,
): Promise<UpResult[]> {
  const began = Date.now();
  const starts: { service: Service; result: UpResult }[] = [];
  // Downloads and starts one after another (Maven's local repository is not safe for
  // concurrent writers); the waits run side by side.
  for (const service of SERVICES) {
    const t0 = Date.now();
    const status = await statusOf(config, service);
    const result: UpResult = { ...status, action: 'already-running', version: null, seconds: 0, notes: [] };
    starts.push({ service, result });
    if (status.healthy || status.managed) continue;
    onEvent(`starting ${service.name}…`);
    try {
      const started = await service.start(config);
      Object.assign(result, {
        action: 'started',
        pid: started.pid,
        managed: true,
        version: started.version,
        notes: started.notes,
        logFile: service.process(config).logFile,
      });
    } catch (err) {
      throw new StackError(
        service.name,
        null,
        `${service.name} could not be started: ${(err as Error).message}`,
      );
    }
    result.seconds = (Date.now() - t0) / 1000;
  }
  await Promise.all(starts.map(({ service, result }) => waitHealthy(config, service, result, began)));
  for (const { result } of starts) onEvent(`${result.name} healthy`);
  // The ledger's database and schema, migrated to this version of tallyline.
  const applied = await migrate(config.database);
  const pg = starts.find((s) => s.service.name === 'postgres')!.result;
  pg.notes.push(
    applied.length
      ? `applied migrations ${applied.join(', ')} to schema ${config.database.schema}`
      : `schema ${config.database.schema} is up to date`,
  );
  return starts.map((s) => s.result);
}

async function waitHealthy(config: Config, service: Service, result: UpResult, began: number): Promise<void> {
  const deadline = began + config.stack.startTimeoutSeconds * 1000;
  const proc = service.process(config);
  for (;;) {
    const health = await service.health(config);
    if (health.healthy) {
      Object.assign(result, { healthy: true, detail: health.detail, seconds: (Date.now() - began) / 1000 });
      return;
    }
    if (result.managed && readPid(proc) === null) {
      throw new StackError(
        service.name,
        proc.logFile,
        `${service.name} exited during start-up. Log ${proc.logFile}, last lines:\n${tailFile(proc.logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      const log = result.managed ? ` Log ${proc.logFile}, last lines:\n${tailFile(proc.logFile)}` : '';
      throw new StackError(
        service.name,
        result.managed ? proc.logFile : null,
        `${service.name} not healthy after ${config.stack.startTimeoutSeconds} s (${health.detail}).${log}`,
      );
    }
    await sleep(500);
  }
}

export interface DownResult {
  name: ServiceName;
  result: 'stopped' | 'killed' | 'not-running' | 'not-ours';
}

/** Stops only the processes `stack up` started (pid files); others are left alone. */
export async function stackDown(config: Config): Promise<DownResult[]> {
  // Reverse order: clients of Kafka and the registry go before them.
  const results: DownResult[] = [];
  for (const service of [...SERVICES].reverse()) {
    const proc = service.process(config);
    if (readPid(proc) === null) {
      const health = await service.health(config);
      results.push({ name: service.name, result: health.healthy ? 'not-ours' : 'not-running' });
      continue;
    }
    results.push({ name: service.name, result: await stopProcess(proc) });
  }
  return results.reverse();
}

/**
 * Stops one managed service (SIGTERM, then SIGKILL after `graceMs`); `stackUp` starts it
 * again. For outage drills (the chaos suite) on a stack of tallyline's own.
 */
export async function stopService(
  config: Config,
  name: ServiceName,
  graceMs?: number,
): Promise<'stopped' | 'killed' | 'not-running'> {
  return stopProcess(SERVICES.find((s) => s.name === name)!.process(config), graceMs);
}

export interface ResetResult {
  down: DownResult[];
  removed: string[];
  redisKeysDeleted: number;
  /** the ledger's schema, dropped from a PostgreSQL that is not ours to wipe whole */
  schemaDropped: string | null;
}

/**
 * Stops the managed services and wipes their data (Kafka logs, registry database, a managed
 * PostgreSQL's cluster), tallyline's keys in Redis and the ledger's schema in a PostgreSQL that
 * is not ours. The download cache stays.
 */
export async function stackReset(config: Config): Promise<ResetResult> {
  // Only tallyline's schema: the server may hold other databases (a shared PostgreSQL).
  let schemaDropped: string | null = null;
  if ((await SERVICES.find((s) => s.name === 'postgres')!.health(config)).healthy) {
    await dropSchema(config.database);
    schemaDropped = `${config.database.schema} in ${masked(config.database.url)}`;
  }
  const down = await stackDown(config);
  const removed: string[] = [];
  for (const service of SERVICES) {
    for (const dir of service.dataDirs(config)) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  let redisKeysDeleted = 0;
  const health = await SERVICES.find((s) => s.name === 'redis')!.health(config);
  if (health.healthy) redisKeysDeleted = await deleteKeys(config.redis.url, `${config.redis.prefix}:*`);
  return { down, removed, redisKeysDeleted, schemaDropped };
}

export async function deleteKeys(url: string, pattern: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
