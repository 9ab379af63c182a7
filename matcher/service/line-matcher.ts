import { deadLetterHeaders, REPLAY_COUNT_HEADER } from '../../core/topics/index.ts';
import type { IncomingMessage, OutgoingMessage } from '../../core/kafka/index.ts';
import type { AvroSerde, FieldEncoder } from '../../core/registry/index.ts';
import type { Link, UnmatchedUsage } from '../../core/schemas/index.ts';
import type { Config } from '../../core/config/index.ts';
import { linksAssertedBy, withUsageLink } from '../refdata/usage-links.ts';
import { MATCHABLE_LINE, type MatchableLine } from '../rules/matchable-line.ts';
import { matchedUsages, matchLine } from '../rules/rules.ts';
import type { ReferenceState } from '../state/reference-state.ts';

// What the matcher does to a batch of usage.lines records, with no Kafka in it: each line
// decoded, matched against the reference state and turned into the records to write. The
// service moves batches in and out of Kafka; the benchmark times this part alone.

export interface LineMatcherSerdes {
  usage: AvroSerde<'UsageLine'>;
  matched: AvroSerde<'MatchedUsage'>;
  unmatched: AvroSerde<'UnmatchedUsage'>;
}

/** The records one batch of lines becomes. */
export interface MatchOutput {
  matched: OutgoingMessage[];
  unmatched: OutgoingMessage[];
  dead: OutgoingMessage[];
  /** links asserted by usage reports in this batch: the ISRC's merged links */
  links: Map<string, Link[]>;
  /** lines matched (`matched` holds one record per part) */
  matchedLines: number;
}

export class LineMatcher {
  /**
   * A matched or unmatched record carries the whole line: the bytes it was read as are
   * written back as they are (when our own schema wrote them) instead of encoding it again,
   * and a work's writers and publishers are encoded once per work.
   */
  private readonly lineReader: { decode(payload: Buffer): Promise<MatchableLine> };
  private readonly encoders: {
    matched: FieldEncoder<'MatchedUsage'>;
    unmatched: FieldEncoder<'UnmatchedUsage'>;
  };

  constructor(
    private readonly state: ReferenceState,
    private readonly serdes: LineMatcherSerdes,
    private readonly options: Config['matcher'],
  ) {
    this.lineReader = serdes.usage.projection<MatchableLine>(MATCHABLE_LINE);
    this.encoders = {
      matched: serdes.matched.recordEncoder({ spliced: ['line'], shared: ['writers', 'publishers'] }),
      unmatched: serdes.unmatched.recordEncoder({ spliced: ['line'] }),
    };
  }

  async matchBatch(messages: readonly IncomingMessage[]): Promise<MatchOutput> {
    const out: MatchOutput = { matched: [], unmatched: [], dead: [], links: new Map(), matchedLines: 0 };
    for (const m of messages) await this.matchMessage(m, out);
    return out;
  }

  private async matchMessage(m: IncomingMessage, out: MatchOutput): Promise<void> {
    const key = m.key?.toString() ?? '';
    try {
      const payload = m.value ?? Buffer.alloc(0);
      // A line our own schema wrote is decoded in part (what the rules read) and written back
      // as the bytes it came as; one another schema wrote is decoded whole and encoded again.
      const body = this.serdes.usage.ownBody(payload);
      const full = body ? null : await this.serdes.usage.decode(payload);
      const line: MatchableLine = full ?? (await this.lineReader.decode(payload));
      const result = matchLine(line, this.state, this.options);
      // A replayed line's decision says so: the ledger then closes the line's dead letter.
      const replay = m.headers[REPLAY_COUNT_HEADER];
      const headers = replay ? { [REPLAY_COUNT_HEADER]: replay } : undefined;
      for (const [isrc, link] of linksAssertedBy(line, new Date())) {
        const merged = withUsageLink(out.links.get(isrc) ?? this.state.recordings.get(isrc) ?? [], link);
        if (merged) out.links.set(isrc, merged);
      }
      if (result.kind === 'matched') {
        out.matchedLines++;
        for (const part of matchedUsages(line, result, false)) {
          out.matched.push({
            key: part.workId,
            value: body
              ? this.encoders.matched.splice(part, { line: body })
              : this.encoders.matched.encode({ ...part, line: full! }),
            ...(headers ? { headers } : {}),
          });
        }
      } else {
        const value: Omit<UnmatchedUsage, 'line'> = {
          lineId: line.lineId,
          fileId: line.fileId,
          rulesTried: result.rulesTried,
          reason: result.reason,
          bestCandidateWorkId: result.bestCandidate?.workId ?? null,
          bestCandidateScore: result.bestCandidate?.score ?? null,
        };
        out.unmatched.push({
          key: line.lineId,
          value: body
            ? this.encoders.unmatched.splice(value, { line: body })
            : this.encoders.unmatched.encode({ ...value, line: full! }),
          ...(headers ? { headers } : {}),
        });
      }
    } catch (err) {
      // Never stall on one record: it goes to the dead letters with where it came from.
      const [fileId = '', lineNumber = '0'] = key.split(':');
      const now = new Date();
      out.dead.push({
        key,
        value: m.value,
        headers: deadLetterHeaders({
          lineId: key,
          fileId,
          lineNumber: Number(lineNumber) || 0,
          stage: 'match',
          errorClass: (err as { code?: string }).code ?? 'MATCH_FAILED',
          message: (err as Error).message,
          source: { topic: m.topic, partition: m.partition, offset: m.offset },
          attempt: 1,
          firstFailure: now,
          lastFailure: now,
        }),
      });
    }
  }
}
