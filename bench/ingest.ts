import { execFile, spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type Config, loadConfig } from '../core/config/index.ts';
import { KafkaClient } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { descendants, peakRssMB } from './proc.ts';
import { NODE_FLAGS } from '../app/node-flags.ts';
import { repoRoot } from '../core/paths/index.ts';
import { checkSchemas, createRegistryClient } from '../core/registry/index.ts';
import { deleteKeys } from '../core/stack/index.ts';
import { applyTopics } from '../core/topics/index.ts';
import { writeDsr } from '../fixtures/index.ts';
import { type FileRecord, Intake, IngestRuntime, parseFile, usageEncoder } from '../ingest/index.ts';

const run = promisify(execFile);

export interface IngestBenchResult {
  usageLines: number;
  lines: number;
  fileMB: number;
  splitSeconds: number;
  linesPerSecond: number;
  workerPeakRssMB: number;
  /** the producer engine's own process (kafka.producerEngine=jvm), 0 without one */
  bridgePeakRssMB: number;
  engine: string;
  kcatSeconds: number;
  kcatLinesPerSecond: number;
  ratioToKcat: number;
  countsExact: boolean;
  /** the same file parsed in the bench process, nothing published: the ceiling of any split */
  parseOnlyLinesPerSecond: number;
  parseOnlyRatioToKcat: number;
  /** parsed and each usage line Avro-encoded as the split does, nothing published */
  parseEncodeLinesPerSecond: number;
  parseEncodeRatioToKcat: number;
}

/** Lines per second of parsing the report in this process, usage lines encoded or not. */
async function parseRate(rt: IngestRuntime, report: string, encode: boolean): Promise<number> {
  const encoder = usageEncoder(rt, 'DSR');
  const started = performance.now();
  let lines = 0;
  const batches = parseFile('DSR', createReadStream(report, { highWaterMark: 1 << 20 }), {
    fileId: 'bench',
    sender: 'BENCH',
    fileName: path.basename(report),
    config: rt.config,
  });
  for (let next = await batches.next(); !next.done; next = await batches.next()) {
    lines += next.value.length;
    if (encode) for (const o of next.value) if (o.kind === 'usage') encoder.encode(o.value);
  }
  return lines / ((performance.now() - started) / 1000);
}

/**
 * Generates a BasicAudioProfile report, splits it with a split worker in its own process
 * (so its peak RSS is the worker's alone), and pushes the same file's lines raw into a
 * topic on the same broker with `kcat -P` for comparison.
 */
