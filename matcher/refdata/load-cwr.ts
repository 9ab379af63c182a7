import type { Config } from '../../core/config/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import type { Logger } from '../../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import type { Link } from '../../core/schemas/types.ts';
import { topicName } from '../../core/topics/index.ts';
import { decodeCwr, parseCwr, type CwrRejection } from '../cwr/index.ts';

export interface CwrLoadReport {
  file: string;
  source: string;
  version: string | null;
  transactions: { read: number; loaded: number; rejected: number; skipped: number };
  trailerCheck: string;
  worksWritten: number;
  recordingsWritten: number;
  rejected: CwrRejection[];
}

/**
 * Loads CWR files onto ref.works (key workId) and ref.recordings (key ISRC). A recording
 * keeps the links of every source: the current value of each ISRC this load touches is read
 * back from the compacted topic and only this source's links are replaced. That read is of
 * the whole topic, once per load; fine for batch loads, and the matcher will keep that
 * state itself.
 */
export async function loadCwrFiles(
  config: Config,
  logger: Logger,
  files: { name: string; bytes: Buffer }[],
  source: string,
): Promise<CwrLoadReport[]> {
  const prefix = config.kafka.topicPrefix;
  const registry = createRegistryClient(config);
  const worksTopic = topicName(prefix, 'ref.works');
  const recordingsTopic = topicName(prefix, 'ref.recordings');
  const [workSerde, linkSerde] = await Promise.all([
    AvroSerde.forTopic(registry, worksTopic, 'Work'),
    AvroSerde.forTopic(registry, recordingsTopic, 'RecordingLink'),
  ]);
  const kafka = new KafkaClient(config, logger);
  const parsed = files.map((f) => ({ name: f.name, result: parseCwr(decodeCwr(f.bytes), { source }) }));

  const touched = new Set(parsed.flatMap((p) => p.result.recordingLinks.map((r) => r.isrc)));
  const current = new Map<string, Link[]>();
  if (touched.size > 0) {
    for (const m of await kafka.readAll(recordingsTopic)) {
      const isrc = m.key?.toString() ?? '';
      if (!touched.has(isrc)) continue;
      if (m.value === null) current.delete(isrc);
      else current.set(isrc, (await linkSerde.decode(m.value)).links);
    }
  }

  const producer = await kafka.producer();
  const reports: CwrLoadReport[] = [];
  try {
    for (const { name, result } of parsed) {
      const works = result.transactions.map((t) => t.work);
      await producer.send(
        worksTopic,
        works.map((w) => ({ key: w.workId, value: workSerde.encode(w) })),
      );
      const recordings = result.recordingLinks.map((r) => {
        const others = (current.get(r.isrc) ?? []).filter((l) => l.source !== source);
        const links = [...others, ...r.links];
        current.set(r.isrc, links);
        return { isrc: r.isrc, links };
      });
      await producer.send(
        recordingsTopic,
        recordings.map((r) => ({ key: r.isrc, value: linkSerde.encode(r) })),
      );
      reports.push({
        file: name,
        source,
        version: result.header.version ?? null,
        transactions: {
          read: result.counts.read,
          loaded: result.counts.loaded,
          rejected: result.counts.rejected,
          skipped: result.counts.skipped,
        },
        trailerCheck: result.trailerCheck,
        worksWritten: works.length,
        recordingsWritten: recordings.length,
        rejected: result.rejected,
      });
    }
  } finally {
    await producer.disconnect();
  }
  return reports;
}
