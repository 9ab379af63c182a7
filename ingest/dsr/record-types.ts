/**
 * Cell layouts of the DSR flat-file record types this parser reads, per version.
 *
 * Sources: DSR Part 8 record definitions (dsr8.ddex.net), the profile XSDs and test data of
 * ddexnet/dsrf (BasicAudioProfile 1.2, UgcProfile 1.0), and the `#` heading lines of real
 * sample files (which is where e.g. SY01.02, RE01.02, AS02.03, SU02.02, SY02.01, MW01.01,
 * SU03.01 and LI01.01 come from). Names are canonical: a heading may spell a cell
 * differently (`ComposerAuthorName`, `LabelName`, `NumberofFiles`, `Currency`,
 * `NumberOfLinesInReport ` with a trailing space); canonicalCellName maps those spellings to
 * the names used here.
 *
 * Version rules: a record type may be written with a version (`SU02.02`), without one
 * (`SU02`), or in the compact form `SU0202`. Unknown versions of a known type are read with
 * the nearest known version (ties go to the older one); an unversioned type uses its
 * unversioned layout if there is one, else the oldest known version. A `#` heading line for
 * a record type overrides the built-in layout for that type (see resolveRecord).
 */

export type CellKind =
  | 'text'
  | 'int'
  /** a usage count: an integer, or a decimal (UGC profiles allow fractional usages) */
  | 'count'
  | 'decimal'
  | 'bool'
  | 'date'
  | 'datetime'
  | 'duration'
  | 'isrc'
  | 'iswc';

export type RecordRole = 'head' | 'summary' | 'release' | 'resource' | 'work' | 'usage' | 'footer' | 'other';

interface BaseDefinition {
  role: RecordRole;
  /** version ('' = unversioned) to space-separated cell names, RecordType excluded */
  versions: Record<string, string>;
  /** cells that must be present and non-empty (canonical names) */
  required: string[];
  /** the cell holding the number of usages, for usage records */
  countCell?: string;
  /**
   * Only the leading cells of this layout are confirmed; non-empty cells after them are kept
   * (as `Cell<n>` in extra) instead of being a WRONG_CELL_COUNT.
   */
  open?: boolean;
}

const SUMMARY_REQUIRED = ['SummaryRecordId', 'CommercialModel', 'Territory'];
const SY_LEAD =
  'SummaryRecordId DistributionChannel DistributionChannelDPID CommercialModel UseType Territory ServiceDescription';

const RESOURCE_LEAD =
  'BlockId ResourceReference DspResourceId ISRC Title SubTitle DisplayArtistName DisplayArtistPartyId Duration ResourceType';
const WORK_PARTIES =
  'ComposerAuthor ComposerAuthorPartyId Arranger ArrangerPartyId MusicPublisher MusicPublisherPartyId WorkContributor WorkContributorPartyId';
const WORK_CELLS = `ISWC ${WORK_PARTIES}`;
const RELEASE_LEAD =
  'BlockId ReleaseReference DspReleaseId ProprietaryReleaseId CatalogNumber ICPN DisplayArtistName DisplayArtistPartyId Title SubTitle ReleaseType Label PLine DataProvider';
const SALES_LEAD =
  'BlockId SummaryRecordId SalesTransactionId TransactedRelease TransactedResource IsRoyaltyBearing';

