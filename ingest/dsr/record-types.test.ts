import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCellNames, canonicalCellName, parseRecordTypeName, resolveRecord } from './record-types.ts';

test('record type names with and without version, and the compact form', () => {
  assert.deepEqual(parseRecordTypeName('SU02.02'), { base: 'SU02', version: '02' });
  assert.deepEqual(parseRecordTypeName('SU02'), { base: 'SU02', version: '' });
  assert.deepEqual(parseRecordTypeName('SY0201'), { base: 'SY02', version: '01' });
  assert.deepEqual(parseRecordTypeName('as02.3'), { base: 'AS02', version: '03' });
  assert.equal(parseRecordTypeName('HEAD  ID1 UgcProfile 2'), null);
  assert.equal(parseRecordTypeName(''), null);
});

test('SU02.02 follows dsr8 5.6.2 and the sample heading', () => {
  assert.deepEqual(builtinCellNames('SU02', '02'), [
    'BlockId',
    'SummaryRecordId',
    'SalesTransactionId',
    'TransactedRelease',
    'TransactedResource',
    'IsRoyaltyBearing',
    'NumberOfStreams',
    'PriceConsumerPaidExcSalesTax',
    'PromotionalActivity',
    'UseType',
  ]);
  const l = resolveRecord('SU02.02');
  assert.ok(l);
  assert.equal(l.role, 'usage');
  assert.equal(l.width, 11);
  assert.equal(l.countCell, 7);
  assert.deepEqual(
    l.required.map((i) => l.names[i]),
    ['BlockId', 'SummaryRecordId', 'NumberOfStreams'],
  );
});

test('the built-in layouts agree with the sample headings (by canonical name)', () => {
  const sampleHeadings: Record<string, string> = {
    'SY01.02':
      'SummaryRecordId DistributionChannel DistributionChannelDPID CommercialModel UseType Territory ServiceDescription TotalUsages Subscribers CurrencyOfReporting NetRevenue IndirectValue CurrencyOfTransaction ExchangeRate',
    'RE01.02':
      'BlockId ReleaseReference DspReleaseId ProprietaryReleaseId CatalogNumber ICPN DisplayArtistName DisplayArtistPartyId Title SubTitle ReleaseType LabelName PLine DataProviderName ReleaseDate',
    'AS02.03':
      'BlockId ResourceReference DspResourceId ISRC Title SubTitle DisplayArtistName DisplayArtistPartyID Duration ResourceType ISWC ComposerAuthorName ComposerAuthorPartyId ArrangerName ArrangePartyID MusicPublisherName MusicPublisherPartyId WorkContributorName WorkContributorPartyId ProprietaryWorkId IsMasterRecording',
    'SY02.01':
      'SummaryRecordId DistributionChannel DistributionChannelDPID CommercialModel UseType Territory ServiceDescription Usages Users Currency NetRevenue RightsController RightsControllerPartyId AllocatedUsages AllocatedRevenue AllocatedNetRevenue RightsType',
    AS01: 'BlockId ResourceReference DspResourceId ISRC Title SubTitle DisplayArtistName DisplayArtistPartyId Duration ResourceType',
    'MW01.01':
      'BlockId DspWorkId ISWC Title SubTitle ComposerAuthor ComposerAuthorPartyId Arranger ArrangerPartyId MusicPublisher MusicPublisherPartyId WorkContributor WorkContributorPartyId DataProvider ProprietaryWorkId',
    RU01: 'BlockId SummaryRecordId DspReleaseId Usages',
    'LI01.01':
      'BlockId SummaryRecordId RightsController RightsControllerProprietaryID RightsControllerWorkID RightShare% RightType AllocatedNetRevenue AllocatedAmount',
    FOOT: 'NumberOfLinesInFile NumberOfLinesInReport  NumberOfSummaryRecords NumberOfBlocksInFile NumberOfBlocksInReport',
  };
  for (const [type, heading] of Object.entries(sampleHeadings)) {
    const names = heading.split(/ +/).map(canonicalCellName);
    const layout = resolveRecord(type);
    assert.ok(layout, type);
    assert.deepEqual(layout.canonical.slice(1, 1 + names.length), names, type);
  }
});

test('variant spellings map to canonical names', () => {
  assert.equal(canonicalCellName('ComposerAuthorName'), 'ComposerAuthor');
  assert.equal(canonicalCellName('NumberofFiles'), 'NumberOfFiles');
  assert.equal(canonicalCellName('NumberOfLinesInReport '), 'NumberOfLinesInReport');
  assert.equal(canonicalCellName('Currency'), 'CurrencyOfReporting');
  assert.equal(canonicalCellName('RightShare%'), 'RightSharePercentage');
  assert.equal(canonicalCellName('SomethingNew'), 'SomethingNew');
});

test('unknown versions fall back to the nearest known version, unversioned to its own or the oldest', () => {
  const su = resolveRecord('SU02.05');
  assert.equal(su?.layoutVersion, '02');
  assert.equal(su?.fallback, true);
  assert.equal(resolveRecord('SU02')?.layoutVersion, '');
  assert.equal(resolveRecord('SU02')?.fallback, false);
  assert.equal(resolveRecord('AS02')?.layoutVersion, '02');
  assert.equal(resolveRecord('SY02.04')?.layoutVersion, '03');
  assert.equal(resolveRecord('SY01.03')?.layoutVersion, '02');
  assert.equal(resolveRecord('XY01'), null);
});

test('a heading overrides the built-in layout: exact type first, then unversioned', () => {
  const headings = new Map<string, string[]>([
    [
      'SU02.02',
      ['BlockId', 'SummaryRecordId', 'SalesTransactionId', 'TransactedResource', 'NumberOfStreams'],
    ],
    ['SY02', ['SummaryRecordId', 'CommercialModel', 'Territory']],
  ]);
  const su = resolveRecord('SU02.02', headings);
  assert.equal(su?.source, 'heading');
  assert.equal(su?.index.get('NumberOfStreams'), 5);
  assert.equal(su?.countCell, 5);
  assert.equal(resolveRecord('SU02.03', headings)?.source, 'builtin');
  const sy = resolveRecord('SY02.01', headings);
  assert.equal(sy?.source, 'heading');
  assert.equal(sy?.index.get('Territory'), 3);
});

test('a heading lacking a required column is reported on the layout', () => {
  const headings = new Map<string, string[]>([['SY02', ['CommercialModel', 'UseType', 'Territory']]]);
  assert.deepEqual(resolveRecord('SY02', headings)?.missingRequired, ['SummaryRecordId']);
});
