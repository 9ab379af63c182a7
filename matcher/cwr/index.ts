// CISAC CWR 2.1 / 2.2 works registrations: reference data for matching (works, writers,
// publishers, shares, performers, ISRC → work links).
//
// Read: HDR, GRH, GRT, TRL; NWR, REV, ISW transactions with SPU, OPU, SPT, SWR, OWR, SWT,
// PWR, ALT, PER, REC, VER, EWT, ORN (order and fields checked). Accepted inside a work
// transaction but not read: NPN, NWN, NAT, NET, NCT, NVT, NOW, NPR, INS, IND, COM, ARI, XRF.
// Counted but giving no works: AGR, ACK and EXC transactions. Not read: CWR 3.0 / 3.1.
//
// Where: the line loop in parser.ts; HDR, GRH, GRT, TRL in control-records.ts; a work
// transaction (NWR, REV, ISW header, detail order) in work-transaction.ts; what each detail
// record gives (SPU … REC) in work-details.ts, DETAIL_RECORDS; the columns of every record in
// layouts.ts; reading a field by its kind in records.ts.

export { decodeCwr, parseCwr } from './parser.ts';
export type {
  CwrCounts,
  CwrHeader,
  CwrIssue,
  CwrParseOptions,
  CwrRejection,
  CwrResult,
  CwrTransaction,
  CwrTransactionType,
} from './result.ts';
export { LAYOUTS, layoutOf } from './layouts.ts';
export {
  parseRecord,
  readField,
  CwrRecord,
  type CwrVersion,
  type FieldDef,
  type FieldKind,
  type RecordLayout,
} from './records.ts';
export { societyName } from './societies.ts';
