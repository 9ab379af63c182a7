import type { FileEvent, MatchedUsage, UsageLine, Work } from './types.ts';

// Small valid values of the schemas, for tests that need a record to send.

export function sampleUsageLine(fileId = 'f0', lineNumber = 1): UsageLine {
  return {
    lineId: `${fileId}:${lineNumber}`,
    fileId,
    lineNumber,
    sender: 'PADPIDA0123456766K',
    format: 'DSR',
    recordType: 'SU02.02',
    salesTransactionId: 'ST-1',
    usages: 42,
    useType: 'OnDemandStream',
    commercialModel: 'SubscriptionModel',
    territory: 'GB',
    periodStart: '2020-06-01',
    periodEnd: '2020-06-30',
    isRoyaltyBearing: true,
    priceConsumerPaid: null,
    currency: 'GBP',
    resources: [
      {
        resourceRef: 'R1',
        dspResourceId: 'DSP-R1',
        isrc: 'GBAHT0900445',
        title: 'Ça plane pour moi',
        subTitle: null,
        displayArtists: ['Plastic Bertrand'],
        durationSeconds: 164,
        resourceType: 'SoundRecording',
        iswc: 'T0345246801',
        composers: ['Lou Deprijck'],
        publishers: [],
        sourceLineNumber: 7,
      },
    ],
    release: null,
    summary: {
      summaryRecordId: 'SY1',
      recordType: 'SY01.02',
      commercialModel: 'SubscriptionModel',
      useType: 'OnDemandStream',
      territory: 'GB',
      currency: 'GBP',
      netRevenue: '1234.5678',
      totalUsages: 1000,
      lineNumber: 3,
    },
    extra: { PromotionalActivity: 'None' },
  };
}

export function sampleFileEvent(fileId = 'f0'): FileEvent {
  return {
    fileId,
    type: 'SPLIT_COMPLETED',
    at: new Date('2026-11-22T10:00:00Z'),
    fileName: 'DSR_X_Y_Z_2020-06_GB_1of1_20200703T075930.tsv',
    sender: 'Y',
    sha256: 'ab'.repeat(32),
    sizeBytes: 5419,
    format: 'DSR',
    reason: null,
    counts: { lines: 30, emitted: 20, deadLettered: 1, context: 9 },
    footerCheck: 'OK',
    systemic: false,
    warnings: [],
  };
}

export function sampleWork(workId = 'W1'): Work {
  return {
    workId,
    iswc: 'T0345246801',
    title: 'CA PLANE POUR MOI',
    alternativeTitles: [],
    writers: [
      { name: 'DEPRIJCK LOU', ipi: '00014107338', role: 'CA', society: 'SABAM', shareBasisPoints: 5000 },
    ],
    publishers: [{ name: 'ROKS MUSIC', ipi: null, society: 'SABAM', shareBasisPoints: 5000 }],
    performers: ['PLASTIC BERTRAND'],
    source: 'test',
  };
}

export function sampleMatchedUsage(): MatchedUsage {
  const line = sampleUsageLine();
  const work = sampleWork();
  return {
    lineId: line.lineId,
    fileId: line.fileId,
    line,
    workId: work.workId,
    iswc: work.iswc,
    writers: work.writers,
    publishers: work.publishers,
    method: 'ISRC_LINK',
    confidence: 1,
    linkSource: 'cwr:test',
    rematch: false,
    partIndex: 0,
    partCount: 1,
  };
}
