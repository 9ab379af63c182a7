import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config/index.ts';
import { ensureApicurio, ensureKafka, pinnedVersions, chooseJdk } from '../java/index.ts';
import { kafkaHealth, postgresHealth, redisHealth, registryHealth, type Health } from './health.ts';
import { startDetached, type ManagedProcess } from './process.ts';
import { masked } from '../db/index.ts';

const run = promisify(execFile);

export type ServiceName = 'kafka' | 'registry' | 'redis' | 'postgres';

export interface StartResult {
  pid: number;
  version: string;
  /** what was fetched or prepared on the way, e.g. "downloaded Kafka 4.1.2 jars" */
  notes: string[];
}

export interface Service {
  name: ServiceName;
  address(config: Config): string;
  health(config: Config): Promise<Health>;
  process(config: Config): ManagedProcess;
  start(config: Config): Promise<StartResult>;
  /** folders holding the service's data, removed by `stack reset` */
  dataDirs(config: Config): string[];
}

const dirOf = (config: Config, name: ServiceName) => path.join(config.stack.dataDir, name);

function managed(config: Config, name: ServiceName, marker: string): ManagedProcess {
  return {
    pidFile: path.join(dirOf(config, name), `${name}.pid`),
    logFile: path.join(dirOf(config, name), `${name}.log`),
    marker,
  };
}

