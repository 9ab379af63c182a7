import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../core/config/index.ts';
import { repoRoot } from '../../core/paths/index.ts';
import { stackDown, stackUp, stopService, type ServiceName } from '../../core/stack/index.ts';

// The chaos suite stops brokers and restarts Redis: it does so on a stack of its own (other
// ports, its own data folder), never on the one the rest of the tests and the demo share.
// PostgreSQL is the shared server: every scenario has its own schema in it.

export const CHAOS_STACK: Record<string, string> = {
  TALLYLINE_STACK_DIR: path.join(repoRoot, '.tallyline', 'chaos-stack'),
  TALLYLINE_KAFKA_PORT: '29092',
  TALLYLINE_CONTROLLER_PORT: '29093',
  TALLYLINE_REGISTRY_PORT: '28081',
  TALLYLINE_REGISTRY_MANAGEMENT_PORT: '28082',
  TALLYLINE_REDIS_PORT: '26379',
};

let apiPort = 28500 + Math.floor(Math.random() * 400);

/** Environment of one scenario: the chaos stack, and topics, keys, schema and folders of its own. */
export function scenarioEnv(label: string, extra: Record<string, string> = {}): Record<string, string> {
  const id = `${label}.${Math.random().toString(16).slice(2, 8)}`;
  const dir = (name: string) => mkdtempSync(path.join(tmpdir(), `tallyline-chaos-${name}-`));
  return {
    ...CHAOS_STACK,
    TALLYLINE_KAFKA_TOPIC_PREFIX: `chaos.${id}.`,
    TALLYLINE_REDIS_PREFIX: `tallyline-chaos-${id}`,
    TALLYLINE_DATABASE_SCHEMA: `chaos_${id.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`,
    TALLYLINE_LANDING_DIR: dir('landing'),
    TALLYLINE_DROP_DIR: dir('drop'),
    TALLYLINE_EXPORT_OUTBOX: dir('outbox'),
    TALLYLINE_API_PORT: String(apiPort++),
    TALLYLINE_MATCHER_GROUP: `chaos-matcher-${id}`,
    TALLYLINE_EXPORT_GROUP: `chaos-export-${id}`,
    TALLYLINE_LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function configOf(env: Record<string, string>): Config {
  return loadConfig({ env: { ...process.env, ...env } });
}

const stackConfig = () => configOf(CHAOS_STACK);

export async function chaosStackUp(): Promise<void> {
  await stackUp(stackConfig());
}

/** Stops the chaos stack and removes its data: every scenario's topics go with it. */
export async function chaosStackDown(): Promise<void> {
  await stackDown(stackConfig());
  rmSync(CHAOS_STACK.TALLYLINE_STACK_DIR!, { recursive: true, force: true });
}

/** An outage: the service stopped (SIGTERM, as an operator or a crash would leave it). */
export async function stopChaosService(name: ServiceName): Promise<void> {
  await stopService(stackConfig(), name, 10000);
}

/** The end of an outage: the service started again and healthy. */
export async function startChaosServices(): Promise<void> {
  await stackUp(stackConfig());
}
