// The headers of a record on usage.lines.dlq. The value is the original line's bytes,
// untouched; everything needed to understand and replay it travels in these headers, so
// nobody has to open the landing store to see why a line failed. Only a line too large for
// the topic is cut: then rawCut, rawLength and landingKey say so and where the whole is.

export type DeadLetterStage = 'parse' | 'validate' | 'match' | 'export';

export interface DeadLetter {
  lineId: string;
  fileId: string;
  lineNumber: number;
  stage: DeadLetterStage;
  errorClass: string;
  message: string;
  sender?: string;
  fileName?: string;
  recordType?: string;
  /** the cell at fault, by name */
  cell?: string;
  /** for a line orphaned by another dead line: that line's number */
  rootCauseLine?: number;
  /** the line's offset in the (decompressed) file */
  byteOffset?: number;
  /** set when the value holds only the first bytes of the line (it was too large for the topic) */
  rawCut?: true;
  /** the whole line's length in bytes, when the value is cut: at byteOffset in the landed content */
  rawLength?: number;
  /** the landing store's key of the file's content, when the value is cut */
  landingKey?: string;
  source?: { topic: string; partition: number; offset: string };
  schemaId?: number;
  attempt: number;
  firstFailure: Date;
  lastFailure: Date;
}

const H = {
  lineId: 'tallyline.line.id',
  fileId: 'tallyline.file.id',
  lineNumber: 'tallyline.line.number',
  stage: 'tallyline.stage',
  errorClass: 'tallyline.error.class',
  message: 'tallyline.error.message',
  sender: 'tallyline.sender',
  fileName: 'tallyline.file.name',
  recordType: 'tallyline.record.type',
  cell: 'tallyline.cell',
  rootCauseLine: 'tallyline.root.cause.line',
  byteOffset: 'tallyline.byte.offset',
  rawCut: 'tallyline.raw.cut',
  rawLength: 'tallyline.raw.length',
  landingKey: 'tallyline.landing.key',
  sourceTopic: 'tallyline.source.topic',
  sourcePartition: 'tallyline.source.partition',
  sourceOffset: 'tallyline.source.offset',
  schemaId: 'tallyline.schema.id',
  attempt: 'tallyline.attempt',
  firstFailure: 'tallyline.failure.first',
  lastFailure: 'tallyline.failure.last',
} as const;

export const DEAD_LETTER_HEADERS = H;

/** On a line re-published by a replay or a correction: how many replays it has had. */
export const REPLAY_COUNT_HEADER = 'tallyline.replay.count';

export function deadLetterHeaders(d: DeadLetter): Record<string, string> {
  const headers: Record<string, string> = {
    [H.lineId]: d.lineId,
    [H.fileId]: d.fileId,
    [H.lineNumber]: String(d.lineNumber),
    [H.stage]: d.stage,
    [H.errorClass]: d.errorClass,
    [H.message]: d.message,
    [H.attempt]: String(d.attempt),
    [H.firstFailure]: d.firstFailure.toISOString(),
    [H.lastFailure]: d.lastFailure.toISOString(),
  };
  const optional: [string, string | number | boolean | undefined][] = [
    [H.sender, d.sender],
    [H.fileName, d.fileName],
    [H.recordType, d.recordType],
    [H.cell, d.cell],
    [H.rootCauseLine, d.rootCauseLine],
    [H.byteOffset, d.byteOffset],
    [H.rawCut, d.rawCut],
    [H.rawLength, d.rawLength],
    [H.landingKey, d.landingKey],
    [H.sourceTopic, d.source?.topic],
    [H.sourcePartition, d.source?.partition],
    [H.sourceOffset, d.source?.offset],
    [H.schemaId, d.schemaId],
  ];
  for (const [name, value] of optional) if (value !== undefined) headers[name] = String(value);
  return headers;
}

/** Reads the headers back; throws naming the header when a required one is missing. */
export function parseDeadLetterHeaders(headers: Record<string, Buffer | string | undefined>): DeadLetter {
  const get = (name: string) => {
    const v = headers[name];
    return v === undefined ? undefined : v.toString();
  };
  const need = (name: string) => {
    const v = get(name);
    if (v === undefined) throw new Error(`dead letter without header ${name}`);
    return v;
  };
  const num = (name: string) => {
    const v = get(name);
    return v === undefined ? undefined : Number(v);
  };
  const topic = get(H.sourceTopic);
  const d: DeadLetter = {
    lineId: need(H.lineId),
    fileId: need(H.fileId),
    lineNumber: Number(need(H.lineNumber)),
    stage: need(H.stage) as DeadLetterStage,
    errorClass: need(H.errorClass),
    message: need(H.message),
    attempt: Number(need(H.attempt)),
    firstFailure: new Date(need(H.firstFailure)),
    lastFailure: new Date(need(H.lastFailure)),
  };
  const optional = {
    sender: get(H.sender),
    fileName: get(H.fileName),
    recordType: get(H.recordType),
    cell: get(H.cell),
    rootCauseLine: num(H.rootCauseLine),
    byteOffset: num(H.byteOffset),
    rawCut: get(H.rawCut) === 'true' ? (true as const) : undefined,
    rawLength: num(H.rawLength),
    landingKey: get(H.landingKey),
    schemaId: num(H.schemaId),
    source: topic
      ? { topic, partition: Number(get(H.sourcePartition)), offset: get(H.sourceOffset) ?? '' }
      : undefined,
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (d as unknown as Record<string, unknown>)[k] = v;
  return d;
}