export const RECORD_DEFINITIONS: Readonly<Record<string, BaseDefinition>> = {
  HEAD: {
    role: 'head',
    versions: {
      '':
        'MessageVersion Profile ProfileVersion MessageId MessageCreatedDateTime FileNumber NumberOfFiles UsageStartDate UsageEndDate ' +
        'SenderPartyId SenderName ServiceDescription RecipientPartyId RecipientName RepresentedRepertoire',
    },
    required: [],
  },
  // Header variant of the ddexnet/dsrf parser test data (test_file_parser.tsv).
  FHEA: { role: 'head', versions: { '': 'MessageId FileNumber NumberOfFiles' }, required: [] },
  FOOT: {
    role: 'footer',
    versions: {
      '': 'NumberOfLinesInFile NumberOfLinesInReport NumberOfSummaryRecords NumberOfBlocksInFile NumberOfBlocksInReport',
    },
    required: [],
  },
  // Footer variant of the ddexnet/dsrf parser test data.
  FFOO: { role: 'footer', versions: { '': 'NumberOfLines' }, required: [] },

  SY01: {
    role: 'summary',
    versions: {
      // BasicAudioProfile 1.2 XSD
      '01': `${SY_LEAD} Usages Subscribers CurrencyOfReporting NetRevenue IndirectNetRevenue CurrencyOfTransaction ExchangeRate`,
      // heading of the BasicAudioProfile 1.3 sample
      '02': `${SY_LEAD} TotalUsages Subscribers CurrencyOfReporting NetRevenue IndirectValue CurrencyOfTransaction ExchangeRate`,
    },
    required: SUMMARY_REQUIRED,
  },
  SY02: {
    role: 'summary',
    versions: {
      // heading of the unversioned UGC test file (ddexnet/dsrf DSR_TEST2_…)
      '': `${SY_LEAD} Usages Users CurrencyOfReporting NetRevenue RightsController RightsControllerPartyId AllocatedUsages AmountPayable AllocatedNetRevenue`,
      // heading of the UgcProfile 1.0 sample
      '01': `${SY_LEAD} Usages Users CurrencyOfReporting NetRevenue RightsController RightsControllerPartyId AllocatedUsages AllocatedRevenue AllocatedNetRevenue RightsType`,
      // BasicAudioProfile 1.2 XSD
      '02':
        `${SY_LEAD} Usages Users CurrencyOfReporting NetRevenue RightsController RightsControllerPartyId AllocatedUsages AllocatedRevenue ` +
        'AllocatedNetRevenue RightsType ContentCategory CurrencyOfTransaction ExchangeRate RightsTypePercentage',
      // heading of a BasicAudioProfile 1.3 test file (Orfium/dsrf-parser-poc)
      '03':
        `${SY_LEAD} Usages Users CurrencyOfReporting NetRevenue RightsController RightsControllerPartyId AllocatedUsages AllocatedRevenue ` +
        'AllocatedNetRevenue RightsType ContentCategory ExchangeRateBaseCurrency ExchangeRate RightsTypePercentage',
    },
    required: SUMMARY_REQUIRED,
  },
  SY03: {
    role: 'summary',
    // dsr8 5.2.3 SY03.01; only cells 1-9 could be confirmed, hence open.
    versions: { '01': `${SY_LEAD} TotalUsages` },
    required: SUMMARY_REQUIRED,
    open: true,
  },
  SY04: {
    role: 'summary',
    versions: {
      '02':
        `${SY_LEAD} SubscriberType Subscribers SubPeriodStartDate SubPeriodEndDate TotalUsagesInSubPeriod TotalUsagesInReportingPeriod ` +
        'CurrencyOfReporting CurrencyOfTransaction ExchangeRate ConsumerPaidUnitPrice NetRevenue MusicUsagePercentage',
    },
    required: SUMMARY_REQUIRED,
  },
  SY05: {
    role: 'summary',
    versions: {
      '03':
        `${SY_LEAD} RightsController RightsControllerPartyId RightsType TotalUsages AllocatedUsages MusicUsageRatio AllocatedNetRevenue ` +
        'AllocatedRevenue RightsControllerMarketShare CurrencyOfReporting CurrencyOfTransaction ExchangeRate SubPeriodStartDate ' +
        'SubPeriodEndDate ContentCategory RightsTypePercentage',
    },
    required: SUMMARY_REQUIRED,
  },

  RE01: {
    role: 'release',
    versions: { '': RELEASE_LEAD, '02': `${RELEASE_LEAD} ReleaseDate` },
    required: ['BlockId', 'ReleaseReference'],
  },
  RE02: {
    role: 'release',
    versions: { '': 'BlockId ReleaseReference DspSubReleaseId ProprietarySubReleaseId UsedResources' },
    required: ['BlockId', 'ReleaseReference'],
  },
  AS01: {
    role: 'resource',
    versions: {
      '': RESOURCE_LEAD,
      '01': `${RESOURCE_LEAD} IsMasterRecording`,
      '02': `${RESOURCE_LEAD} IsMasterRecording IsSubjectToOwnershipConflict LastConflictCheck`,
    },
    required: ['BlockId', 'ResourceReference'],
  },
  AS02: {
    role: 'resource',
    versions: {
      '02': `${RESOURCE_LEAD} ${WORK_CELLS} ProprietaryWorkId IsMasterRecording`,
      '03': `${RESOURCE_LEAD} ${WORK_CELLS} ProprietaryWorkId IsMasterRecording IsSubjectToOwnershipConflict LastConflictCheck`,
    },
    required: ['BlockId', 'ResourceReference'],
  },
  MW01: {
    role: 'work',
    versions: {
      '01': `BlockId DspWorkId ISWC Title SubTitle ${WORK_PARTIES} DataProvider ProprietaryWorkId`,
      '02': `BlockId DspWorkId ISWC Title SubTitle ${WORK_PARTIES} DataProvider ProprietaryWorkId ResourceReference ParentLicensorDataRecordId ParentMasterlistId`,
    },
    required: ['BlockId'],
  },
  SU01: {
    role: 'usage',
    versions: {
      '': `${SALES_LEAD} SalesUpgrade Usages Returns PriceConsumerPaidExcSalesTax PromotionalActivity`,
      '02': `${SALES_LEAD} SalesUpgrade Usages Returns PriceConsumerPaidExcSalesTax PromotionalActivity UseType`,
    },
    required: ['BlockId', 'SummaryRecordId', 'Usages'],
    countCell: 'Usages',
  },
  SU02: {
    role: 'usage',
    versions: {
      '': `${SALES_LEAD} NumberOfStreams PriceConsumerPaidExcSalesTax PromotionalActivity`,
      '02': `${SALES_LEAD} NumberOfStreams PriceConsumerPaidExcSalesTax PromotionalActivity UseType`,
    },
    required: ['BlockId', 'SummaryRecordId', 'NumberOfStreams'],
    countCell: 'NumberOfStreams',
  },
  SU03: {
    role: 'usage',
    // UgcProfile 1.0 sample heading; its cell 5 is headed DspReleaseId but carries the
    // resource id, and SU03.02 (dsr8 5.6.3) names it DspResourceId.
    versions: {
      '01': 'BlockId SalesTransactionId SummaryRecordId DspResourceId Usages NetRevenue ValidityPeriodStart ValidityPeriodEnd',
    },
    required: ['BlockId', 'Usages'],
    countCell: 'Usages',
  },
  RU01: {
    role: 'other',
    versions: { '': 'BlockId SummaryRecordId DspReleaseId Usages' },
    required: ['BlockId'],
  },
  LI01: {
    role: 'other',
    versions: {
      '01': 'BlockId SummaryRecordId RightsController RightsControllerPartyId RightsControllerWorkId RightSharePercentage RightsType AllocatedNetRevenue AllocatedAmount',
    },
    required: ['BlockId'],
  },
};

