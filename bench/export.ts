// The export's bench: N matched lines generated straight onto usage.matched under a
// prefix of their own (no ingest, no matcher), then `export run` in its own process, timed,
// with its peak RSS. Called by `npm run bench` (bench/run.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../core/config/index.ts';
import type { KafkaClient, OutgoingMessage } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { repoRoot } from '../core/paths/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import { sampleUsageLine, type MatchedUsage } from '../core/schemas/index.ts';
import { topicName } from '../core/topics/index.ts';
import { provisionBench } from './provision.ts';

export interface ExportBenchResult {
  matchedLines: number;
  reports: number;
  works: number;
  produceSeconds: number;
  exportSeconds: number;
  readSeconds: number;
  computeSeconds: number;
  writeSeconds: number;
  linesPerSecond: number;
  exportPeakRssMB: number;
  files: number;
  reconciled: boolean;
}

const REPORTS = 10;
const SUMMARIES = 4;
const WORKS = 20000;

/** The matched line `i` of the bench: report i % 10, summary by line, work by a stride. */
function matchedLine(i: number, perReport: number): MatchedUsage {
  const report = i % REPORTS;
  const n = Math.floor(i / REPORTS);
  const fileId = `bench${String(report).padStart(4, '0')}`;
  const summary = Math.floor((n * SUMMARIES) / perReport);
  const line = sampleUsageLine(fileId, 10 + n);
  const work = (i * 7919) % WORKS;
  return {
    lineId: line.lineId,
    fileId,
    line: {
      ...line,
      usages: 1 + (i % 97),
      territory: summary % 2 ? 'IE' : 'GB',
      currency: summary % 2 ? 'EUR' : 'GBP',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      summary: {
        summaryRecordId: `S${summary + 1}`,
        recordType: 'SY01.02',
        commercialModel: 'SubscriptionModel',
        useType: 'OnDemandStream',
        territory: summary % 2 ? 'IE' : 'GB',
        currency: summary % 2 ? 'EUR' : 'GBP',
        netRevenue: `${12345 + summary * 1000}.67`,
        totalUsages: null,
        lineNumber: 3 + summary,
      },
    },
    workId: `bench:W${work}`,
    iswc: null,
    writers: [
      {
        name: `WRITER ${work % 500}`,
        ipi: null,
        role: 'CA',
        society: ['PRS', 'GEMA', 'SACEM'][work % 3]!,
        shareBasisPoints: 5000,
      },
    ],
    publishers: [
      {
        name: `PUBLISHER ${work % 200}`,
        ipi: String(work % 200).padStart(11, '0'),
        society: 'PRS',
        shareBasisPoints: work % 10 ? 5000 : 4000,
      },
    ],
    method: 'ISRC_LINK',
    confidence: 1,
    linkSource: 'bench',
    rematch: false,
    partIndex: 0,
    partCount: 1,
  };
}

export async function benchExport(matchedLines: number, logger: Logger): Promise<ExportBenchResult> {
  const id = `bench.export.${matchedLines}.${Date.now().toString(36)}`;
  const outbox = mkdtempSync(path.join(tmpdir(), 'tallyline-bench-outbox-'));
  const env = {
    TALLYLINE_KAFKA_TOPIC_PREFIX: `${id}.`,
    TALLYLINE_EXPORT_OUTBOX: outbox,
    TALLYLINE_EXPORT_GROUP: `${id}.export`,
    TALLYLINE_LOG_LEVEL: 'warn',
  };
  const { config, kafka, drop } = await provisionBench(env, logger);
  try {
    const produceSeconds = await produceMatched(config, kafka, matchedLines);
    const out = await runExportProcess(env);
    return {
      matchedLines,
      reports: REPORTS,
      works: WORKS,
      produceSeconds,
      exportSeconds: out.seconds,
      readSeconds: out.r.seconds.read,
      computeSeconds: out.r.seconds.compute,
      writeSeconds: out.r.seconds.write,
      linesPerSecond: Math.round(matchedLines / out.seconds),
      exportPeakRssMB: Math.round(out.rss / 1024),
      files: out.r.files,
      reconciled: out.r.gaps.every((g) => /^0(\.0+)?$/.test(g)),
    };
  } finally {
    await drop();
    rmSync(outbox, { recursive: true, force: true });
  }
}

/** Produces the bench's matched lines onto usage.matched; returns the seconds it took. */
export async function produceMatched(
  config: Config,
  kafka: KafkaClient,
  matchedLines: number,
): Promise<number> {
  const topic = topicName(config.kafka.topicPrefix, 'usage.matched');
  const serde = await AvroSerde.forTopic(createRegistryClient(config), topic, 'MatchedUsage');
  const producer = await kafka.producer();
  const perReport = Math.ceil(matchedLines / REPORTS);
  const t0 = Date.now();
  const chunk = 20000;
  for (let start = 0; start < matchedLines; start += chunk * 2) {
    const sends: Promise<unknown>[] = [];
    for (let s = start; s < Math.min(matchedLines, start + chunk * 2); s += chunk) {
      const messages: OutgoingMessage[] = [];
      for (let i = s; i < Math.min(matchedLines, s + chunk); i++) {
        const m = matchedLine(i, perReport);
        messages.push({ key: m.workId, value: serde.encode(m) });
      }
      sends.push(producer.send(topic, messages));
    }
    await Promise.all(sends);
  }
  await producer.disconnect();
  return (Date.now() - t0) / 1000;
}

interface ExportProcessResult {
  seconds: number;
  rss: number;
  r: { files: number; seconds: { read: number; compute: number; write: number }; gaps: string[] };
}

/** The export in a process of its own, so its peak RSS is its own. */
async function runExportProcess(env: Record<string, string>): Promise<ExportProcessResult> {
  const script = `
      const { loadConfig } = await import('./core/config/index.ts');
      const { createLogger } = await import('./core/log/index.ts');
      const { exportRun } = await import('./export/index.ts');
      const t = Date.now();
      const r = await exportRun(loadConfig(), createLogger('warn'), '2026-11');
      process.stdout.write(JSON.stringify({ seconds: (Date.now() - t) / 1000, rss: process.resourceUsage().maxRSS, r: { files: r.files.length, seconds: r.seconds, gaps: r.reports.flatMap((x) => x.money.map((m) => m.gap)) } }));
      process.exit(0);`;
  const { stdout } = await promisify(execFile)(
    'node',
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(stdout) as ExportProcessResult;
}