/** A KRaft cluster id: 16 random bytes, base64url without padding, as Kafka's Uuid prints. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const LOG4J2 = `# written by tallyline stack up
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
`;

export const kafka: Service = {
  name: 'kafka',
  address: (config) => config.kafka.brokers.join(','),
  health: kafkaHealth,
  process: (config) => managed(config, 'kafka', `-Dtallyline.service=kafka:${config.stack.dataDir}`),
  dataDirs: (config) => [path.join(dirOf(config, 'kafka'), 'data')],
  async start(config) {
    const { host, kafkaPort, controllerPort, cacheDir, kafkaHeap } = config.stack;
    const version = pinnedVersions().kafka;
    const notes: string[] = [];
    const jdk = chooseJdk(17, config.stack.javaHome);
    if (!jdk) throw new Error('no Java 17 or newer found (JAVA_HOME, PATH, /usr/lib/jvm); Kafka needs one');
    const { libs, downloaded } = await ensureKafka(cacheDir, version);
    if (downloaded) notes.push(`downloaded Kafka ${version} jars to ${libs}`);

    const dir = dirOf(config, 'kafka');
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const properties = path.join(dir, 'server.properties');
    writeFileSync(
      properties,
      [
        '# written by tallyline stack up: single-node KRaft, broker and controller in one process',
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@${host}:${controllerPort}`,
        `listeners=PLAINTEXT://${host}:${kafkaPort},CONTROLLER://${host}:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://${host}:${kafkaPort}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=PLAINTEXT',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        `log.dirs=${dataDir}`,
        'num.partitions=1',
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'share.coordinator.state.topic.replication.factor=1',
        'share.coordinator.state.topic.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=false',
        '',
      ].join('\n'),
    );
    const log4j = path.join(dir, 'log4j2.properties');
    writeFileSync(log4j, LOG4J2);
    const classpath = `${libs}/*`;
    const jvm = [`-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath];

    if (!existsSync(path.join(dataDir, 'meta.properties'))) {
      await run(jdk.java, [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', properties]);
      notes.push(`formatted KRaft storage in ${dataDir}`);
    }
    const proc = this.process(config);
    const pid = startDetached(
      proc,
      jdk.java,
      [
        proc.marker,
        `-Xmx${kafkaHeap}`,
        '-Xms256m',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dkafka.logs.dir=${path.join(dir, 'logs')}`,
        ...jvm,
        'kafka.Kafka',
        properties,
      ],
      { cwd: dir },
    );
    notes.push(`Java ${jdk.major} at ${jdk.home}`);
    return { pid, version, notes };
  },
};

export const registry: Service = {
  name: 'registry',
  address: (config) => config.registry.url,
  health: registryHealth,
  process: (config) => managed(config, 'registry', `-Dtallyline.service=registry:${config.stack.dataDir}`),
  dataDirs: (config) => [path.join(dirOf(config, 'registry'), 'db')],
  async start(config) {
    const { host, registryPort, registryManagementPort, cacheDir, registryHeap } = config.stack;
    const versions = pinnedVersions();
    const notes: string[] = [];
    let version = versions.apicurio;
    let jdk = chooseJdk(21, config.stack.registryJavaHome);
    if (!jdk) {
      jdk = chooseJdk(17);
      if (!jdk)
        throw new Error('no Java 17 or newer found (JAVA_HOME, PATH, /usr/lib/jvm); the registry needs one');
      version = versions.apicurioJava17;
      notes.push(`no JDK 21+ found: running Apicurio ${version}, the last release for Java 17`);
    }
    const { app, downloaded } = await ensureApicurio(cacheDir, version);
    if (downloaded) notes.push(`downloaded Apicurio Registry ${version} to ${app}`);
    const dir = dirOf(config, 'registry');
    const db = path.join(dir, 'db');
    mkdirSync(db, { recursive: true });
    const proc = this.process(config);
    const pid = startDetached(
      proc,
      jdk.java,
      [proc.marker, `-Xmx${registryHeap}`, '-XX:+UseSerialGC', '-jar', path.join(app, 'quarkus-run.jar')],
      {
        cwd: dir,
        env: {
          ...process.env,
          QUARKUS_HTTP_HOST: host,
          QUARKUS_HTTP_PORT: String(registryPort),
          QUARKUS_MANAGEMENT_HOST: host,
          QUARKUS_MANAGEMENT_PORT: String(registryManagementPort),
          QUARKUS_LOG_CONSOLE_JSON: 'false',
          // File-backed H2: schema ids survive a restart, so records already on the
          // topics stay decodable.
          APICURIO_DATASOURCE_URL: `jdbc:h2:file:${path.join(db, 'registry')}`,
        },
      },
    );
    notes.push(`Java ${jdk.major} at ${jdk.home}`);
    return { pid, version, notes };
  },
};

export const redis: Service = {
  name: 'redis',
  address: (config) => config.redis.url,
  health: redisHealth,
  // redis-server rewrites its process title to "redis-server host:port".
  process: (config) =>
    managed(config, 'redis', `redis-server ${config.stack.host}:${config.stack.redisPort}`),
  dataDirs: (config) => [path.join(dirOf(config, 'redis'), 'data')],
  async start(config) {
    const dir = dirOf(config, 'redis');
    const data = path.join(dir, 'data');
    mkdirSync(data, { recursive: true });
    const version = await run('redis-server', ['--version']).then(
      ({ stdout }) => /v=(\S+)/.exec(stdout)?.[1] ?? 'unknown',
      () => {
        throw new Error(
          'no Redis answers and redis-server is not installed: apt-get install redis-server, or set TALLYLINE_REDIS_URL',
        );
      },
    );
    const proc = this.process(config);
    const pid = startDetached(
      proc,
      'redis-server',
      [
        '--bind',
        config.stack.host,
        '--port',
        String(config.stack.redisPort),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        data,
      ],
      { cwd: dir },
    );
    return { pid, version, notes: [] };
  },
};

/** Debian's PostgreSQL server binaries, newest version first, if installed. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

/**
 * PostgreSQL refuses to run as root: as root, the cluster is owned by and run as Debian's
 * `postgres` user (through runuser).
 */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export const postgres: Service = {
  name: 'postgres',
  address: (config) => masked(config.database.url),
  health: postgresHealth,
  process: (config) => managed(config, 'postgres', path.join(dirOf(config, 'postgres'), 'data')),
  dataDirs: (config) => [path.join(dirOf(config, 'postgres'), 'data')],
  async start(config) {
    const bin = postgresBin();
    if (!bin)
      throw new Error(
        'no PostgreSQL answers and no server binaries are installed: apt-get install postgresql, or set TALLYLINE_DATABASE_URL',
      );
    const dir = dirOf(config, 'postgres');
    const data = path.join(dir, 'data');
    const notes: string[] = [];
    mkdirSync(dir, { recursive: true });
    if (process.getuid?.() === 0) await run('chown', ['postgres:', dir]);
    if (!existsSync(path.join(data, 'PG_VERSION'))) {
      await run(
        ...asPostgresUser(path.join(bin, 'initdb'), [
          '-D',
          data,
          '-U',
          'postgres',
          '--auth=trust',
          '-E',
          'UTF8',
        ]),
      );
      notes.push(`initialised a PostgreSQL cluster in ${data}`);
    }
    const version = await run(path.join(bin, 'postgres'), ['--version']).then(
      ({ stdout }) => /(\d+(\.\d+)*)/.exec(stdout)?.[1] ?? 'unknown',
    );
    const proc = this.process(config);
    const [command, args] = asPostgresUser(path.join(bin, 'postgres'), [
      '-D',
      data,
      '-h',
      config.stack.host,
      '-p',
      String(config.stack.postgresPort),
      '-k',
      dir,
    ]);
    const pid = startDetached(proc, command, args, { cwd: dir });
    return { pid, version, notes };
  },
};

export const SERVICES: Service[] = [kafka, registry, redis, postgres];
