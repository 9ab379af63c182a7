import type { Config } from '../core/config/index.ts';
import { parseDeadLetterHeaders } from '../core/dlq/index.ts';
import { KafkaClient } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import { topicName } from '../core/topics/index.ts';

export interface FileMatchStatus {
  fileId: string;
  /** usage events the split emitted (from the file's accounting), when known */
  emitted: number | null;
  matched: number;
  unmatched: number;
  deadLettered: number;
  /** emitted == matched + unmatched + deadLettered */
  caughtUp: boolean;
  byMethod: Record<string, number>;
}

/**
 * Per file, what the matcher made of its lines, counted from the output topics themselves
 * (each line id once), against what the split emitted.
 */
export async function matchStatus(
  config: Config,
  logger: Logger,
  emittedOf: (fileId: string) => Promise<number | null>,
): Promise<FileMatchStatus[]> {
  const kafka = new KafkaClient(config, logger);
  const registry = createRegistryClient(config);
  const t = (name: Parameters<typeof topicName>[1]) => topicName(config.kafka.topicPrefix, name);
  const matchedSerde = await AvroSerde.forTopic(registry, t('usage.matched'), 'MatchedUsage');
  const unmatchedSerde = await AvroSerde.forTopic(registry, t('usage.unmatched'), 'UnmatchedUsage');
  const files = new Map<
    string,
    { matched: Map<string, Set<string>>; unmatched: Set<string>; dead: Set<string> }
  >();
  const of = (fileId: string) => {
    let f = files.get(fileId);
    if (!f) files.set(fileId, (f = { matched: new Map(), unmatched: new Set(), dead: new Set() }));
    return f;
  };
  for (const m of await kafka.readAll(t('usage.matched'))) {
    const v = await matchedSerde.decode(m.value!);
    // A line reported at release level is matched as several parts (records); it counts once.
    const methods = of(v.fileId).matched;
    const label = v.rematch ? `${v.method} (re-match)` : v.method;
    methods.set(v.lineId, (methods.get(v.lineId) ?? new Set()).add(label));
  }
  for (const m of await kafka.readAll(t('usage.unmatched'))) {
    const v = await unmatchedSerde.decode(m.value!);
    of(v.fileId).unmatched.add(v.lineId);
  }
  for (const m of await kafka.readAll(t('usage.lines.dlq'))) {
    try {
      const d = parseDeadLetterHeaders(m.headers);
      if (d.stage === 'match') of(d.fileId).dead.add(d.lineId);
    } catch {
      // not one of ours
    }
  }
  const out: FileMatchStatus[] = [];
  for (const [fileId, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const byMethod: Record<string, number> = {};
    // A line whose parts were matched by different rules counts under "A + B".
    for (const labels of f.matched.values()) {
      const method = [...labels].sort().join(' + ');
      byMethod[method] = (byMethod[method] ?? 0) + 1;
    }
    // A line that went unmatched and was re-matched later counts once, as matched.
    for (const id of f.matched.keys()) f.unmatched.delete(id);
    const emitted = await emittedOf(fileId);
    out.push({
      fileId,
      emitted,
      matched: f.matched.size,
      unmatched: f.unmatched.size,
      deadLettered: f.dead.size,
      caughtUp: emitted !== null && emitted === f.matched.size + f.unmatched.size + f.dead.size,
      byMethod,
    });
  }
  return out;
}
