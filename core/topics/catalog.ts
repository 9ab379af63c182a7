import type { SchemaName } from '../schemas/index.ts';

// The one declarative list of tallyline's topics. `tallyline topics apply` creates what is
// missing and reports drift; `tallyline schemas check` registers each topic's value schema.

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TopicSpec {
  /** logical name; the configured kafka.topicPrefix is put in front of it on the cluster */
  name: string;
  partitions: number;
  configs: Record<string, string>;
  /** Avro schema of the value (subject <topic>-value); null for raw bytes */
  valueSchema: SchemaName | null;
  key: string;
  purpose: string;
}

const retention = (days: number) => String(days * DAY_MS);

export const TOPICS = [
  {
    name: 'usage.files',
    partitions: 3,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': retention(3650) },
    valueSchema: 'FileEvent',
    key: 'fileId',
    purpose: 'file lifecycle and line accounting',
  },
  {
    name: 'usage.lines',
    partitions: 6,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': retention(30) },
    valueSchema: 'UsageLine',
    key: 'lineId',
    purpose: 'one event per usage line',
  },
  {
    name: 'usage.lines.dlq',
    partitions: 3,
    // A dead line is kept whole, up to ingest.maxLineBytes (1 MiB by default) plus headers.
    configs: {
      'cleanup.policy': 'delete',
      'retention.ms': retention(3650),
      'max.message.bytes': String(8 * 1024 * 1024),
    },
    valueSchema: null,
    key: 'lineId',
    purpose: 'poison-pill lines: original bytes, reason in headers',
  },
  {
    name: 'usage.lines.parked',
    partitions: 3,
    // Like the dead letters: the line's bytes, the reason and its replays in headers.
    configs: {
      'cleanup.policy': 'delete',
      'retention.ms': retention(3650),
      'max.message.bytes': String(8 * 1024 * 1024),
    },
    valueSchema: null,
    key: 'lineId',
    purpose: 'lines that failed --max-replays replays: for a person',
  },
  {
    name: 'dlq.audit',
    partitions: 1,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': retention(3650) },
    valueSchema: null,
    key: 'fileId or *',
    purpose: 'JSON audit records of dead-letter replays, corrections and purges',
  },
  {
    name: 'ref.works',
    partitions: 3,
    configs: { 'cleanup.policy': 'compact' },
    valueSchema: 'Work',
    key: 'workId',
    purpose: 'musical works (reference data)',
  },
  {
    name: 'ref.recordings',
    partitions: 3,
    configs: { 'cleanup.policy': 'compact' },
    valueSchema: 'RecordingLink',
    key: 'ISRC',
    purpose: 'ISRC to work links from every source (reference data)',
  },
  {
    name: 'usage.matched',
    partitions: 6,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': retention(90) },
    valueSchema: 'MatchedUsage',
    key: 'workId',
    purpose: 'usage lines tied to a work',
  },
  {
    name: 'usage.unmatched',
    partitions: 3,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': retention(365) },
    valueSchema: 'UnmatchedUsage',
    key: 'lineId',
    purpose: 'usage lines no rule matched',
  },
  {
    name: 'export.statements',
    partitions: 1,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': retention(3650) },
    valueSchema: 'ExportFileWritten',
    key: 'path',
    purpose: 'one event per statement or claim file the export wrote',
  },
  {
    name: 'export.accounts',
    partitions: 1,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': retention(3650) },
    valueSchema: null,
    key: '<period>/<fileId>',
    purpose: "JSON: each report's accounting for a period (lines, money per currency), at every export run",
  },
] as const satisfies readonly TopicSpec[];

export type TopicName = (typeof TOPICS)[number]['name'];

/** The name of a topic on the cluster, with the configured prefix. */
export function topicName(prefix: string, name: TopicName): string {
  return `${prefix}${name}`;
}
