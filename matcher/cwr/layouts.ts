// Fixed-width record layouts of CISAC CWR 2.1 and 2.2 (the records tallyline reads).
//
// Positions are 1-based columns as in the CISAC specification. Every record inside a
// transaction starts with record type (1-3), transaction sequence (4-11) and record
// sequence (12-19); its data starts at column 20. CWR 2.2 adds fields at the end of some
// records (HDR, PWR, REC); those carry `since: '2.2'` and are read only from 2.2 files.
//
// Sources: CISAC CWR 2.1 functional specification (CWR11-1991R1) and 2.2 (CWR19-1070), as
// reflected by weso/CWR-DataApi, cdacos/allegro and django-music-publisher's templates; the
// positions agree with the two shared sample files column for column.

import type { CwrVersion, FieldDef, FieldKind, RecordLayout } from './records.ts';

function f(
  name: string,
  start: number,
  length: number,
  kind: FieldKind = 'text',
  since?: CwrVersion,
): FieldDef {
  return since ? { name, start, length, kind, since } : { name, start, length, kind };
}

/** Record type, transaction sequence and record sequence: the prefix of every transaction record. */
const PREFIX: readonly FieldDef[] = [
  f('transactionSequence', 4, 8, 'numeric'),
  f('recordSequence', 12, 8, 'numeric'),
];

function layout(recordType: string, description: string, fields: FieldDef[], prefixed = true): RecordLayout {
  return { recordType, description, fields: prefixed ? [...PREFIX, ...fields] : fields };
}

const HDR = layout(
  'HDR',
  'transmission header',
  [
    f('senderType', 4, 2),
    f('senderId', 6, 9),
    f('senderName', 15, 45),
    f('ediStandardVersion', 60, 5),
    f('creationDate', 65, 8, 'date'),
    f('creationTime', 73, 6, 'time'),
    f('transmissionDate', 79, 8, 'date'),
    f('characterSet', 87, 15),
    f('cwrVersion', 102, 3, 'text', '2.2'),
    f('cwrRevision', 105, 3, 'numeric', '2.2'),
    f('softwarePackage', 108, 30, 'text', '2.2'),
    f('softwarePackageVersion', 138, 30, 'text', '2.2'),
  ],
  false,
);

const GRH = layout(
  'GRH',
  'group header',
  [
    f('transactionType', 4, 3),
    f('groupId', 7, 5, 'numeric'),
    f('versionNumber', 12, 5),
    f('batchRequestId', 17, 10, 'numeric'),
    f('submissionDistributionType', 27, 2),
  ],
  false,
);

const GRT = layout(
  'GRT',
  'group trailer',
  [
    f('groupId', 4, 5, 'numeric'),
    f('transactionCount', 9, 8, 'numeric'),
    f('recordCount', 17, 8, 'numeric'),
    f('currencyIndicator', 25, 3),
    f('totalMonetaryValue', 28, 10),
  ],
  false,
);

const TRL = layout(
  'TRL',
  'transmission trailer',
  [
    f('groupCount', 4, 5, 'numeric'),
    f('transactionCount', 9, 8, 'numeric'),
    f('recordCount', 17, 8, 'numeric'),
  ],
  false,
);

const WORK_FIELDS: FieldDef[] = [
  f('title', 20, 60),
  f('languageCode', 80, 2),
  f('submitterWorkNumber', 82, 14),
  f('iswc', 96, 11),
  f('copyrightDate', 107, 8),
  f('copyrightNumber', 115, 12),
  f('musicalWorkDistributionCategory', 127, 3),
  f('duration', 130, 6, 'time'),
  f('recordedIndicator', 136, 1),
  f('textMusicRelationship', 137, 3),
  f('compositeType', 140, 3),
  f('versionType', 143, 3),
  f('excerptType', 146, 3),
  f('musicArrangement', 149, 3),
  f('lyricAdaptation', 152, 3),
  f('contactName', 155, 30),
  f('contactId', 185, 10),
  f('cwrWorkType', 195, 2),
  f('grandRightsIndicator', 197, 1),
  f('compositeComponentCount', 198, 3),
  f('datePublicationPrintedEdition', 201, 8),
  f('exceptionalClause', 209, 1),
  f('opusNumber', 210, 25),
  f('catalogueNumber', 235, 25),
  f('priorityFlag', 260, 1),
];

