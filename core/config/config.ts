import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../paths/index.ts';
import { TallylineError } from '../errors/index.ts';

// One validated configuration for every component. Sources, later ones winning:
// built-in defaults (the local stack), an optional JSON file (TALLYLINE_CONFIG, or
// tallyline.config.json in the working directory), then TALLYLINE_* environment variables.

const port = z.coerce.number().int().min(1).max(65535);
const flag = z.preprocess(
  (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' || v === '' ? false : v),
  z.boolean(),
);
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port');
const list = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1),
  );

/** A structured value that may come from an environment variable as JSON text. */
const fromJson = <T extends z.ZodTypeAny>(type: T) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, type);

/** What an API key may do (docs/api.md): a sender's own files, a rights holder's own statements, or everything. */
export const API_ROLES = ['sender', 'rightsHolder', 'operator'] as const;
export type ApiRole = (typeof API_ROLES)[number];

const principal = z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore or hyphen');

/** An API key as configured; `admin: true` (before roles) still means an operator. */
const apiKeyEntry = z
  .object({
    role: z.enum(API_ROLES, { message: `one of ${API_ROLES.join(', ')}` }).optional(),
    /** a sender key: the sender it uploads for; on an old admin key, its name */
    sender: principal.optional(),
    /** a rights-holder key: the holder id of its statements (their file name), e.g. SOC-PRS, PUB-00000000297 */
    holder: z
      .string()
      .regex(
        /^(PUB|SOC)-[A-Za-z0-9._-]+$/,
        'a rights holder id as in the statement file names: PUB-<IPI or NAME> or SOC-<SOCIETY>',
      )
      .optional(),
    /** who holds the key, for logs and the audit (default: the sender or holder) */
    name: principal.optional(),
    /** SHA-256 of the key, hex; the key itself is never stored */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits (sha256 of the key)'),
    admin: z.boolean().optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (k.admin && k.role && k.role !== 'operator')
      problem('admin', `admin: true means role operator, not ${k.role}: drop one of them`);
    const role = k.role ?? (k.admin ? 'operator' : 'sender');
    if (role === 'sender' && !k.sender) problem('sender', 'a sender key names its sender');
    if (role === 'rightsHolder' && !k.holder) problem('holder', 'a rightsHolder key names its holder');
    if (role !== 'rightsHolder' && k.holder) problem('holder', `only a rightsHolder key names a holder`);
    if (role === 'rightsHolder' && k.sender) problem('sender', 'a rightsHolder key names no sender');
  })
  .transform((k): ApiKey => {
    const role: ApiRole = k.role ?? (k.admin ? 'operator' : 'sender');
    if (role === 'sender') return { role, sender: k.sender!, name: k.name ?? k.sender!, sha256: k.sha256 };
    if (role === 'rightsHolder')
      return { role, holder: k.holder!, name: k.name ?? k.holder!, sha256: k.sha256 };
    return { role, name: k.name ?? k.sender ?? 'operator', sha256: k.sha256 };
  });

/** A configured API key, its role resolved. */
export type ApiKey =
  | { role: 'sender'; sender: string; name: string; sha256: string }
  | { role: 'rightsHolder'; holder: string; name: string; sha256: string }
  | { role: 'operator'; name: string; sha256: string };

