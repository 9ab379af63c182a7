import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type Config } from '../core/config/index.ts';
import {
  KafkaClient,
  type IncomingMessage,
  type OutgoingMessage,
  type Producer,
} from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { cpuSeconds, descendants, peakRssMB } from './proc.ts';
import { NODE_FLAGS } from '../app/node-flags.ts';
import { repoRoot } from '../core/paths/index.ts';
import { AvroSerde, checkSchemas, createRegistryClient } from '../core/registry/index.ts';
import type { UsageLine } from '../core/schemas/index.ts';
import { stackStatus } from '../core/stack/index.ts';
import { applyTopics, topicName } from '../core/topics/index.ts';
import {
  catalogWorks,
  RECORDINGS_PER_WORK,
  toWork,
  type CatalogWork,
  readMatchTruth,
  writeMatchReport,
  type MatchTruthLine,
} from '../fixtures/index.ts';
import { DsrParser, readLines } from '../ingest/index.ts';
import { scoreDecisions, type Decision, type MatchMethodName, type Score } from './matcher-score.ts';
import { matchLine, LineMatcher, ReferenceState } from '../matcher/index.ts';

// The matcher benchmark: a generated catalog (N recordings, N/2 works) and a report of N
// usage lines played against it (fixtures/generate/match-*.ts), on a fresh topic prefix.
// Reference data and lines are produced straight onto ref.works, ref.recordings and
// usage.lines (their loading speed is measured elsewhere); then one `match serve` process
// restores its state and matches the backlog. Measured: restore time, lines/s end to end,
// the matcher's peak RSS, precision and recall per rule against the match truth; and the
// same match in this process without Kafka (matchLine over a ReferenceState) to show where
// the time goes.

export interface MatcherBenchResult {
  recordings: number;
  works: number;
  usageLines: number;
  /** the report file and its match truth */
  generateSeconds: number;
  /** works and recordings produced onto the reference topics */
  refLoadSeconds: number;
  /** the report split in this process and its lines produced onto usage.lines */
  linesLoadSeconds: number;
  /** as the matcher logs it: reading the reference topics to their end */
  restoreSeconds: number;
  /** from restored to the matcher group's offsets at the end of usage.lines */
  matchSeconds: number;
  linesPerSecond: number;
  /** the matcher's Node process (VmHWM) */
  peakRssMB: number;
  /** its child processes (the JVM producer, if that engine is on) */
  childPeakRssMB: number;
  /** in this process: ReferenceState built from the catalog objects */
  inProcessStateSeconds: number;
  /** in this process: matchLine alone, summed over batches of split lines */
  inProcessLinesPerSecond: number;
  /**
   * in this process: what the service does to a batch (LineMatcher: decode, match, encode the
   * records to write), summed over batches of 1,000 lines: one Node thread's ceiling
   */
  inProcessPipelineLinesPerSecond: number;
  /** CPU seconds per 1,000 lines matched end to end: the matcher, its JVM bridge, the broker */
  cpuSecondsPer1000Lines: { node: number; bridge: number; broker: number };
  /** in this process: microseconds per matchLine call, by the line's truth class */
  inProcessMicrosByClass: Record<string, number>;
  score: Score;
  inProcessScore: Score;
}

/** Sends in chunks with a few sends in flight. */
class Sender {
  private pending: Promise<unknown>[] = [];
  private buffer: OutgoingMessage[] = [];
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}
  async push(m: OutgoingMessage): Promise<void> {
    this.buffer.push(m);
    if (this.buffer.length >= 5000) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffer.length) this.pending.push(this.producer.send(this.topic, this.buffer));
    this.buffer = [];
    if (this.pending.length >= 4) await Promise.all(this.pending.splice(0));
  }
  async close(): Promise<void> {
    await this.flush();
    await Promise.all(this.pending.splice(0));
  }
}

async function* splitLines(file: string, fileId: string): AsyncGenerator<UsageLine> {
  const splitter = new DsrParser({ fileId, sender: 'BENCH' });
  for await (const line of readLines(createReadStream(file))) {
    const o = splitter.accept(line);
    if (o.kind === 'usage') yield o.value;
    else if (o.kind !== 'context') throw new Error(`${file} line ${line.lineNumber}: ${o.kind}`);
  }
}