const PUBLISHER_FIELDS: FieldDef[] = [
  f('publisherSequence', 20, 2, 'numeric'),
  f('interestedPartyNumber', 22, 9),
  f('publisherName', 31, 45),
  f('publisherUnknownIndicator', 76, 1),
  f('publisherType', 77, 2),
  f('taxId', 79, 9),
  f('publisherIpiNameNumber', 88, 11, 'numeric'),
  f('submitterAgreementNumber', 99, 14),
  f('prSociety', 113, 3),
  f('prOwnershipShare', 116, 5, 'share'),
  f('mrSociety', 121, 3),
  f('mrOwnershipShare', 124, 5, 'share'),
  f('srSociety', 129, 3),
  f('srOwnershipShare', 132, 5, 'share'),
  f('specialAgreementsIndicator', 137, 1),
  f('firstRecordingRefusalIndicator', 138, 1),
  f('filler', 139, 1),
  f('publisherIpiBaseNumber', 140, 13),
  f('internationalStandardAgreementCode', 153, 14),
  f('societyAssignedAgreementNumber', 167, 14),
  f('agreementType', 181, 2),
  f('usaLicenseIndicator', 183, 1),
];

const WRITER_FIELDS: FieldDef[] = [
  f('interestedPartyNumber', 20, 9),
  f('writerLastName', 29, 45),
  f('writerFirstName', 74, 30),
  f('writerUnknownIndicator', 104, 1),
  f('writerDesignationCode', 105, 2),
  f('taxId', 107, 9),
  f('writerIpiNameNumber', 116, 11, 'numeric'),
  f('prSociety', 127, 3),
  f('prOwnershipShare', 130, 5, 'share'),
  f('mrSociety', 135, 3),
  f('mrOwnershipShare', 138, 5, 'share'),
  f('srSociety', 143, 3),
  f('srOwnershipShare', 146, 5, 'share'),
  f('reversionaryIndicator', 151, 1),
  f('firstRecordingRefusalIndicator', 152, 1),
  f('workForHireIndicator', 153, 1),
  f('filler', 154, 1),
  f('writerIpiBaseNumber', 155, 13),
  f('personalNumber', 168, 12),
  f('usaLicenseIndicator', 180, 1),
];

const ORIGINAL_WORK_FIELDS: FieldDef[] = [
  f('title', 20, 60),
  f('iswc', 80, 11),
  f('languageCode', 91, 2),
  f('writer1LastName', 93, 45),
  f('writer1FirstName', 138, 30),
  f('source', 168, 60),
  f('writer1IpiNameNumber', 228, 11),
  f('writer1IpiBaseNumber', 239, 13),
  f('writer2LastName', 252, 45),
  f('writer2FirstName', 297, 30),
  f('writer2IpiNameNumber', 327, 11),
  f('writer2IpiBaseNumber', 338, 13),
  f('submitterWorkNumber', 351, 14),
];

const TERRITORY_SHARE_TAIL = (at: number): FieldDef[] => [
  f('prCollectionShare', at, 5, 'share'),
  f('mrCollectionShare', at + 5, 5, 'share'),
  f('srCollectionShare', at + 10, 5, 'share'),
  f('inclusionExclusionIndicator', at + 15, 1),
  f('tisNumericCode', at + 16, 4, 'numeric'),
  f('sharesChange', at + 20, 1),
  f('sequenceNumber', at + 21, 3, 'numeric'),
];