const schema = z.object({
  kafka: z.object({
    brokers: list(hostPort).optional(),
    clientId: z.string().min(1).default('tallyline'),
    /** prefixed to every topic name: isolates environments and test runs on one cluster */
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore or hyphen')
      .default(''),
    ssl: flag.default(false),
    /** PEM file of the CA that signed the brokers' certificates, when not a public one */
    sslCaFile: z.string().optional(),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: z.string().min(1),
      })
      .optional(),
    /**
     * SASL PLAIN sends the password as it is: without TLS only on a network you trust
     * (refused otherwise, so that nobody does it by mistake)
     */
    allowPlainSaslWithoutTls: flag.default(false),
    /** topic replication factor for `topics apply`: 1 on the local single-node stack */
    replicationFactor: z.coerce.number().int().min(1).default(1),
    /**
     * who writes the transactions of the split and the matcher: `jvm`, Kafka's Java client in
     * a child process (needs Java 17+; fast), or `kafkajs` in the Node process (no Java)
     */
    producerEngine: z.enum(['jvm', 'kafkajs']).default('jvm'),
    /**
     * the largest record tallyline writes, in bytes: the JVM producer's max.request.size;
     * no more than the brokers' message.max.bytes (Kafka's default, 1 MiB, is usage.lines'
     * limit). A split record over it (less its framing) becomes a cut dead letter.
     */
    maxMessageBytes: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .default(1024 * 1024),
  }),
  registry: z.object({
    url: z.string().url().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
  }),
  redis: z.object({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .optional(),
    /** key prefix for BullMQ queues and tallyline's own keys */
    prefix: z.string().min(1).default('tallyline'),
  }),
  database: z.object({
    /** PostgreSQL holding the ledger; default: the local stack's, database `tallyline` */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional(),
    /** the PostgreSQL schema of the ledger's tables: isolates environments and test runs */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and underscores')
      .default('tallyline'),
  }),
  stack: z.object({
    /** data of the local services: Kafka logs, registry database, pid and log files */
    dataDir: z.string().default(path.join(repoRoot, '.tallyline', 'stack')),
    /** downloaded jars and archives; survives `stack reset` */
    cacheDir: z
      .string()
      .default(path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'tallyline')),
    host: z.string().default('127.0.0.1'),
    kafkaPort: port.default(19092),
    controllerPort: port.default(19093),
    registryPort: port.default(18081),
    registryManagementPort: port.default(18082),
    redisPort: port.default(6379),
    postgresPort: port.default(5432),
    /** JDK for Kafka (17+); default: JAVA_HOME, else `java` on the PATH */
    javaHome: z.string().optional(),
    /** JDK for the registry (21+ for Apicurio 3.2 and later); default: the newest found */
    registryJavaHome: z.string().optional(),
    kafkaHeap: z
      .string()
      .regex(/^\d+[mg]$/, 'a heap size such as 1g or 512m')
      .default('1g'),
    registryHeap: z
      .string()
      .regex(/^\d+[mg]$/, 'a heap size such as 1g or 512m')
      .default('512m'),
    startTimeoutSeconds: z.coerce.number().int().min(5).default(180),
  }),
  ingest: z.object({
    /** where uploaded files are kept, by content hash */
    landingDir: z.string().default(path.join(repoRoot, '.tallyline', 'landing')),
    /** drop folder watched for `<sender>/<files> + .ctrl` deliveries */
    dropDir: z.string().default(path.join(repoRoot, '.tallyline', 'drop')),
    apiHost: z.string().default('127.0.0.1'),
    apiPort: port.default(18080),
    /** API keys; in the environment as JSON: [{"role":"sender","sender":"X","sha256":"…"}] */
    apiKeys: fromJson(z.array(apiKeyEntry)).default([]),
    maxUploadBytes: z.coerce
      .number()
      .int()
      .min(1)
      .default(8 * 1024 ** 3),
    /** requests per minute per API key (or address, without one) before 429 RATE_LIMITED */
    rateLimitPerMinute: z.coerce.number().int().min(1).default(600),
    /** refuse a .gz whose content expands beyond this many bytes */
    maxDecompressedBytes: z.coerce
      .number()
      .int()
      .min(1)
      .default(64 * 1024 ** 3),
    /** refuse a .gz whose content expands more than this many times (a gzip bomb) */
    maxCompressionRatio: z.coerce.number().min(1).default(200),
    maxLineBytes: z.coerce
      .number()
      .int()
      .min(64)
      .default(1024 * 1024),
    /**
     * bytes of the line kept in a dead letter cut because it would be too large for its
     * topic (kafka.maxMessageBytes); its headers say where the whole line is
     */
    deadLetterRawBytes: z.coerce
      .number()
      .int()
      .min(0)
      .default(64 * 1024),
    /** share of bad lines above which a file is flagged systemic */
    systemicThreshold: z.coerce.number().min(0).max(1).default(0.5),
    /** lines per Kafka transaction (and so per checkpoint) while splitting */
    batchLines: z.coerce.number().int().min(1).default(5000),
    /** BullMQ lock of a split job; a killed worker's job is taken over after about this long */
    lockMs: z.coerce.number().int().min(1000).default(30000),
    /** per-sender CSV column mappings, by sender; see ingest/csv/mapping.ts */
    csvMappings: fromJson(z.record(z.string(), z.unknown())).default({}),
  }),
  matcher: z.object({
    /** link sources, most trusted first; a source not listed ranks after all listed ones */
    sourcePriority: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean)
            : v,
        z.array(z.string().min(1)),
      )
      .default([]),
    groupId: z.string().min(1).default('tallyline-matcher'),
    /** rule 3 (title and writer/artist similarity) matches at or above this confidence */
    minConfidence: z.coerce.number().min(0).max(1).default(0.9),
    /** confidence of a rule-1 match through a link taken from a usage report (dsr:<sender>) */
    usageLinkConfidence: z.coerce.number().min(0).max(1).default(0.9),
  }),
  export: z.object({
    /** where statements and claims are written, by period */
    outboxDir: z.string().default(path.join(repoRoot, '.tallyline', 'outbox')),
    /** the continuous export's consumer group on usage.matched */
    groupId: z.string().min(1).default('tallyline-export'),
    /** the continuous export runs once no new matched line has come for this long */
    quietMs: z.coerce.number().int().min(0).default(2000),
    /** ... but no later than this after the first line still to export, even if lines keep coming */
    maxDelayMs: z.coerce.number().int().min(0).default(300000),
    /**
     * TEST ONLY, never set in production: a pause after each export file written, so the
     * kill-and-restart tests can SIGKILL a run between two files of its own process.
     */
    testOnlyPauseAfterFileMs: z.coerce.number().int().min(0).default(0),
    /** how long an export run waits for another run of the same quarter before it gives up */
    lockWaitMs: z.coerce.number().int().min(0).default(120000),
  }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  }),
});