export async function benchIngest(usageLines: number, logger: Logger): Promise<IngestBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tallyline-bench-'));
  const id = `bench.${usageLines}.${Date.now().toString(36)}`;
  const env = {
    TALLYLINE_KAFKA_TOPIC_PREFIX: `${id}.`,
    TALLYLINE_REDIS_PREFIX: `tallyline-${id}`,
    TALLYLINE_LANDING_DIR: path.join(dir, 'landing'),
    TALLYLINE_LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ env: { ...process.env, ...env } });
  const admin = await new KafkaClient(config, logger).admin();
  await applyTopics(admin, { prefix: config.kafka.topicPrefix, replicationFactor: 1 });
  await checkSchemas(createRegistryClient(config), { prefix: config.kafka.topicPrefix });

  const report = await writeDsr({ seed: 2026, usageLines, corruptionRate: 0.001 }, dir);
  const fileMB = statSync(report.path).size / 1e6;

  const rt = await IngestRuntime.create(config, logger);
  const { file, peak, bridgePeak } = await splitInWorker(rt, env, report.path);
  // Measured after the split, not beside it: the two would share the 2 cores.
  let parseOnly: number;
  let parseEncode: number;
  try {
    parseOnly = await parseRate(rt, report.path, false);
    parseEncode = await parseRate(rt, report.path, true);
  } finally {
    await rt.close();
  }
  const splitSeconds = (Date.parse(file.completedAt!) - Date.parse(file.startedAt!)) / 1000;
  const lines = file.counts!.lines;

  const kcatSeconds = await kcatPush(admin, config, report.path);

  await admin.deleteTopics((await admin.listTopics()).filter((t) => t.startsWith(config.kafka.topicPrefix)));
  await admin.disconnect();
  await deleteKeys(config.redis.url, `${config.redis.prefix}:*`);
  await rm(dir, { recursive: true, force: true });

  const linesPerSecond = lines / splitSeconds;
  const kcatLinesPerSecond = lines / kcatSeconds;
  return {
    usageLines,
    lines,
    fileMB: Math.round(fileMB),
    splitSeconds,
    linesPerSecond: Math.round(linesPerSecond),
    workerPeakRssMB: Math.round(peak),
    bridgePeakRssMB: Math.round(bridgePeak),
    engine: config.kafka.producerEngine,
    kcatSeconds,
    kcatLinesPerSecond: Math.round(kcatLinesPerSecond),
    ratioToKcat: Math.round((linesPerSecond / kcatLinesPerSecond) * 1000) / 1000,
    parseOnlyLinesPerSecond: Math.round(parseOnly),
    parseOnlyRatioToKcat: Math.round((parseOnly / kcatLinesPerSecond) * 1000) / 1000,
    parseEncodeLinesPerSecond: Math.round(parseEncode),
    parseEncodeRatioToKcat: Math.round((parseEncode / kcatLinesPerSecond) * 1000) / 1000,
    countsExact:
      file.counts!.lines === report.truth.lines &&
      file.counts!.emitted === report.truth.expected.emitted &&
      file.counts!.deadLettered === report.truth.expected.deadLettered,
  };
}

/**
 * The report taken in and split by a worker (`serve`) in a process of its own, polled until
 * split or rejected; its peak RSS, and that of its producer engine's process if it has one.
 */
async function splitInWorker(
  rt: IngestRuntime,
  env: Record<string, string>,
  reportPath: string,
): Promise<{ file: FileRecord; peak: number; bridgePeak: number }> {
  const worker = spawn(
    'node',
    [...NODE_FLAGS, path.join(repoRoot, 'bin/tallyline.js'), 'serve', '--no-api', '--no-watch'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let file;
  let peak = 0;
  let bridgePeak = 0;
  try {
    const accepted = await new Intake(rt).accept(
      createReadStream(reportPath),
      path.basename(reportPath),
      'BENCH',
    );
    for (;;) {
      peak = Math.max(peak, peakRssMB(worker.pid!));
      bridgePeak = Math.max(
        bridgePeak,
        descendants(worker.pid!).reduce((sum, c) => sum + peakRssMB(c), 0),
      );
      file = await rt.files.get(accepted.file.fileId);
      if (file?.state === 'split' || file?.state === 'rejected') break;
      await sleep(500);
    }
    peak = Math.max(peak, peakRssMB(worker.pid!));
  } finally {
    worker.kill('SIGTERM');
  }
  return { file: file!, peak, bridgePeak };
}

/** kcat: the same lines, as they are, into a topic with usage.lines' partitions; its seconds. */
async function kcatPush(
  admin: Awaited<ReturnType<KafkaClient['admin']>>,
  config: Config,
  reportPath: string,
): Promise<number> {
  const kcatTopic = `${config.kafka.topicPrefix}kcat`;
  await admin.createTopics([{ name: kcatTopic, partitions: 6, replicationFactor: 1, configs: {} }]);
  const t0 = Date.now();
  await run(
    'kcat',
    [
      '-P',
      '-b',
      config.kafka.brokers.join(','),
      '-t',
      kcatTopic,
      '-X',
      'enable.idempotence=true',
      '-l',
      reportPath,
    ],
    {
      maxBuffer: 1 << 20,
    },
  ).catch((err: Error & { code?: string }) => {
    throw new Error(
      err.code === 'ENOENT' ? 'kcat is not installed: apt-get install kcat' : `kcat failed: ${err.message}`,
      { cause: err },
    );
  });
  return (Date.now() - t0) / 1000;
}