const LAYOUT_LIST: RecordLayout[] = [
  HDR,
  GRH,
  GRT,
  TRL,
  layout('NWR', 'new work registration', WORK_FIELDS),
  layout('REV', 'revised registration', WORK_FIELDS),
  layout('ISW', 'notification of ISWC assigned to a work', WORK_FIELDS),
  layout('EXC', 'existing work which is in conflict with a work registration', WORK_FIELDS),
  layout('SPU', 'publisher controlled by submitter', PUBLISHER_FIELDS),
  layout('OPU', 'other publisher', PUBLISHER_FIELDS),
  layout('SPT', 'publisher territory of control', [
    f('interestedPartyNumber', 20, 9),
    f('constant', 29, 6),
    ...TERRITORY_SHARE_TAIL(35),
  ]),
  layout('SWR', 'writer controlled by submitter', WRITER_FIELDS),
  layout('OWR', 'other writer', WRITER_FIELDS),
  layout('SWT', 'writer territory of control', [
    f('interestedPartyNumber', 20, 9),
    ...TERRITORY_SHARE_TAIL(29),
  ]),
  layout('PWR', 'publisher for writer', [
    f('publisherIpNumber', 20, 9),
    f('publisherName', 29, 45),
    f('submitterAgreementNumber', 74, 14),
    f('societyAssignedAgreementNumber', 88, 14),
    f('writerIpNumber', 102, 9),
    f('publisherSequence', 111, 2, 'numeric', '2.2'),
  ]),
  layout('ALT', 'alternate title', [
    f('alternateTitle', 20, 60),
    f('titleType', 80, 2),
    f('languageCode', 82, 2),
  ]),
  layout('EWT', 'entire work title for excerpts', ORIGINAL_WORK_FIELDS),
  layout('VER', 'original work title for versions', ORIGINAL_WORK_FIELDS),
  layout('PER', 'performing artist', [
    f('performingArtistLastName', 20, 45),
    f('performingArtistFirstName', 65, 30),
    f('performingArtistIpiNameNumber', 95, 11),
    f('performingArtistIpiBaseNumber', 106, 13),
  ]),
  layout('REC', 'recording detail', [
    f('firstReleaseDate', 20, 8),
    f('constant', 28, 60),
    f('firstReleaseDuration', 88, 6),
    f('constant2', 94, 5),
    f('firstAlbumTitle', 99, 60),
    f('firstAlbumLabel', 159, 60),
    f('firstReleaseCatalogNumber', 219, 18),
    f('ean', 237, 13),
    f('isrc', 250, 12),
    f('recordingFormat', 262, 1),
    f('recordingTechnique', 263, 1),
    f('mediaType', 264, 3),
    f('recordingTitle', 267, 60, 'text', '2.2'),
    f('versionTitle', 327, 60, 'text', '2.2'),
    f('displayArtist', 387, 60, 'text', '2.2'),
    f('recordLabel', 447, 60, 'text', '2.2'),
    f('isrcValidity', 507, 20, 'text', '2.2'),
    f('submitterRecordingIdentifier', 527, 14, 'text', '2.2'),
  ]),
  layout('ORN', 'work origin', [
    f('intendedPurpose', 20, 3),
    f('productionTitle', 23, 60),
    f('cdIdentifier', 83, 15),
    f('cutNumber', 98, 4),
    f('library', 102, 60),
    f('bltvr', 162, 1),
    f('vIsan', 163, 25),
    f('productionNumber', 188, 12),
    f('episodeTitle', 200, 60),
    f('episodeNumber', 260, 20),
    f('yearOfProduction', 280, 4),
    f('aviSocietyCode', 284, 3),
    f('audioVisualNumber', 287, 15),
  ]),
];

/** Layouts by record type. */
export const LAYOUTS: ReadonlyMap<string, RecordLayout> = new Map(LAYOUT_LIST.map((l) => [l.recordType, l]));

/** The layout of a record type; a type without one reads as its prefix (record type and sequence numbers) only. */
export function layoutOf(recordType: string): RecordLayout {
  return (
    LAYOUTS.get(recordType) ?? { recordType, description: 'record read by its prefix only', fields: PREFIX }
  );
}

/** Record types that open a transaction in a work registration group (NWR, REV, ISW groups). */
export const WORK_TRANSACTION_TYPES: ReadonlySet<string> = new Set(['NWR', 'REV', 'ISW']);

/** Record types that open a transaction in any group (work, conflict, agreement, acknowledgement). */
export const TRANSACTION_TYPES: ReadonlySet<string> = new Set(['NWR', 'REV', 'ISW', 'EXC', 'AGR', 'ACK']);

/**
 * Detail records a work transaction may hold. The ones without a layout above (instrumentation,
 * components, non-Roman alphabet titles and names, additional information, cross references)
 * are accepted and skipped: they carry nothing a `Work` holds.
 */
export const WORK_DETAIL_TYPES: ReadonlySet<string> = new Set([
  'SPU',
  'NPN',
  'SPT',
  'OPU',
  'SWR',
  'NWN',
  'SWT',
  'PWR',
  'OWR',
  'ALT',
  'NAT',
  'EWT',
  'NET',
  'VER',
  'NVT',
  'PER',
  'NPR',
  'REC',
  'ORN',
  'INS',
  'IND',
  'COM',
  'NCT',
  'NOW',
  'ARI',
  'XRF',
]);

/**
 * Coarse order of the detail records of a work transaction in the specification:
 * publishers (with their territories) first, then writers (with territories and their
 * publishers), then everything else. A record of a lower rank after a higher one is out of order.
 */
export const DETAIL_RANK: ReadonlyMap<string, number> = new Map([
  ['SPU', 1],
  ['NPN', 1],
  ['SPT', 1],
  ['OPU', 1],
  ['SWR', 2],
  ['NWN', 2],
  ['SWT', 2],
  ['PWR', 2],
  ['OWR', 2],
]);
