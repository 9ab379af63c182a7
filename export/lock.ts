// One export at a time per quarter: a Redis lock (SET NX PX with a token of our own),
// renewed while the run lasts and released in `finally`. The quarter, not the period, is
// locked so a month and its quarter never run together (docs/export.md).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { overlappingPeriods } from './period.ts';
import { ExportError } from './errors.ts';

/** The lock's time to live; renewed every third of it, so a killed holder frees it soon. */
const TTL_MS = 15000;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

const quarterOf = (period: string) => (/-Q\d$/.test(period) ? period : overlappingPeriods(period)[0]!);

/** A holder on this host whose process is gone (killed): its lock need not be waited out. */
function deadHereHolder(token: string): boolean {
  const [host, pid] = token.split(' ');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs `fn` holding the export lock of the period's quarter. Another holder is waited for
 * up to `waitMs`, then an EXPORT_LOCKED ExportError; a holder on this host whose process has died is
 * taken over at once.
 */
export async function withExportLock<T>(
  redis: Redis,
  keyPrefix: string,
  period: string,
  waitMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const key = `${keyPrefix}:export:lock:${quarterOf(period)}`;
  const token = `${hostname()} ${process.pid} ${randomBytes(6).toString('hex')}`;
  const started = Date.now();
  for (;;) {
    if ((await redis.set(key, token, 'PX', TTL_MS, 'NX')) === 'OK') break;
    const holder = await redis.get(key);
    if (holder && deadHereHolder(holder)) {
      await redis.eval(RELEASE, 1, key, holder);
      continue;
    }
    if (Date.now() - started >= waitMs)
      throw new ExportError(
        'EXPORT_LOCKED',
        `export ${period}: another export of its quarter is running (${holder ?? 'just released'}); waited ${Math.round(waitMs / 1000)} s, try again when it has finished`,
      );
    await sleep(250);
  }
  const renew = setInterval(() => {
    redis.eval(RENEW, 1, key, token, TTL_MS).catch(() => undefined);
  }, TTL_MS / 3);
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token);
  }
}
