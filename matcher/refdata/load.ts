import type { Config } from '../../core/config/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import type { Logger } from '../../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import type { Link, RecordingLink, Work } from '../../core/schemas/index.ts';
import { topicName } from '../../core/topics/index.ts';
import { decodeCwr, parseCwr } from '../cwr/index.ts';
import { parseLinkTable } from './link-table.ts';
import { mergeSourceLinks } from './links.ts';

export interface LoadRejection {
  line: number;
  /** the CWR record type of the line at fault */
  recordType?: string;
  field?: string;
  reason: string;
}

export interface LoadReport {
  file: string;
  format: 'CWR' | 'CSV';
  source: string;
  /** CWR version */
  version: string | null;
  /** CWR transactions, or link-table rows */
  read: number;
  loaded: number;
  rejected: number;
  /** CWR: 'OK' or what disagrees with GRT/TRL; CSV: null */
  trailerCheck: string | null;
  /** a fault that stopped the whole file, or null */
  fileError: string | null;
  worksWritten: number;
  recordingsWritten: number;
  rejections: LoadRejection[];
}

interface Parsed {
  report: Omit<LoadReport, 'worksWritten' | 'recordingsWritten'>;
  works: Work[];
  recordingLinks: RecordingLink[];
}

/** A file's format by its name: CSV/TSV link tables, else CWR. */
function parseReferenceFile(name: string, bytes: Buffer, source: string, loadedAt: Date): Parsed {
  if (/\.(csv|tsv|txt)$/i.test(name)) {
    const r = parseLinkTable(bytes.toString('utf8'), { source, assertedAt: loadedAt });
    return {
      report: {
        file: name,
        format: 'CSV',
        source,
        version: null,
        ...r.counts,
        trailerCheck: null,
        fileError: r.fileError,
        rejections: r.rejected,
      },
      works: [],
      recordingLinks: r.recordingLinks,
    };
  }
  const r = parseCwr(decodeCwr(bytes), { source });
  return {
    report: {
      file: name,
      format: 'CWR',
      source,
      version: r.header.version ?? null,
      read: r.counts.read,
      loaded: r.counts.loaded,
      rejected: r.counts.rejected,
      trailerCheck: r.trailerCheck,
      fileError: null,
      rejections: r.rejected.map((x) => ({
        line: x.line,
        recordType: x.recordType,
        ...(x.field ? { field: x.field } : {}),
        reason: `transaction ${x.transactionSequence}: ${x.reason}`,
      })),
    },
    works: r.transactions.map((t) => t.work),
    recordingLinks: r.recordingLinks,
  };
}

/**
 * Loads reference files (CWR works and their REC links, CSV link tables) onto ref.works
 * (key workId) and ref.recordings (key ISRC). A recording
 * keeps the links of every source: the current value of each ISRC this load touches is read
 * back from the compacted topic and only this source's links are replaced. That read is of
 * the whole topic, once per load; fine for batch loads, and the matcher will keep that
 * state itself.
 */
export async function loadReferenceFiles(
  config: Config,
  logger: Logger,
  files: { name: string; bytes: Buffer }[],
  source: string,
): Promise<LoadReport[]> {
  const prefix = config.kafka.topicPrefix;
  const registry = createRegistryClient(config);
  const worksTopic = topicName(prefix, 'ref.works');
  const recordingsTopic = topicName(prefix, 'ref.recordings');
  const [workSerde, linkSerde] = await Promise.all([
    AvroSerde.forTopic(registry, worksTopic, 'Work'),
    AvroSerde.forTopic(registry, recordingsTopic, 'RecordingLink'),
  ]);
  const kafka = new KafkaClient(config, logger);
  const loadedAt = new Date();
  const parsed = files.map((f) => parseReferenceFile(f.name, f.bytes, source, loadedAt));

  const touched = new Set(parsed.flatMap((p) => p.recordingLinks.map((r) => r.isrc)));
  const current = new Map<string, Link[]>();
  if (touched.size > 0) {
    // Batch by batch: only the touched recordings' links are kept, not the whole topic.
    await kafka.readToEnd(recordingsTopic, async (messages) => {
      for (const m of messages) {
        const isrc = m.key?.toString() ?? '';
        if (!touched.has(isrc)) continue;
        if (m.value === null) current.delete(isrc);
        else current.set(isrc, (await linkSerde.decode(m.value)).links);
      }
    });
  }

  const producer = await kafka.producer();
  const reports: LoadReport[] = [];
  try {
    for (const { report, works, recordingLinks } of parsed) {
      await producer.send(
        worksTopic,
        works.map((w) => ({ key: w.workId, value: workSerde.encode(w) })),
      );
      const recordings = recordingLinks.map((r) => {
        const links = mergeSourceLinks(current.get(r.isrc) ?? [], source, r.links);
        current.set(r.isrc, links);
        return { isrc: r.isrc, links };
      });
      await producer.send(
        recordingsTopic,
        recordings.map((r) => ({ key: r.isrc, value: linkSerde.encode(r) })),
      );
      reports.push({ ...report, worksWritten: works.length, recordingsWritten: recordings.length });
    }
  } finally {
    await producer.disconnect();
  }
  return reports;
}