/** Lower case, letters and digits only: the key under which cell-name spellings are compared. */
export function normaliseCellName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Other spellings seen in files, headings and spec versions, to canonical names. */
const ALIASES: Record<string, string> = {
  ComposerAuthorName: 'ComposerAuthor',
  ArrangerName: 'Arranger',
  ArrangePartyID: 'ArrangerPartyId',
  MusicPublisherName: 'MusicPublisher',
  WorkContributorName: 'WorkContributor',
  LabelName: 'Label',
  DataProviderName: 'DataProvider',
  Currency: 'CurrencyOfReporting',
  TransactedReleaseReference: 'TransactedRelease',
  TransactedResourceReference: 'TransactedResource',
  NumberOfUsages: 'Usages',
  CommercialModelType: 'CommercialModel',
  SummaryRecordType: 'SummaryRecordId', // a typo in dsr8 SY03.01/SY04.02
  ServiceType: 'ServiceDescription', // a typo in dsr8 SY03.01
  NumberOfBlocksInRecord: 'NumberOfBlocksInReport', // a typo in the UgcProfile 1.0 XSD
  'RightShare%': 'RightSharePercentage',
  RightType: 'RightsType',
  RightsControllerProprietaryID: 'RightsControllerPartyId',
  ReleaseTitle: 'Title',
  ResourceTitle: 'Title',
};