type Parsed = z.infer<typeof schema>;

/** The resolved configuration: derived addresses filled in from the stack's ports. */
export type Config = Parsed & {
  kafka: Parsed['kafka'] & { brokers: string[] };
  registry: Parsed['registry'] & { url: string };
  redis: Parsed['redis'] & { url: string };
  database: Parsed['database'] & { url: string };
};

/** Environment variable → path in the configuration. The single list of what can be set. */
export const ENVIRONMENT: Record<string, string> = {
  TALLYLINE_KAFKA_BROKERS: 'kafka.brokers',
  TALLYLINE_KAFKA_CLIENT_ID: 'kafka.clientId',
  TALLYLINE_KAFKA_TOPIC_PREFIX: 'kafka.topicPrefix',
  TALLYLINE_KAFKA_SSL: 'kafka.ssl',
  TALLYLINE_KAFKA_SSL_CA_FILE: 'kafka.sslCaFile',
  TALLYLINE_KAFKA_SASL_MECHANISM: 'kafka.sasl.mechanism',
  TALLYLINE_KAFKA_SASL_USERNAME: 'kafka.sasl.username',
  TALLYLINE_KAFKA_SASL_PASSWORD: 'kafka.sasl.password',
  TALLYLINE_KAFKA_ALLOW_PLAIN_SASL_WITHOUT_TLS: 'kafka.allowPlainSaslWithoutTls',
  TALLYLINE_KAFKA_REPLICATION_FACTOR: 'kafka.replicationFactor',
  TALLYLINE_KAFKA_PRODUCER_ENGINE: 'kafka.producerEngine',
  TALLYLINE_KAFKA_MAX_MESSAGE_BYTES: 'kafka.maxMessageBytes',
  TALLYLINE_REGISTRY_URL: 'registry.url',
  TALLYLINE_REGISTRY_USERNAME: 'registry.username',
  TALLYLINE_REGISTRY_PASSWORD: 'registry.password',
  TALLYLINE_REDIS_URL: 'redis.url',
  TALLYLINE_REDIS_PREFIX: 'redis.prefix',
  TALLYLINE_DATABASE_URL: 'database.url',
  TALLYLINE_DATABASE_SCHEMA: 'database.schema',
  TALLYLINE_STACK_DIR: 'stack.dataDir',
  TALLYLINE_CACHE_DIR: 'stack.cacheDir',
  TALLYLINE_STACK_HOST: 'stack.host',
  TALLYLINE_KAFKA_PORT: 'stack.kafkaPort',
  TALLYLINE_CONTROLLER_PORT: 'stack.controllerPort',
  TALLYLINE_REGISTRY_PORT: 'stack.registryPort',
  TALLYLINE_REGISTRY_MANAGEMENT_PORT: 'stack.registryManagementPort',
  TALLYLINE_REDIS_PORT: 'stack.redisPort',
  TALLYLINE_POSTGRES_PORT: 'stack.postgresPort',
  TALLYLINE_JAVA_HOME: 'stack.javaHome',
  TALLYLINE_REGISTRY_JAVA_HOME: 'stack.registryJavaHome',
  TALLYLINE_KAFKA_HEAP: 'stack.kafkaHeap',
  TALLYLINE_REGISTRY_HEAP: 'stack.registryHeap',
  TALLYLINE_STACK_TIMEOUT: 'stack.startTimeoutSeconds',
  TALLYLINE_LANDING_DIR: 'ingest.landingDir',
  TALLYLINE_DROP_DIR: 'ingest.dropDir',
  TALLYLINE_API_HOST: 'ingest.apiHost',
  TALLYLINE_API_PORT: 'ingest.apiPort',
  TALLYLINE_API_KEYS: 'ingest.apiKeys',
  TALLYLINE_MAX_UPLOAD_BYTES: 'ingest.maxUploadBytes',
  TALLYLINE_API_RATE_LIMIT: 'ingest.rateLimitPerMinute',
  TALLYLINE_MAX_DECOMPRESSED_BYTES: 'ingest.maxDecompressedBytes',
  TALLYLINE_MAX_COMPRESSION_RATIO: 'ingest.maxCompressionRatio',
  TALLYLINE_MAX_LINE_BYTES: 'ingest.maxLineBytes',
  TALLYLINE_DEAD_LETTER_RAW_BYTES: 'ingest.deadLetterRawBytes',
  TALLYLINE_SYSTEMIC_THRESHOLD: 'ingest.systemicThreshold',
  TALLYLINE_SPLIT_BATCH_LINES: 'ingest.batchLines',
  TALLYLINE_SPLIT_LOCK_MS: 'ingest.lockMs',
  TALLYLINE_CSV_MAPPINGS: 'ingest.csvMappings',
  TALLYLINE_MATCH_SOURCE_PRIORITY: 'matcher.sourcePriority',
  TALLYLINE_MATCHER_GROUP: 'matcher.groupId',
  TALLYLINE_MATCH_MIN_CONFIDENCE: 'matcher.minConfidence',
  TALLYLINE_MATCH_USAGE_LINK_CONFIDENCE: 'matcher.usageLinkConfidence',
  TALLYLINE_EXPORT_OUTBOX: 'export.outboxDir',
  TALLYLINE_EXPORT_GROUP: 'export.groupId',
  TALLYLINE_EXPORT_QUIET_MS: 'export.quietMs',
  TALLYLINE_EXPORT_MAX_DELAY_MS: 'export.maxDelayMs',
  TALLYLINE_EXPORT_TEST_ONLY_PAUSE_AFTER_FILE_MS: 'export.testOnlyPauseAfterFileMs',
  TALLYLINE_EXPORT_LOCK_WAIT_MS: 'export.lockWaitMs',
  TALLYLINE_LOG_LEVEL: 'log.level',
};

