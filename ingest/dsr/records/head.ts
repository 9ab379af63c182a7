// HEAD (and FHEA): the message header. Never dead-lettered: its problems are warnings.
import { isInteger, parseDateTime, parseIsoDate, quoteValue as q } from '../../../core/values/index.ts';
import type { DsrFileState } from '../parser-state.ts';
import { multiValues } from '../cells.ts';
import { cell, pos } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { ContextOutcome, DsrHead } from '../types.ts';

export function headLine(
  s: DsrFileState,
  n: number,
  L: RecordLayout,
  raw: string[],
  vals: string[],
): ContextOutcome {
  if (s.headRecord !== null) {
    s.warn(`line ${n}: a second ${L.written} record; the one at line ${s.headRecord.lineNumber} is used`);
    return s.context(n, L.written);
  }
  const cells: Record<string, string> = {};
  for (let i = 1; i < vals.length && i < L.width; i++) {
    const v = (vals[i] as string).trim();
    if (v !== '') cells[L.canonical[i] as string] = v;
  }
  const get = (name: string): string | null => cells[name] ?? null;
  const int = (name: string): number | null => {
    const v = get(name);
    if (v === null) return null;
    if (!isInteger(v)) {
      s.warn(`line ${n}: ${L.written} ${name} is ${q(v)}; expected a whole number`);
      return null;
    }
    return Number(v);
  };
  const rrIndex = pos(L, 'RepresentedRepertoire');
  const head: DsrHead = {
    recordType: L.written,
    lineNumber: n,
    messageVersion: get('MessageVersion'),
    profile: get('Profile'),
    profileVersion: get('ProfileVersion'),
    messageId: get('MessageId'),
    messageCreatedDateTime: get('MessageCreatedDateTime'),
    fileNumber: int('FileNumber'),
    numberOfFiles: int('NumberOfFiles'),
    usageStartDate: get('UsageStartDate'),
    usageEndDate: get('UsageEndDate'),
    senderPartyId: get('SenderPartyId'),
    senderName: get('SenderName'),
    serviceDescription: get('ServiceDescription'),
    recipientPartyId: get('RecipientPartyId'),
    recipientName: get('RecipientName'),
    representedRepertoire: rrIndex > 0 ? multiValues(cell(raw, rrIndex)) : [],
    cells,
  };
  if (L.written === 'HEAD') {
    const missing = [
      'MessageVersion',
      'Profile',
      'ProfileVersion',
      'MessageId',
      'UsageStartDate',
      'UsageEndDate',
      'SenderPartyId',
    ].filter((c) => cells[c] === undefined);
    if (missing.length > 0) s.warn(`line ${n}: HEAD lacks ${missing.join(', ')}`);
    if (vals.length > L.width && vals.slice(L.width).some((v) => v.trim() !== '')) {
      s.warn(`line ${n}: HEAD has non-empty cells after the ${L.width} defined; they were ignored`);
    }
  }
  for (const [name, which] of [
    ['UsageStartDate', 'start'],
    ['UsageEndDate', 'end'],
  ] as const) {
    const v = get(name);
    if (v === null) continue;
    const d = parseIsoDate(v);
    if (d === null) s.warn(`line ${n}: ${L.written} ${name} is ${q(v)}; expected a date as YYYY-MM-DD`);
    else if (which === 'start') s.periodStart = d;
    else s.periodEnd = d;
  }
  const created = get('MessageCreatedDateTime');
  if (created !== null && parseDateTime(created) === null) {
    s.warn(`line ${n}: ${L.written} MessageCreatedDateTime is ${q(created)}; expected YYYY-MM-DDThh:mm:ssZ`);
  }
  s.headRecord = head;
  return s.context(n, L.written);
}
