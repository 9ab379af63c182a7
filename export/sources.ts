import type { Config } from '../core/config/index.ts';
import { parseDeadLetterHeaders, topicName } from '../core/topics/index.ts';
import type { IncomingMessage, KafkaClient } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import type { MatchedUsage, UsageLine } from '../core/schemas/index.ts';
import { Interner } from '../core/memory/index.ts';
import { holdersOf } from './holders.ts';
import type { ExportInput, HolderShare, LineFacts, MatchFacts, SummaryFacts } from './input.ts';

/**
 * Builds the export's input record by record, keeping only the fields the export reads and
 * one copy of each value that many lines share (file ids, senders, territories, commercial
 * models, use types, currencies, dates, DSR unit prices, work ids, ISWCs, match methods,
 * summaries, holder lists). Line ids are unique per line: each is kept once and reused as
 * the key of every map and set that holds the line.
 */
export class InputBuilder {
  readonly input: ExportInput = {
    lines: new Map(),
    matched: new Map(),
    unmatched: new Set(),
    deadAtMatch: new Map(),
  };
  private readonly summaries = new Map<string, SummaryFacts>();
  private readonly holders = new Map<string, readonly HolderShare[]>();
  private readonly strings = new Interner();
  /** distinct line ids per file seen on usage.lines itself, for reconcile */
  readonly onLinesTopic = new Map<string, Set<string>>();
  /** records skipped because they could not be decoded, by topic */
  readonly undecodable: Record<string, number> = {};

  /** The line's facts, the ones kept if the line was seen before. */
  addLine(line: UsageLine): LineFacts {
    const known = this.input.lines.get(line.lineId);
    if (known) return known;
    const str = this.strings;
    const fileId = str.string(line.fileId);
    let summary: SummaryFacts | null = null;
    if (line.summary) {
      const s = line.summary;
      const key = `${fileId}#${s.summaryRecordId ?? `L${s.lineNumber ?? 0}`}`;
      summary = this.summaries.get(key) ?? null;
      if (!summary) {
        summary = {
          key,
          fileId,
          summaryRecordId: s.summaryRecordId ?? `L${s.lineNumber ?? 0}`,
          recordType: str.string(s.recordType),
          commercialModel: str.string(s.commercialModel),
          useType: str.string(s.useType),
          territory: str.string(s.territory),
          currency: str.string(s.currency),
          netRevenue: s.netRevenue,
          totalUsages: s.totalUsages,
        };
        this.summaries.set(key, summary);
      }
    }
    const facts: LineFacts = {
      lineId: line.lineId,
      fileId,
      lineNumber: line.lineNumber,
      sender: str.string(line.sender),
      format: str.string(line.format),
      usages: line.usages,
      territory: str.string(line.territory),
      commercialModel: str.string(line.commercialModel),
      useType: str.string(line.useType),
      currency: str.string(line.currency),
      // A DSR line's unit price takes few values; a CSV row's revenue is the row's own.
      price: line.format === 'DSR' ? str.string(line.priceConsumerPaid) : line.priceConsumerPaid,
      periodStart: str.string(line.periodStart),
      periodEnd: str.string(line.periodEnd),
      summary,
    };
    this.input.lines.set(facts.lineId, facts);
    return facts;
  }

  addMatched(m: MatchedUsage, order: MatchFacts['order']): void {
    const kept = this.addLine(m.line).lineId;
    const lineId = kept === m.lineId ? kept : m.lineId;
    const holderKey = JSON.stringify([m.publishers, m.writers]);
    let holders = this.holders.get(holderKey);
    if (!holders) this.holders.set(holderKey, (holders = holdersOf(m.publishers, m.writers)));
    const str = this.strings;
    const facts: MatchFacts = {
      partIndex: m.partIndex ?? 0,
      partCount: Math.max(1, m.partCount ?? 1),
      workId: str.string(m.workId),
      iswc: str.string(m.iswc),
      method: str.string(m.method),
      holders,
      order,
    };
    const known = this.input.matched.get(lineId);
    if (known === undefined) this.input.matched.set(lineId, facts);
    else if (Array.isArray(known)) known.push(facts);
    else this.input.matched.set(lineId, [known, facts]);
    this.input.deadAtMatch.get(m.fileId)?.delete(lineId);
  }

