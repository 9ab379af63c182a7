import type { Config } from '../../core/config/index.ts';
import { messageBytes, type OutgoingMessage } from '../../core/kafka/index.ts';
import type { UsageLine } from '../../core/schemas/index.ts';
import { DEAD_LETTER_HEADERS as H } from '../../core/topics/index.ts';
import { quoteValue } from '../../core/values/index.ts';
import type { DeadOutcome, UsageOutcome } from '../dsr/types.ts';

// Kafka refuses a record larger than the producer's max.request.size (or the topic's
// max.message.bytes), and one refused record fails its whole transaction: the split would
// fail the file on every retry. So every record a split or a replay writes is measured
// first, encoded, against kafka.maxMessageBytes: a usage event too large becomes a dead
// letter (RECORD_TOO_LARGE) in its place, and a dead letter too large keeps only the first
// ingest.deadLetterRawBytes of its line, with headers saying where the whole line is.

export interface RecordLimits {
  /** largest record, as messageBytes counts it (framing and headers included) */
  maxRecordBytes: number;
  /** bytes of a line kept in a dead letter cut for size */
  rawBytes: number;
}

export function recordLimits(config: Config): RecordLimits {
  return { maxRecordBytes: config.kafka.maxMessageBytes, rawBytes: config.ingest.deadLetterRawBytes };
}

/**
 * The dead letter that takes the place of a usage event too large for usage.lines, or null
 * when the event fits.
 */
export function usageTooLarge(
  outcome: UsageOutcome,
  event: OutgoingMessage,
  limits: RecordLimits,
): DeadOutcome | null {
  const size = messageBytes(event);
  if (size <= limits.maxRecordBytes) return null;
  return {
    kind: 'dead',
    lineNumber: outcome.lineNumber,
    bytes: outcome.bytes,
    byteOffset: outcome.byteOffset,
    stage: 'validate',
    errorClass: 'RECORD_TOO_LARGE',
    message:
      `line ${outcome.lineNumber}: its usage event is ${size} bytes, ${size - limits.maxRecordBytes} bytes over the ` +
      `largest record usage.lines takes (kafka.maxMessageBytes, ${limits.maxRecordBytes}); its largest values: ` +
      largestValues(outcome.value),
    recordType: outcome.value.recordType,
  };
}

/** The two longest text values of an event, by path, for the reason of a RECORD_TOO_LARGE. */
function largestValues(value: UsageLine): string {
  const found: { path: string; text: string }[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node === 'string') found.push({ path, text: node });
    else if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(value, '');
  return found
    .sort((a, b) => b.text.length - a.text.length)
    .slice(0, 2)
    .map((f) => `${f.path} (${Buffer.byteLength(f.text)} bytes: ${quoteValue(f.text, 20)})`)
    .join(', ');
}

/**
 * A dead letter as it may go to its topic: as it is when it fits; otherwise its value keeps
 * only the first `rawBytes` of the line, and its headers say it was cut, by how much it was
 * too large, and where the whole line is: `rawLength` bytes at the byte offset of the file's
 * (decompressed) content under `landingKey` in the landing store.
 */
export function fitDeadLetter(
  message: OutgoingMessage & { value: Buffer; headers: Record<string, string> },
  line: Pick<DeadOutcome, 'byteOffset' | 'byteLength'>,
  landingKey: string,
  limits: RecordLimits,
): OutgoingMessage {
  const size = messageBytes(message);
  if (size <= limits.maxRecordBytes) return message;
  const length = line.byteLength ?? message.value.length;
  const over = size - limits.maxRecordBytes;
  const headers: Record<string, string> = {
    ...message.headers,
    [H.rawCut]: 'true',
    [H.rawLength]: String(length),
    [H.landingKey]: landingKey,
  };
  headers[H.message] =
    `${message.headers[H.message]} — this dead letter was ${size} bytes, ${over} bytes over the largest record ` +
    `the topic takes (kafka.maxMessageBytes, ${limits.maxRecordBytes}): its value is cut to the line's first ` +
    `${Math.min(limits.rawBytes, length)} of ${length} bytes; the whole line is at byte ${line.byteOffset} ` +
    `of the file's content in the landing store (${landingKey})`;
  // The headers leave at least half the limit (config.ts checks rawBytes against it).
  return { ...message, value: message.value.subarray(0, limits.rawBytes), headers };
}