const KINDS: Record<string, CellKind> = {
  FileNumber: 'int',
  NumberOfFiles: 'int',
  NumberOfLinesInFile: 'int',
  NumberOfLinesInReport: 'int',
  NumberOfSummaryRecords: 'int',
  NumberOfBlocksInFile: 'int',
  NumberOfBlocksInReport: 'int',
  NumberOfLines: 'int',
  Users: 'int',
  NumberOfStreams: 'count',
  Usages: 'count',
  TotalUsages: 'count',
  TotalUsagesInSubPeriod: 'count',
  TotalUsagesInReportingPeriod: 'count',
  Returns: 'count',
  AllocatedUsages: 'decimal',
  Subscribers: 'decimal',
  NetRevenue: 'decimal',
  IndirectNetRevenue: 'decimal',
  IndirectValue: 'decimal',
  ExchangeRate: 'decimal',
  PriceConsumerPaidExcSalesTax: 'decimal',
  AllocatedRevenue: 'decimal',
  AllocatedNetRevenue: 'decimal',
  AllocatedAmount: 'decimal',
  AmountPayable: 'decimal',
  RightSharePercentage: 'decimal',
  RightsTypePercentage: 'decimal',
  ConsumerPaidUnitPrice: 'decimal',
  MusicUsagePercentage: 'decimal',
  MusicUsageRatio: 'decimal',
  RightsControllerMarketShare: 'decimal',
  IsRoyaltyBearing: 'bool',
  SalesUpgrade: 'bool',
  IsMasterRecording: 'bool',
  IsSubjectToOwnershipConflict: 'bool',
  UsageStartDate: 'date',
  UsageEndDate: 'date',
  ValidityPeriodStart: 'date',
  ValidityPeriodEnd: 'date',
  ReleaseDate: 'date',
  SubPeriodStartDate: 'date',
  SubPeriodEndDate: 'date',
  MessageCreatedDateTime: 'datetime',
  Duration: 'duration',
  ISRC: 'isrc',
  ISWC: 'iswc',
};

const canonicalByKey = new Map<string, string>();
for (const def of Object.values(RECORD_DEFINITIONS)) {
  for (const layout of Object.values(def.versions)) {
    for (const name of layout.split(' ')) canonicalByKey.set(normaliseCellName(name), name);
  }
}
for (const name of Object.keys(KINDS)) canonicalByKey.set(normaliseCellName(name), name);
for (const [alias, name] of Object.entries(ALIASES)) canonicalByKey.set(normaliseCellName(alias), name);

/** The canonical name for a cell name as written (case, spacing and known variant spellings ignored). */
export function canonicalCellName(name: string): string {
  const trimmed = name.trim();
  return canonicalByKey.get(normaliseCellName(trimmed)) ?? trimmed;
}

/** True when the name (any spelling) is one this parser knows. */
export function isKnownCellName(name: string): boolean {
  return canonicalByKey.has(normaliseCellName(name));
}

export function cellKind(canonical: string): CellKind {
  return KINDS[canonical] ?? 'text';
}

export interface RecordTypeName {
  /** e.g. SU02 */
  base: string;
  /** e.g. 02, or '' when the type was written without version */
  version: string;
}

/** Splits a record type as written (`SU02.02`, `SU02`, `SU0202`, `su02.02`) into base and version. */
export function parseRecordTypeName(written: string): RecordTypeName | null {
  const t = written.trim().toUpperCase();
  if (t.length === 4) return /^[A-Z]{2}[A-Z0-9]{2}$/.test(t) ? { base: t, version: '' } : null;
  let m = /^([A-Z]{2}[A-Z0-9]{2})\.(\d{1,2})$/.exec(t);
  if (m) return { base: m[1] as string, version: (m[2] as string).padStart(2, '0') };
  m = /^([A-Z]{2}\d{2})(\d{2})$/.exec(t);
  if (m) return { base: m[1] as string, version: m[2] as string };
  return null;
}

export function knownRecordTypes(): string[] {
  return Object.keys(RECORD_DEFINITIONS);
}

export function isKnownBase(base: string): boolean {
  return Object.prototype.hasOwnProperty.call(RECORD_DEFINITIONS, base);
}

