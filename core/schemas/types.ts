// TypeScript shapes of the Avro schemas in this folder. Keep them in step with the .avsc
// files: core/schemas/schemas.test.ts encodes a sample of each through avsc.

export type UsageFormat = 'DSR' | 'CSV';

export interface Resource {
  resourceRef: string | null;
  dspResourceId: string | null;
  /** normalised: upper case, no hyphens */
  isrc: string | null;
  title: string | null;
  subTitle: string | null;
  displayArtists: string[];
  durationSeconds: number | null;
  resourceType: string | null;
  /** normalised: T + 10 digits */
  iswc: string | null;
  composers: string[];
  publishers: string[];
  sourceLineNumber: number | null;
}

export interface Release {
  releaseRef: string | null;
  dspReleaseId: string | null;
  icpn: string | null;
  title: string | null;
  displayArtists: string[];
  label: string | null;
}

export interface Summary {
  summaryRecordId: string | null;
  recordType: string;
  commercialModel: string | null;
  useType: string | null;
  territory: string | null;
  currency: string | null;
  /** decimal as text, exact */
  netRevenue: string | null;
  totalUsages: number | null;
  lineNumber: number | null;
}

export interface UsageLine {
  lineId: string;
  fileId: string;
  lineNumber: number;
  sender: string;
  format: UsageFormat;
  recordType: string;
  salesTransactionId: string | null;
  usages: number;
  useType: string | null;
  commercialModel: string | null;
  territory: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  isRoyaltyBearing: boolean | null;
  /** decimal as text, exact */
  priceConsumerPaid: string | null;
  currency: string | null;
  resources: Resource[];
  release: Release | null;
  summary: Summary | null;
  extra: Record<string, string>;
}

export type FileEventType = 'RECEIVED' | 'SPLIT_STARTED' | 'SPLIT_COMPLETED' | 'REJECTED';

export interface LineCounts {
  lines: number;
  emitted: number;
  deadLettered: number;
  /** header, summary, block, heading and footer lines */
  context: number;
}

export interface FileEvent {
  fileId: string;
  type: FileEventType;
  at: Date;
  fileName: string;
  sender: string;
  sha256: string;
  sizeBytes: number;
  format: string | null;
  reason: string | null;
  counts: LineCounts | null;
  footerCheck: string | null;
  systemic: boolean;
  warnings: string[];
}

export interface Writer {
  name: string;
  ipi: string | null;
  role: string | null;
  society: string | null;
  /** 10000 = 100 % */
  shareBasisPoints: number;
}

export interface Publisher {
  name: string;
  ipi: string | null;
  society: string | null;
  /** 10000 = 100 % */
  shareBasisPoints: number;
}

export interface Work {
  workId: string;
  iswc: string | null;
  title: string;
  alternativeTitles: string[];
  writers: Writer[];
  publishers: Publisher[];
  performers: string[];
  source: string;
}

export interface Link {
  workId: string | null;
  iswc: string | null;
  title: string | null;
  source: string;
  assertedAt: Date;
}

export interface RecordingLink {
  isrc: string;
  links: Link[];
}

export type MatchMethod = 'ISRC_LINK' | 'ISWC' | 'TITLE_SIMILARITY';

export interface MatchedUsage {
  lineId: string;
  fileId: string;
  line: UsageLine;
  workId: string;
  iswc: string | null;
  writers: Writer[];
  publishers: Publisher[];
  method: MatchMethod;
  confidence: number;
  linkSource: string | null;
  rematch: boolean;
  /** which resource of the line (0-based); release-level lines are matched per resource */
  partIndex: number;
  /** parts the line was matched as; usage is spread evenly; de-duplicate by (lineId, partIndex) */
  partCount: number;
}

export interface UnmatchedUsage {
  lineId: string;
  fileId: string;
  line: UsageLine;
  rulesTried: string[];
  reason: string;
  bestCandidateWorkId: string | null;
  bestCandidateScore: number | null;
}

export interface ExportFileWritten {
  path: string;
  kind: 'STATEMENT' | 'CLAIM';
  period: string;
  rightsHolderId: string | null;
  reportFileId: string | null;
  sender: string | null;
  sha256: string;
  sizeBytes: number;
  rows: number;
  /** per currency; amount is decimal text, exact */
  totals: { currency: string; usages: number; amount: string }[];
}

/** Schema name (the .avsc file's base name) to its TypeScript shape. */
export interface SchemaTypes {
  UsageLine: UsageLine;
  FileEvent: FileEvent;
  Work: Work;
  RecordingLink: RecordingLink;
  MatchedUsage: MatchedUsage;
  UnmatchedUsage: UnmatchedUsage;
  ExportFileWritten: ExportFileWritten;
}

export type SchemaName = keyof SchemaTypes;