const lineNumberOf = (lineId: string) => Number(lineId.slice(lineId.lastIndexOf(':') + 1));

export interface MatcherBenchOptions {
  /**
   * Stop each timed phase (in process, end to end) after this many seconds and score the
   * lines decided so far: for a matcher too slow to finish on this machine in useful time.
   */
  maxSeconds?: number;
}

/** The truth of the lines that were decided: scoring a phase stopped early. */
function scoreDecided(truth: MatchTruthLine[], decisions: Decision[]): Score {
  const decided = new Set(decisions.map((d) => d.lineNumber));
  return scoreDecisions(
    decided.size === truth.length ? truth : truth.filter((t) => decided.has(t.lineNumber)),
    decisions,
  );
}

/** What every step of the matcher benchmark works with. */
interface MatcherBench {
  config: Config;
  env: Record<string, string>;
  kafka: KafkaClient;
  admin: Awaited<ReturnType<KafkaClient['admin']>>;
  serde: {
    work: AvroSerde<'Work'>;
    recording: AvroSerde<'RecordingLink'>;
    usage: AvroSerde<'UsageLine'>;
    matched: AvroSerde<'MatchedUsage'>;
    unmatched: AvroSerde<'UnmatchedUsage'>;
  };
  t: (name: Parameters<typeof topicName>[1]) => string;
  catalog: { seed: number; works: number; source: string };
  maxMs: number;
  progress: (s: string) => void;
}

