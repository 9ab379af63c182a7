import type { Config } from '../core/config/index.ts';
import { parseDeadLetterHeaders, topicName } from '../core/topics/index.ts';
import { KafkaClient } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import type { MatchedUsage, UnmatchedUsage } from '../core/schemas/index.ts';

export interface FileMatchStatus {
  fileId: string;
  /** usage events the split emitted (from the file's accounting), when known */
  emitted: number | null;
  /**
   * distinct lines of the file on usage.lines: what the split emitted plus lines brought back
   * later by a replay or a correction file
   */
  events: number;
  matched: number;
  unmatched: number;
  deadLettered: number;
  /** events == matched + unmatched + deadLettered (== emitted when nothing was corrected) */
  caughtUp: boolean;
  byMethod: Record<string, number>;
}

/** The line ids of one file on each topic. */
interface FileLines {
  events: Set<string>;
  /** line id → the methods its parts were matched by (with " (re-match)" when re-matched) */
  matched: Map<string, Set<string>>;
  unmatched: Set<string>;
  dead: Set<string>;
}

type Topic = Parameters<typeof topicName>[1];

/**
 * Per file, what the matcher made of its lines, counted from the output topics themselves
 * (each line id once), against what the split emitted.
 */
export async function matchStatus(
  config: Config,
  logger: Logger,
  emittedOf: (fileId: string) => Promise<number | null>,
): Promise<FileMatchStatus[]> {
  const files = await linesByFile(config, logger);
  const out: FileMatchStatus[] = [];
  for (const [fileId, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(await fileStatus(fileId, f, emittedOf));
  }
  return out;
}

/**
 * The line ids of each file on usage.lines, usage.matched, usage.unmatched and the dead
 * letters of the match stage. Each topic is read batch by batch as it is fetched: only the
 * line ids stay in memory.
 */
async function linesByFile(config: Config, logger: Logger): Promise<Map<string, FileLines>> {
  const kafka = new KafkaClient(config, logger);
  const registry = createRegistryClient(config);
  const t = (name: Topic) => topicName(config.kafka.topicPrefix, name);
  // Only what is counted is decoded: the line each record carries is skipped, not built.
  const matched = (await AvroSerde.forTopic(registry, t('usage.matched'), 'MatchedUsage')).projection<
    Pick<MatchedUsage, 'lineId' | 'fileId' | 'method' | 'rematch'>
  >({ lineId: true, fileId: true, method: true, rematch: true });
  const unmatched = (await AvroSerde.forTopic(registry, t('usage.unmatched'), 'UnmatchedUsage')).projection<
    Pick<UnmatchedUsage, 'lineId' | 'fileId'>
  >({ lineId: true, fileId: true });
  const files = new Map<string, FileLines>();
  const of = (fileId: string) => {
    let f = files.get(fileId);
    if (!f) {
      files.set(
        fileId,
        (f = { events: new Set(), matched: new Map(), unmatched: new Set(), dead: new Set() }),
      );
    }
    return f;
  };
  // The key is the lineId, `<fileId>:<line number>`: no need to decode the events.
  await kafka.readToEnd(t('usage.lines'), (messages) => {
    for (const m of messages) {
      const lineId = m.key?.toString() ?? '';
      const colon = lineId.lastIndexOf(':');
      if (colon > 0) of(lineId.slice(0, colon)).events.add(lineId);
    }
  });
  await kafka.readToEnd(t('usage.matched'), async (messages) => {
    for (const m of messages) {
      const v = await matched.decode(m.value!);
      // A line reported at release level is matched as several parts (records); it counts once.
      const methods = of(v.fileId).matched;
      const label = v.rematch ? `${v.method} (re-match)` : v.method;
      methods.set(v.lineId, (methods.get(v.lineId) ?? new Set()).add(label));
    }
  });
  await kafka.readToEnd(t('usage.unmatched'), async (messages) => {
    for (const m of messages) {
      const v = await unmatched.decode(m.value!);
      of(v.fileId).unmatched.add(v.lineId);
    }
  });
  await kafka.readToEnd(t('usage.lines.dlq'), (messages) => {
    for (const m of messages) {
      try {
        const d = parseDeadLetterHeaders(m.headers);
        if (d.stage === 'match') of(d.fileId).dead.add(d.lineId);
      } catch {
        // not one of ours
      }
    }
  });
  return files;
}

async function fileStatus(
  fileId: string,
  f: FileLines,
  emittedOf: (fileId: string) => Promise<number | null>,
): Promise<FileMatchStatus> {
  const byMethod: Record<string, number> = {};
  // A line whose parts were matched by different rules counts under "A + B".
  for (const labels of f.matched.values()) {
    const method = [...labels].sort().join(' + ');
    byMethod[method] = (byMethod[method] ?? 0) + 1;
  }
  // A line that went unmatched and was re-matched later counts once, as matched; a line
  // dead-lettered at match and decided after a replay counts once, as decided.
  for (const id of f.matched.keys()) f.unmatched.delete(id);
  for (const id of [...f.matched.keys(), ...f.unmatched]) f.dead.delete(id);
  const emitted = await emittedOf(fileId);
  return {
    fileId,
    emitted,
    events: f.events.size,
    matched: f.matched.size,
    unmatched: f.unmatched.size,
    deadLettered: f.dead.size,
    caughtUp: f.events.size === f.matched.size + f.unmatched.size + f.dead.size,
    byMethod,
  };
}