  addUnmatched(line: UsageLine): void {
    const { lineId, fileId } = this.addLine(line);
    this.input.unmatched.add(lineId);
    this.input.deadAtMatch.get(fileId)?.delete(lineId);
  }

  addFromLinesTopic(line: UsageLine): void {
    const { lineId, fileId } = this.addLine(line);
    let set = this.onLinesTopic.get(fileId);
    if (!set) this.onLinesTopic.set(fileId, (set = new Set()));
    set.add(lineId);
  }

  /**
   * A line dead-lettered at match that has been matched or unmatched since (dlq replay) is
   * decided: its dead letter no longer counts, whichever was read first.
   */
  addDeadAtMatch(fileId: string, lineId: string): void {
    if (this.input.matched.has(lineId) || this.input.unmatched.has(lineId)) return;
    let set = this.input.deadAtMatch.get(fileId);
    if (!set) this.input.deadAtMatch.set(this.strings.string(fileId), (set = new Set()));
    set.add(this.input.lines.get(lineId)?.lineId ?? lineId);
  }

  skipped(topic: string): void {
    this.undecodable[topic] = (this.undecodable[topic] ?? 0) + 1;
  }
}

/** Which of two emissions of a part is later: a re-match, then the later time, then the place. */
export function orderOf(m: MatchedUsage, msg: IncomingMessage): MatchFacts['order'] {
  return [m.rematch ? 1 : 0, Number(msg.timestamp), msg.partition, Number(msg.offset)];
}

/**
 * Reads everything the export needs, each topic to its end as of the call: the usage lines
 * (all lines of a report are needed to value any of them), the matched and unmatched lines,
 * and the match-stage dead letters. Records that cannot be decoded are counted and skipped.
 */
export async function readExportInput(
  config: Config,
  logger: Logger,
  kafka: KafkaClient,
): Promise<InputBuilder> {
  const registry = createRegistryClient(config);
  const t = (name: Parameters<typeof topicName>[1]) => topicName(config.kafka.topicPrefix, name);
  const b = new InputBuilder();
  const lines = await AvroSerde.forTopic(registry, t('usage.lines'), 'UsageLine');
  const matched = await AvroSerde.forTopic(registry, t('usage.matched'), 'MatchedUsage');
  const unmatched = await AvroSerde.forTopic(registry, t('usage.unmatched'), 'UnmatchedUsage');
  const decodeEach = async <T>(
    topic: string,
    decode: (buf: Buffer) => Promise<T>,
    use: (v: T, m: IncomingMessage) => void,
  ) => {
    // Batch by batch as they are fetched: only the facts the builder keeps stay in memory.
    await kafka.readToEnd(topic, async (messages) => {
      for (const m of messages) {
        if (!m.value) continue;
        let v: T;
        try {
          v = await decode(m.value);
        } catch {
          b.skipped(topic);
          continue;
        }
        use(v, m);
      }
    });
  };
  // Matched and unmatched first: they carry the line as the matcher saw it.
  await decodeEach(
    t('usage.matched'),
    (x) => matched.decode(x),
    (v, m) => b.addMatched(v, orderOf(v, m)),
  );
  await decodeEach(
    t('usage.unmatched'),
    (x) => unmatched.decode(x),
    (v) => b.addUnmatched(v.line),
  );
  await decodeEach(
    t('usage.lines'),
    (x) => lines.decode(x),
    (v) => b.addFromLinesTopic(v),
  );
  await kafka.readToEnd(t('usage.lines.dlq'), (messages) => {
    for (const m of messages) {
      try {
        const d = parseDeadLetterHeaders(m.headers);
        if (d.stage === 'match') b.addDeadAtMatch(d.fileId, d.lineId);
      } catch {
        // not a dead letter of ours
      }
    }
  });
  if (Object.keys(b.undecodable).length)
    logger.warn({ undecodable: b.undecodable }, 'export: records skipped');
  return b;
}
