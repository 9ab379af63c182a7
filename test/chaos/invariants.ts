import type { Config } from '../../core/config/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import { topicName } from '../../core/topics/index.ts';
import { logger } from '../support/harness.ts';

// The promise, checked from the topics themselves (read_committed: what a consumer sees),
// never from tallyline's own bookkeeping: every usage line of a file is on usage.lines once,
// every bad line on usage.lines.dlq once, every event decided (matched or unmatched) once,
// the money of the decisions equal to the money of the events to the last digit, and every
// file at an end (SPLIT_COMPLETED or REJECTED on usage.files).

export interface ExpectedFile {
  fileId: string;
  emitted: number;
  deadLettered: number;
}

export interface Tally {
  /** usage lines expected */
  lines: number;
  lost: number;
  duplicated: number;
  stuck: number;
  /** what went wrong, in words, for the report */
  problems: string[];
}

/** Decimal text as an exact integer of millionths (prices carry at most 6 decimals). */
export function micros(text: string | null): bigint {
  if (text === null || text === '') return 0n;
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const value = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -value : value;
}

const lineFile = (lineId: string) => lineId.slice(0, lineId.indexOf(':'));

export async function checkTopics(
  config: Config,
  files: ExpectedFile[],
  options: { decisions: boolean },
): Promise<Tally> {
  const kafka = new KafkaClient(config, logger);
  const registry = createRegistryClient(config);
  const topic = (name: Parameters<typeof topicName>[1]) => topicName(config.kafka.topicPrefix, name);
  const wanted = new Set(files.map((f) => f.fileId));
  const tally: Tally = { lines: 0, lost: 0, duplicated: 0, stuck: 0, problems: [] };
  const problem = (text: string) => tally.problems.length < 20 && tally.problems.push(text);

  // Files at an end.
  const fileEvents = await AvroSerde.forTopic(registry, topic('usage.files'), 'FileEvent');
  const ended = new Set<string>();
  for (const m of await kafka.readAll(topic('usage.files'))) {
    const e = await fileEvents.decode(m.value!);
    if (e.type === 'SPLIT_COMPLETED' || e.type === 'REJECTED') ended.add(e.fileId);
  }
  for (const f of files) {
    if (!ended.has(f.fileId)) {
      tally.stuck++;
      problem(`file ${f.fileId} has no SPLIT_COMPLETED or REJECTED event`);
    }
  }

  // Events and dead letters: once each.
  const usage = await AvroSerde.forTopic(registry, topic('usage.lines'), 'UsageLine');
  const events = new Map<string, bigint>();
  let eventRecords = 0;
  await kafka.readToEnd(topic('usage.lines'), async (batch) => {
    for (const m of batch) {
      const key = m.key!.toString();
      if (!wanted.has(lineFile(key))) continue;
      eventRecords++;
      const line = await usage.decode(m.value!);
      events.set(key, micros(line.priceConsumerPaid) * BigInt(line.usages));
    }
  });
  const dead = new Map<string, number>();
  for (const m of await kafka.readAll(topic('usage.lines.dlq'))) {
    const key = m.key!.toString();
    if (wanted.has(lineFile(key))) dead.set(key, (dead.get(key) ?? 0) + 1);
  }
  tally.duplicated += eventRecords - events.size;
  if (eventRecords > events.size) problem(`${eventRecords - events.size} usage events published twice`);
  for (const f of files) {
    tally.lines += f.emitted;
    const got = [...events.keys()].filter((k) => lineFile(k) === f.fileId).length;
    const deadGot = [...dead.keys()].filter((k) => lineFile(k) === f.fileId).length;
    if (got !== f.emitted) problem(`file ${f.fileId}: ${got} usage events, ${f.emitted} expected`);
    if (deadGot !== f.deadLettered)
      problem(`file ${f.fileId}: ${deadGot} dead letters, ${f.deadLettered} expected`);
    tally.lost += Math.max(0, f.emitted - got) + Math.max(0, f.deadLettered - deadGot);
    tally.duplicated += Math.max(0, got - f.emitted) + Math.max(0, deadGot - f.deadLettered);
  }
  for (const n of dead.values()) if (n > 1) tally.duplicated += n - 1;

  if (options.decisions) await checkDecisions(kafka, registry, topic, wanted, events, tally, problem);
  return tally;
}

/** Every event decided once: unmatched once, or each matched part once; money equal. */
async function checkDecisions(
  kafka: KafkaClient,
  registry: ReturnType<typeof createRegistryClient>,
  topic: (name: 'usage.matched' | 'usage.unmatched') => string,
  wanted: Set<string>,
  events: Map<string, bigint>,
  tally: Tally,
  problem: (text: string) => void,
): Promise<void> {
  const decided = new Map<
    string,
    { unmatched: number; parts: Map<number, number>; of: number; money: bigint }
  >();
  const entry = (lineId: string, money: bigint) => {
    let d = decided.get(lineId);
    if (!d) decided.set(lineId, (d = { unmatched: 0, parts: new Map(), of: 0, money }));
    return d;
  };
  const matched = await AvroSerde.forTopic(registry, topic('usage.matched'), 'MatchedUsage');
  await kafka.readToEnd(topic('usage.matched'), async (batch) => {
    for (const m of batch) {
      const v = await matched.decode(m.value!);
      if (!wanted.has(v.fileId)) continue;
      const d = entry(v.lineId, micros(v.line.priceConsumerPaid) * BigInt(v.line.usages));
      d.parts.set(v.partIndex, (d.parts.get(v.partIndex) ?? 0) + 1);
      d.of = v.partCount;
    }
  });
  const unmatched = await AvroSerde.forTopic(registry, topic('usage.unmatched'), 'UnmatchedUsage');
  await kafka.readToEnd(topic('usage.unmatched'), async (batch) => {
    for (const m of batch) {
      const v = await unmatched.decode(m.value!);
      if (wanted.has(v.fileId))
        entry(v.lineId, micros(v.line.priceConsumerPaid) * BigInt(v.line.usages)).unmatched++;
    }
  });
  let eventMoney = 0n;
  let decidedMoney = 0n;
  let undecided = 0;
  let twice = 0;
  for (const [lineId, money] of events) {
    eventMoney += money;
    const d = decided.get(lineId);
    if (!d) {
      undecided++;
      continue;
    }
    decidedMoney += d.money;
    const extraParts = [...d.parts.values()].reduce((a, n) => a + n - 1, 0);
    if (d.unmatched > 1 || extraParts > 0 || (d.unmatched > 0 && d.parts.size > 0)) twice++;
    else if (d.parts.size > 0 && d.parts.size !== d.of) undecided++;
  }
  const strays = [...decided.keys()].filter((k) => !events.has(k)).length;
  if (undecided) problem(`${undecided} usage events not decided`);
  if (twice) problem(`${twice} usage events decided twice`);
  if (strays) problem(`${strays} decisions for lines that are not on usage.lines`);
  if (eventMoney !== decidedMoney)
    problem(
      `money: events ${eventMoney} µ, decisions ${decidedMoney} µ (${decidedMoney - eventMoney} µ apart)`,
    );
  tally.lost += undecided;
  tally.duplicated += twice + strays;
}