export class ConfigError extends TallylineError<'CONFIG_INVALID'> {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] = typeof node[key] === 'object' && node[key] !== null ? node[key] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function readFileConfig(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('expected a JSON object');
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`config file ${file}: ${(err as Error).message}`]);
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** explicit file; default TALLYLINE_CONFIG, else ./tallyline.config.json if present */
  file?: string;
  /** values that win over everything, e.g. a test's topic prefix */
  overrides?: Record<string, unknown>;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file =
    options.file ??
    env.TALLYLINE_CONFIG ??
    (existsSync('tallyline.config.json') ? path.resolve('tallyline.config.json') : undefined);
  const raw: Record<string, unknown> = file ? readFileConfig(file) : {};
  for (const section of [
    'kafka',
    'registry',
    'redis',
    'database',
    'stack',
    'ingest',
    'matcher',
    'export',
    'log',
  ])
    raw[section] ??= {};
  for (const [name, dotted] of Object.entries(ENVIRONMENT)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, dotted, value);
  }
  for (const [dotted, value] of Object.entries(options.overrides ?? {})) setPath(raw, dotted, value);

  const result = schema.safeParse(raw);
  if (!result.success) {
    const byPath = Object.fromEntries(Object.entries(ENVIRONMENT).map(([k, v]) => [v, k]));
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const dotted = issue.path.join('.');
        const envName = byPath[dotted];
        const where = envName ? `${dotted} (${envName})` : dotted;
        const got = issue.path.reduce<unknown>(
          (node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey],
          raw,
        );
        return `${where}: ${issue.message}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`;
      }),
    );
  }
  const c = result.data;
  if (c.kafka.sasl?.mechanism === 'plain' && !c.kafka.ssl && !c.kafka.allowPlainSaslWithoutTls)
    throw new ConfigError([
      'kafka.sasl.mechanism (TALLYLINE_KAFKA_SASL_MECHANISM): plain sends the password in clear over a connection without TLS: ' +
        'set kafka.ssl (TALLYLINE_KAFKA_SSL=true), use scram-sha-256/512, or, on a network you trust, ' +
        'kafka.allowPlainSaslWithoutTls (TALLYLINE_KAFKA_ALLOW_PLAIN_SASL_WITHOUT_TLS=true)',
    ]);
  if (c.ingest.deadLetterRawBytes > c.kafka.maxMessageBytes / 2)
    throw new ConfigError([
      `ingest.deadLetterRawBytes (TALLYLINE_DEAD_LETTER_RAW_BYTES): ${c.ingest.deadLetterRawBytes} leaves too little of kafka.maxMessageBytes (${c.kafka.maxMessageBytes}) for a cut dead letter's headers: at most half of it`,
    ]);
  return {
    ...c,
    kafka: { ...c.kafka, brokers: c.kafka.brokers ?? [`${c.stack.host}:${c.stack.kafkaPort}`] },
    registry: {
      ...c.registry,
      url: c.registry.url ?? `http://${c.stack.host}:${c.stack.registryPort}/apis/ccompat/v7`,
    },
    redis: { ...c.redis, url: c.redis.url ?? `redis://${c.stack.host}:${c.stack.redisPort}` },
    database: {
      ...c.database,
      url: c.database.url ?? `postgres://postgres@${c.stack.host}:${c.stack.postgresPort}/tallyline`,
    },
  };
}

/** The configuration with secrets masked, for printing. */
export function describeConfig(config: Config): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value: unknown) =>
      key === 'password' && typeof value === 'string'
        ? '***'
        : key === 'url' && typeof value === 'string'
          ? value.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/, '$1:***@')
          : value,
    ),
  );
}