/** A record layout ready for use on lines. */
export interface RecordLayout {
  /** the record type as written in the file (trimmed), e.g. SU02.02 */
  written: string;
  base: string;
  version: string;
  role: RecordRole;
  /** 'heading' when a `#` line of the file defined the cell names */
  source: 'builtin' | 'heading';
  /** the built-in version used ('' = unversioned); for a fallback this differs from version */
  layoutVersion: string;
  /** true when the written version is unknown and the nearest known version is used */
  fallback: boolean;
  /** cell names as given (heading or table), index = cell position; [0] is RecordType */
  names: string[];
  canonical: string[];
  kinds: CellKind[];
  /** number of cells including RecordType */
  width: number;
  /** positions of required cells */
  required: number[];
  /** required cells this layout (a heading) has no column for */
  missingRequired: string[];
  /** positions of cells with a kind other than text */
  typed: number[];
  open: boolean;
  countCell: number;
  /** first position of each canonical name */
  index: Map<string, number>;
}

function pickVersion(
  versions: Record<string, string>,
  wanted: string,
): { version: string; fallback: boolean } {
  if (Object.prototype.hasOwnProperty.call(versions, wanted)) return { version: wanted, fallback: false };
  const known = Object.keys(versions);
  if (wanted === '') {
    // oldest versioned layout
    known.sort((a, b) => Number(a) - Number(b));
    return { version: known[0] as string, fallback: false };
  }
  const w = Number(wanted);
  let best = known[0] as string;
  let bestDistance = Infinity;
  for (const v of known) {
    const n = v === '' ? 0 : Number(v);
    const d = Math.abs(n - w);
    const bestN = best === '' ? 0 : Number(best);
    if (d < bestDistance || (d === bestDistance && n < bestN)) {
      best = v;
      bestDistance = d;
    }
  }
  return { version: best, fallback: true };
}

/** Builds the layout of a record type from explicit cell names (after the RecordType cell). */
export function buildLayout(
  written: string,
  type: RecordTypeName,
  names: string[],
  source: 'builtin' | 'heading',
  layoutVersion: string,
  fallback: boolean,
): RecordLayout {
  const def = RECORD_DEFINITIONS[type.base] as BaseDefinition;
  const allNames = ['RecordType', ...names];
  const canonical = allNames.map((n, i) => (i === 0 ? 'RecordType' : canonicalCellName(n)));
  const kinds = canonical.map((c) => cellKind(c));
  const index = new Map<string, number>();
  canonical.forEach((c, i) => {
    if (!index.has(c)) index.set(c, i);
  });
  const required: number[] = [];
  const missingRequired: string[] = [];
  for (const r of def.required) {
    const at = index.get(r);
    if (at === undefined) missingRequired.push(r);
    else required.push(at);
  }
  const typed: number[] = [];
  kinds.forEach((k, i) => {
    if (k !== 'text' && i > 0) typed.push(i);
  });
  return {
    written,
    base: type.base,
    version: type.version,
    role: def.role,
    source,
    layoutVersion,
    fallback,
    names: allNames,
    canonical,
    kinds,
    width: allNames.length,
    required,
    missingRequired,
    typed,
    open: source === 'builtin' && def.open === true,
    countCell: def.countCell ? (index.get(def.countCell) ?? -1) : -1,
    index,
  };
}

/**
 * The layout for a record type as written, or null when the type is not known.
 * `headings` maps upper-cased record types from `#` lines (as written, e.g. `SU02.02` or
 * `SY02`) to their cell names; a heading for the exact type wins, then an unversioned heading
 * for the base type, then the built-in table.
 */
export function resolveRecord(
  written: string,
  headings?: ReadonlyMap<string, string[]>,
): RecordLayout | null {
  const type = parseRecordTypeName(written);
  if (!type) return null;
  const def = RECORD_DEFINITIONS[type.base];
  if (!def) return null;
  const trimmed = written.trim();
  if (headings && headings.size > 0) {
    const exact = headings.get(trimmed.toUpperCase());
    const names = exact ?? headings.get(type.base);
    if (names) return buildLayout(trimmed, type, names, 'heading', type.version, false);
  }
  const picked = pickVersion(def.versions, type.version);
  const layout = def.versions[picked.version] as string;
  return buildLayout(trimmed, type, layout.split(' '), 'builtin', picked.version, picked.fallback);
}

/** The built-in cell names (RecordType excluded) of a record type and version, for documentation and tests. */
export function builtinCellNames(base: string, version: string): string[] | null {
  const def = RECORD_DEFINITIONS[base];
  const layout = def?.versions[version];
  return layout === undefined ? null : layout.split(' ');
}
