import { randomBytes } from 'node:crypto';
import type { Config } from '../../core/config/index.ts';
import type { Consumer, KafkaClient, OutgoingMessage, Producer } from '../../core/kafka/index.ts';
import type { Logger } from '../../core/log/index.ts';
import type { AvroSerde } from '../../core/registry/index.ts';
import type { UnmatchedUsage } from '../../core/schemas/index.ts';
import { topicName } from '../../core/topics/index.ts';
import { matchedUsages, matchLine } from '../rules/rules.ts';
import type { ReferenceState } from '../state/reference-state.ts';

// Re-match on late reference data. The re-matcher follows usage.unmatched (lines waiting,
// indexed by ISRC and ISWC) and usage.matched (lines settled, dropped from the index). When
// a link or a work arrives for an ISRC or ISWC that waiting lines carry, those lines are
// matched again and written to usage.matched with `rematch: true`. A line is re-matched at
// most once by an instance, and anything counting matches keys on the line id, so a line
// that went unmatched and was later re-matched counts once, as matched. Run it on one
// matcher instance (`match serve`, not `--no-rematch`).

export class Rematcher {
  private readonly waiting = new Map<string, UnmatchedUsage>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly settled = new Set<string>();
  private consumer: Consumer | null = null;
  readonly rematched: string[] = [];

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly kafka: KafkaClient,
    private readonly producer: Producer,
    private readonly state: ReferenceState,
    private readonly serdes: { matched: AvroSerde<'MatchedUsage'>; unmatched: AvroSerde<'UnmatchedUsage'> },
  ) {}

  private topic(name: 'usage.matched' | 'usage.unmatched') {
    return topicName(this.config.kafka.topicPrefix, name);
  }

  async start(): Promise<void> {
    this.consumer = this.kafka.consumer({
      groupId: `${this.config.matcher.groupId}.rematch.${randomBytes(4).toString('hex')}`,
    });
    await this.consumer.subscribe([this.topic('usage.unmatched'), this.topic('usage.matched')], {
      fromBeginning: true,
    });
    void this.consumer.run(async (batch) => {
      const found: string[] = [];
      for (const m of batch.messages) {
        if (!m.value) continue;
        if (m.topic === this.topic('usage.matched')) {
          this.settle((await this.serdes.matched.decode(m.value)).lineId);
        } else {
          const u = await this.serdes.unmatched.decode(m.value);
          if (this.settled.has(u.lineId) || this.waiting.has(u.lineId)) continue;
          this.waiting.set(u.lineId, u);
          for (const key of keysOf(u)) {
            const set = this.byKey.get(key) ?? new Set();
            set.add(u.lineId);
            this.byKey.set(key, set);
          }
          found.push(u.lineId);
        }
      }
      // Reference data may have arrived before the line went unmatched elsewhere.
      await this.retry(found);
    });
  }

  /** Called by the matcher after reference data for these keys changed. */
  async referenceChanged(keys: { isrc?: string; iswc?: string }[]): Promise<void> {
    const ids = new Set<string>();
    for (const k of keys) {
      for (const key of [k.isrc && `isrc:${k.isrc}`, k.iswc && `iswc:${k.iswc}`]) {
        if (key) for (const id of this.byKey.get(key) ?? []) ids.add(id);
      }
    }
    await this.retry([...ids]);
  }

  private async retry(lineIds: string[]): Promise<void> {
    const out: OutgoingMessage[] = [];
    for (const id of lineIds) {
      const u = this.waiting.get(id);
      if (!u) continue;
      const result = matchLine(u.line, this.state, this.config.matcher);
      if (result.kind !== 'matched') continue;
      for (const value of matchedUsages(u.line, result, true)) {
        out.push({ key: value.workId, value: this.serdes.matched.encode(value) });
      }
      this.settle(id);
      this.rematched.push(id);
    }
    if (out.length) {
      await this.producer.send(this.topic('usage.matched'), out);
      this.logger.info({ lines: out.length }, 're-matched lines on new reference data');
    }
  }

  private settle(lineId: string): void {
    this.settled.add(lineId);
    const u = this.waiting.get(lineId);
    if (!u) return;
    this.waiting.delete(lineId);
    for (const key of keysOf(u)) this.byKey.get(key)?.delete(lineId);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

function keysOf(u: UnmatchedUsage): string[] {
  return u.line.resources
    .flatMap((r) => [r.isrc ? `isrc:${r.isrc}` : '', r.iswc ? `iswc:${r.iswc}` : ''])
    .filter(Boolean);
}
