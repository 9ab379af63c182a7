import { parse } from 'csv-parse/sync';
import { normaliseIsrc, normaliseIswc } from '../../core/identifiers/index.ts';
import type { Link, RecordingLink } from '../../core/schemas/index.ts';

// A CSV link table: one ISRC → work link per row. Columns by header name (case and spacing
// ignored): ISRC, and ISWC or a work id (or both), and optionally a title. Delimiter
// (comma, semicolon or tab) is taken from the header line.

export interface LinkTableRejection {
  line: number;
  field?: string;
  reason: string;
}

export interface LinkTableResult {
  recordingLinks: RecordingLink[];
  rejected: LinkTableRejection[];
  counts: { read: number; loaded: number; rejected: number };
  /** a fault that stops the whole table (no ISRC column, say), or null */
  fileError: string | null;
}

const key = (h: string) => h.toLowerCase().replace(/[^a-z]/g, '');
const COLUMNS: Record<string, 'isrc' | 'iswc' | 'workId' | 'title'> = {
  isrc: 'isrc',
  iswc: 'iswc',
  workid: 'workId',
  work: 'workId',
  worknumber: 'workId',
  title: 'title',
  worktitle: 'title',
};

export function parseLinkTable(text: string, options: { source: string; assertedAt: Date }): LinkTableResult {
  const result: LinkTableResult = {
    recordingLinks: [],
    rejected: [],
    counts: { read: 0, loaded: 0, rejected: 0 },
    fileError: null,
  };
  const body = text.replace(/^\uFEFF/, '');
  const headerLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].sort(
    (a, b) => headerLine.split(b).length - headerLine.split(a).length,
  )[0]!;
  let rows: string[][];
  try {
    rows = parse(body, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (err) {
    result.fileError = `not a readable CSV: ${(err as Error).message}`;
    return result;
  }
  const header = (rows.shift() ?? []).map((h) => COLUMNS[key(h)]);
  const at = (name: string) => header.indexOf(name as (typeof header)[number]);
  if (at('isrc') < 0) {
    result.fileError = 'the header has no ISRC column';
    return result;
  }
  if (at('iswc') < 0 && at('workId') < 0) {
    result.fileError = 'the header has neither an ISWC nor a work id column';
    return result;
  }
  const byIsrc = new Map<string, Link[]>();
  rows.forEach((row, i) => {
    const line = i + 2;
    result.counts.read++;
    const cell = (name: string) => (at(name) >= 0 ? (row[at(name)] ?? '').trim() : '');
    const reject = (field: string, reason: string) => {
      result.rejected.push({ line, field, reason });
      result.counts.rejected++;
    };
    const isrc = normaliseIsrc(cell('isrc'));
    if (!isrc.ok) return reject('ISRC', isrc.reason);
    let iswc: string | null = null;
    if (cell('iswc')) {
      const n = normaliseIswc(cell('iswc'));
      if (!n.ok) return reject('ISWC', n.reason);
      iswc = n.value;
    }
    const workId = cell('workId') || null;
    if (!iswc && !workId) return reject('ISWC', 'neither an ISWC nor a work id on this row');
    const links = byIsrc.get(isrc.value) ?? [];
    links.push({
      workId,
      iswc,
      title: cell('title') || null,
      source: options.source,
      assertedAt: options.assertedAt,
    });
    byIsrc.set(isrc.value, links);
    result.counts.loaded++;
  });
  result.recordingLinks = [...byIsrc].map(([isrc, links]) => ({ isrc, links }));
  return result;
}