export async function benchMatcher(
  recordings: number,
  logger: Logger,
  options: MatcherBenchOptions = {},
): Promise<MatcherBenchResult> {
  const works = Math.ceil(recordings / RECORDINGS_PER_WORK);
  const dir = mkdtempSync(path.join(tmpdir(), 'tallyline-match-bench-'));
  const id = `bench-match.${recordings}.${Date.now().toString(36)}`;
  const env = {
    TALLYLINE_KAFKA_TOPIC_PREFIX: `${id}.`,
    TALLYLINE_MATCHER_GROUP: `${id}.matcher`,
    TALLYLINE_LOG_LEVEL: 'info',
  };
  const config: Config = loadConfig({ env: { ...process.env, ...env } });
  const t = (name: Parameters<typeof topicName>[1]) => topicName(config.kafka.topicPrefix, name);
  const kafka = new KafkaClient(config, logger);
  const admin = await kafka.admin();
  await applyTopics(admin, { prefix: config.kafka.topicPrefix, replicationFactor: 1 });
  const registry = createRegistryClient(config);
  await checkSchemas(registry, { prefix: config.kafka.topicPrefix });
  const bench: MatcherBench = {
    config,
    env,
    kafka,
    admin,
    serde: {
      work: await AvroSerde.forTopic(registry, t('ref.works'), 'Work'),
      recording: await AvroSerde.forTopic(registry, t('ref.recordings'), 'RecordingLink'),
      usage: await AvroSerde.forTopic(registry, t('usage.lines'), 'UsageLine'),
      matched: await AvroSerde.forTopic(registry, t('usage.matched'), 'MatchedUsage'),
      unmatched: await AvroSerde.forTopic(registry, t('usage.unmatched'), 'UnmatchedUsage'),
    },
    t,
    catalog: { seed: 2026, works, source: 'BENCH' },
    maxMs: (options.maxSeconds ?? Infinity) * 1000,
    progress: (s: string) => process.stderr.write(`  matcher bench ${recordings}: ${s}\n`),
  };
  // The topics, the group and the files go whatever happens.
  try {
    // 1. The report and its match truth.
    const t0 = performance.now();
    const report = await writeMatchReport({ ...bench.catalog, usageLines: recordings }, dir);
    const generateSeconds = (performance.now() - t0) / 1000;
    const truth = await readMatchTruth(report.matchTruthPath);
    bench.progress(`report generated in ${generateSeconds.toFixed(1)} s`);
    // 2. In this process; 3. onto the topics; 4. a matcher process; 5. its decisions scored.
    const inProcess = await matchInProcess(bench, report.path, truth);
    const { refLoadSeconds, linesLoadSeconds } = await produceInputs(bench, report.path);
    const run = await runMatcherProcess(bench);
    const score = scoreDecided(truth, await readDecisions(bench));
    return {
      recordings: works * RECORDINGS_PER_WORK,
      works,
      usageLines: truth.length,
      generateSeconds: round1(generateSeconds),
      refLoadSeconds: round1(refLoadSeconds),
      linesLoadSeconds: round1(linesLoadSeconds),
      restoreSeconds: run.restoreSeconds,
      matchSeconds: round1(run.matchSeconds),
      linesPerSecond: Math.round(run.decidedLines / run.matchSeconds),
      peakRssMB: Math.round(run.peak),
      childPeakRssMB: Math.round(run.childPeak),
      inProcessStateSeconds: round1(inProcess.stateSeconds),
      inProcessLinesPerSecond: inProcess.linesPerSecond,
      inProcessPipelineLinesPerSecond: inProcess.pipelineLinesPerSecond,
      inProcessMicrosByClass: inProcess.microsByClass,
      cpuSecondsPer1000Lines: run.cpuSecondsPer1000Lines,
      score,
      inProcessScore: inProcess.score,
    };
  } finally {
    await admin.deleteTopics(
      (await admin.listTopics()).filter((x) => x.startsWith(config.kafka.topicPrefix)),
    );
    await admin.deleteGroups([config.matcher.groupId]).catch(() => undefined);
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A catalog work's ISRC → work links, as the reference topics carry them. */
function linksOf(w: CatalogWork, source: string, assertedAt: Date) {
  return [{ workId: w.workId, iswc: w.iswc, title: w.title, source, assertedAt }];
}

/**
 * 2. In this process: the state from the catalog objects, then matchLine alone, and the
 * service's whole work on a batch as LineMatcher does it (decode, match, encode).
 */
async function matchInProcess(bench: MatcherBench, reportPath: string, truth: MatchTruthLine[]) {
  const { config, serde, t, catalog, maxMs } = bench;
  const t0 = performance.now();
  const state = new ReferenceState();
  const assertedAt = new Date();
  for (const w of catalogWorks(catalog)) {
    state.putWork(w.workId, toWork(w, catalog.source));
    for (const isrc of w.recordings) state.putRecording(isrc, linksOf(w, catalog.source, assertedAt));
  }
  const stateSeconds = (performance.now() - t0) / 1000;
  let matchMs = 0;
  const local: Decision[] = [];
  let batch: UsageLine[] = [];
  const truthRule = new Map(truth.map((x) => [x.lineNumber, x.rule]));
  const classMs = new Map<string, { ms: number; n: number }>();
  const matchBatch = () => {
    const results = batch.map((l) => {
      const b0 = performance.now();
      const r = matchLine(l, state, config.matcher);
      const ms = performance.now() - b0;
      matchMs += ms;
      const c = classMs.get(truthRule.get(l.lineNumber)!) ?? { ms: 0, n: 0 };
      c.ms += ms;
      c.n++;
      classMs.set(truthRule.get(l.lineNumber)!, c);
      return r;
    });
    results.forEach((r, i) => {
      const part = r.kind === 'matched' ? r.parts[0] : undefined;
      local.push({
        lineNumber: batch[i]!.lineNumber,
        workId: part?.work.workId ?? null,
        method: (part?.method as MatchMethodName | undefined) ?? null,
      });
    });
    batch = [];
  };
  // The lines as they come off usage.lines (Avro bytes), decoded, matched and encoded into
  // the records to write.
  const lineMatcher = new LineMatcher(state, serde, config.matcher);
  let pipelineMs = 0;
  let pipelineLines = 0;
  const pipelineBatch = async () => {
    const records: IncomingMessage[] = batch.map((l, i) => ({
      topic: t('usage.lines'),
      partition: 0,
      offset: String(pipelineLines + i),
      key: Buffer.from(l.lineId),
      value: serde.usage.encode(l),
      headers: {},
      timestamp: '0',
    }));
    const p0 = performance.now();
    await lineMatcher.matchBatch(records);
    pipelineMs += performance.now() - p0;
    pipelineLines += records.length;
  };
  for await (const line of splitLines(reportPath, 'BENCHLOCAL')) {
    batch.push(line);
    if (batch.length === 1000) {
      await pipelineBatch();
      matchBatch();
    }
    if (matchMs + pipelineMs > maxMs) break;
  }
  await pipelineBatch();
  matchBatch();
  const result = {
    stateSeconds,
    linesPerSecond: Math.round(local.length / (matchMs / 1000)),
    pipelineLinesPerSecond: Math.round(pipelineLines / (pipelineMs / 1000)),
    score: scoreDecided(truth, local),
    microsByClass: Object.fromEntries([...classMs].map(([k, c]) => [k, Math.round((c.ms * 1000) / c.n)])),
  };
  bench.progress(
    `in process: state ${stateSeconds.toFixed(1)} s, ${result.linesPerSecond} lines/s, ` +
      `decode, match and encode ${result.pipelineLinesPerSecond} lines/s, ` +
      `µs per line by class ${JSON.stringify(result.microsByClass)}`,
  );
  return result;
}

/** 3. Reference data and usage lines onto the topics. */
async function produceInputs(bench: MatcherBench, reportPath: string) {
  const { kafka, serde, t, catalog } = bench;
  const producer = await kafka.producer();
  let t0 = performance.now();
  const worksOut = new Sender(producer, t('ref.works'));
  const recsOut = new Sender(producer, t('ref.recordings'));
  const assertedAt = new Date();
  for (const w of catalogWorks(catalog)) {
    await worksOut.push({ key: w.workId, value: serde.work.encode(toWork(w, catalog.source)) });
    for (const isrc of w.recordings)
      await recsOut.push({
        key: isrc,
        value: serde.recording.encode({ isrc, links: linksOf(w, catalog.source, assertedAt) }),
      });
  }
  await worksOut.close();
  await recsOut.close();
  const refLoadSeconds = (performance.now() - t0) / 1000;
  bench.progress(`reference data produced in ${refLoadSeconds.toFixed(1)} s`);
  t0 = performance.now();
  const linesOut = new Sender(producer, t('usage.lines'));
  for await (const line of splitLines(reportPath, 'BENCH')) {
    await linesOut.push({ key: line.lineId, value: serde.usage.encode(line) });
  }
  await linesOut.close();
  await producer.disconnect();
  const linesLoadSeconds = (performance.now() - t0) / 1000;
  bench.progress(`usage lines produced in ${linesLoadSeconds.toFixed(1)} s`);
  return { refLoadSeconds, linesLoadSeconds };
}

/**
 * 4. One matcher instance in its own process, watched until its group's offsets reach the
 * end of usage.lines: its restore time, match time, peak RSS and CPU per 1,000 lines.
 */
async function runMatcherProcess(bench: MatcherBench) {
  const { config, env, admin, t, maxMs, progress } = bench;
  const ends = await admin.topicOffsets(t('usage.lines'));
  const endSum = ends.reduce((s, o) => s + Number(o.high), 0);
  const matcher = spawn(
    'node',
    [...NODE_FLAGS, path.join(repoRoot, 'bin/tallyline.js'), 'match', 'serve', '--no-rematch'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  // CPU time while it matches: its own, its JVM producer bridge's and the broker's (when
  // `stack up` started it), to see what a line costs each of them.
  const brokerPid = (await stackStatus(config)).find((x) => x.name === 'kafka')?.pid ?? null;
  const cpuNow = () => ({
    node: cpuSeconds(matcher.pid!),
    bridge: descendants(matcher.pid!).reduce((sum, p) => sum + cpuSeconds(p), 0),
    broker: brokerPid === null ? Number.NaN : cpuSeconds(brokerPid),
  });
  let cpuAtRestore = cpuNow();
  let restoredAt = 0;
  let restoreSeconds = 0;
  let exited: number | null = null;
  matcher.on('exit', (code) => (exited = code ?? -1));
  createInterface({ input: matcher.stderr }).on('line', (text) => {
    try {
      const log = JSON.parse(text) as { msg?: string; level?: number; seconds?: number };
      if (log.msg === 'reference data restored') {
        restoredAt = performance.now();
        cpuAtRestore = cpuNow();
        restoreSeconds = log.seconds ?? 0;
        progress(`matcher restored its state in ${restoreSeconds} s`);
      } else if ((log.level ?? 0) >= 40) process.stderr.write(`  matcher: ${text}\n`);
    } catch {
      process.stderr.write(`  matcher: ${text}\n`);
    }
  });
  let peak = 0;
  let childPeak = 0;
  let caughtUpAt: number;
  let cpuWhileMatching = cpuAtRestore;
  try {
    for (;;) {
      peak = Math.max(peak, peakRssMB(matcher.pid!));
      childPeak = Math.max(
        childPeak,
        descendants(matcher.pid!).reduce((s, p) => s + peakRssMB(p), 0),
      );
      if (exited !== null) throw new Error(`the matcher exited (code ${exited}) before it caught up`);
      if (restoredAt) {
        const committed = await admin.groupOffsets(config.matcher.groupId, t('usage.lines'));
        const done = committed.reduce((s, o) => s + Math.max(0, Number(o.offset)), 0);
        if (done >= endSum || performance.now() - restoredAt > maxMs) {
          caughtUpAt = performance.now();
          cpuWhileMatching = cpuNow();
          break;
        }
      }
      await sleep(1000);
    }
  } finally {
    matcher.kill('SIGTERM');
  }
  const matchSeconds = (caughtUpAt - restoredAt) / 1000;
  // Lines decided: all, or (stopped early) as far as the group's offsets went.
  const committed = await admin.groupOffsets(config.matcher.groupId, t('usage.lines'));
  const decidedLines = committed.reduce((s, o) => s + Math.max(0, Number(o.offset)), 0);
  progress(`matcher caught up in ${matchSeconds.toFixed(1)} s`);
  // CPU seconds per 1,000 lines, each process: at 100k lines/s, 100 × this is its cores.
  const perThousand = (k: keyof typeof cpuAtRestore) =>
    Math.round(((cpuWhileMatching[k] - cpuAtRestore[k]) / decidedLines) * 1000 * 1000) / 1000;
  return {
    restoreSeconds,
    matchSeconds,
    decidedLines,
    peak,
    childPeak,
    cpuSecondsPer1000Lines: {
      node: perThousand('node'),
      bridge: perThousand('bridge'),
      broker: perThousand('broker'),
    },
  };
}

/** 5. The matcher's decisions, read back from usage.matched and usage.unmatched. */
async function readDecisions({ kafka, serde, t }: MatcherBench): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (const m of await kafka.readAll(t('usage.matched'), { timeoutMs: 600_000 })) {
    const v = await serde.matched.decode(m.value!);
    decisions.push({ lineNumber: lineNumberOf(v.lineId), workId: v.workId, method: v.method });
  }
  for (const m of await kafka.readAll(t('usage.unmatched'), { timeoutMs: 600_000 })) {
    const v = await serde.unmatched.decode(m.value!);
    decisions.push({ lineNumber: lineNumberOf(v.lineId), workId: null, method: null });
  }
  return decisions;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)} %`);

/** One row per run for the table; precision and recall as percentages. */
export function matcherBenchRow(r: MatcherBenchResult): Record<string, string | number> {
  const s = r.score.byRule;
  return {
    recordings: r.recordings,
    lines: r.usageLines,
    restoreS: r.restoreSeconds,
    matchS: r.matchSeconds,
    linesPerS: r.linesPerSecond,
    inProcLinesPerS: r.inProcessLinesPerSecond,
    pipelineLinesPerS: r.inProcessPipelineLinesPerSecond,
    'cpuS/1k node+jvm+broker': `${r.cpuSecondsPer1000Lines.node}+${r.cpuSecondsPer1000Lines.bridge}+${r.cpuSecondsPer1000Lines.broker}`,
    inProcLines: r.inProcessScore.decided,
    peakRssMB: r.peakRssMB,
    jvmRssMB: r.childPeakRssMB,
    'P1/R1': `${pct(s.ISRC_LINK.precision)} / ${pct(s.ISRC_LINK.recall)}`,
    'P2/R2': `${pct(s.ISWC.precision)} / ${pct(s.ISWC.recall)}`,
    'P3/R3': `${pct(s.TITLE_SIMILARITY.precision)} / ${pct(s.TITLE_SIMILARITY.recall)}`,
    nearMissFalse: `${r.score.nearMissFalseMatches}/${r.score.nearMisses}`,
    unmatchedFalse: r.score.unmatchedFalseMatches,
    decided: `${r.score.decided}/${r.usageLines}`,
  };
}
