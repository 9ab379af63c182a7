import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  sampleUsageLine,
  sampleWork,
  type Resource,
  type UsageLine,
  type Work,
} from '../../core/schemas/index.ts';
import { ReferenceState } from '../state/reference-state.ts';
import {
  DEFAULT_USAGE_LINK_CONFIDENCE,
  matchedUsages,
  matchLine,
  rankLinks,
  similarityConfidence,
  type MatchOptions,
  type MatchResult,
} from './rules.ts';

const t = (d: string) => new Date(d);
const opts = (sourcePriority: string[] = [], minConfidence = 0.9): MatchOptions => ({
  sourcePriority,
  minConfidence,
});
function state() {
  const s = new ReferenceState();
  s.putWork('W1', { ...sampleWork('W1'), iswc: 'T0345246801' });
  s.putWork('W2', { ...sampleWork('W2'), iswc: 'T1234567894', title: 'OTHER' });
  s.putRecording('GBAHT0900445', [
    { workId: 'W2', iswc: null, title: null, source: 'publisher', assertedAt: t('2026-01-02') },
    { workId: 'W1', iswc: null, title: null, source: 'society', assertedAt: t('2026-01-01') },
  ]);
  return s;
}
const decided = (r: MatchResult) =>
  r.kind === 'matched' ? r.parts.map((p) => [p.work.workId, p.method, p.linkSource]) : r.reason;

/** A line with one resource: no ISRC or ISWC known, so only rule 3 can decide. */
function lineWith(resource: Partial<Resource>): UsageLine {
  const line = sampleUsageLine();
  line.resources[0] = { ...line.resources[0]!, isrc: null, iswc: null, ...resource };
  return line;
}
function work(workId: string, title: string, writers: string[], extra: Partial<Work> = {}): Work {
  return {
    ...sampleWork(workId),
    iswc: null,
    title,
    writers: writers.map((name) => ({ name, ipi: null, role: 'CA', society: null, shareBasisPoints: 5000 })),
    performers: [],
    ...extra,
  };
}

test('rule 1: the ISRC link of the most trusted source decides', () => {
  const line = sampleUsageLine();
  assert.deepEqual(decided(matchLine(line, state(), opts(['society', 'publisher']))), [
    ['W1', 'ISRC_LINK', 'society'],
  ]);
  assert.deepEqual(decided(matchLine(line, state(), opts(['publisher'])))[0]![0], 'W2');
  // No priority given: the newest assertion wins.
  assert.equal(rankLinks(state().recordings.get('GBAHT0900445')!, [])[0]!.source, 'publisher');
});

test('rule 1: a link from a usage report ranks after every catalog source, listed or not', () => {
  const links = [
    { workId: null, iswc: 'T1234567894', title: null, source: 'dsr:SPOTIFY', assertedAt: t('2026-03-01') },
    { workId: 'W1', iswc: null, title: null, source: 'cwr:unlisted', assertedAt: t('2026-01-01') },
    { workId: 'W1', iswc: null, title: null, source: 'society', assertedAt: t('2025-01-01') },
  ];
  assert.deepEqual(
    rankLinks(links, ['society']).map((l) => l.source),
    ['society', 'cwr:unlisted', 'dsr:SPOTIFY'],
  );
  // Listed explicitly, it takes its place.
  assert.equal(rankLinks(links, ['dsr:SPOTIFY', 'society'])[0]!.source, 'dsr:SPOTIFY');
  // Used when it is the only link of the ISRC.
  const s = state();
  s.putRecording('USRC17607839', [links[0]!]);
  const line = lineWith({ isrc: 'USRC17607839', title: 'nothing alike' });
  assert.deepEqual(decided(matchLine(line, s, opts(['society']))), [['W2', 'ISRC_LINK', 'dsr:SPOTIFY']]);
});

test('rule 2: an ISWC in the line, when no link decides', () => {
  const line = lineWith({ isrc: 'USRC17607839', iswc: 'T1234567894' });
  assert.deepEqual(decided(matchLine(line, state(), opts())), [['W2', 'ISWC', null]]);
});

test('unmatched lines say which rules were tried, why each did not decide, and the best candidate', () => {
  const line = lineWith({ isrc: 'USRC17607839', title: 'Ca plane pour toi', composers: ['Somebody Else'] });
  const r = matchLine(line, state(), opts());
  assert.equal(r.kind, 'unmatched');
  assert.deepEqual(r.kind === 'unmatched' && r.rulesTried, ['ISRC_LINK', 'ISWC', 'TITLE_SIMILARITY']);
  assert.match(
    r.kind === 'unmatched' ? r.reason : '',
    /ISRC USRC17607839: no link; no ISWC; title "ca plane pour toi": best candidate W1 at 0\.\d+ < 0\.9/,
  );
  assert.equal(r.kind === 'unmatched' && r.bestCandidate?.workId, 'W1');
  assert.ok(r.kind === 'unmatched' && r.bestCandidate!.score < 0.9);
});

test('a tombstone removes a work, its ISWC entry and its titles', () => {
  const s = state();
  s.putWork('W2', null);
  assert.deepEqual(s.worksWithIswc('T1234567894'), []);
  assert.deepEqual(s.titles.candidates('other', 0.5, 10), []);
  assert.deepEqual(decided(matchLine(sampleUsageLine(), s, opts(['publisher'])))[0]![0], 'W1');
});

test('rule 3: same song under a version title, writers written the other way round', () => {
  const s = new ReferenceState();
  s.putWork('HERE', work('HERE', 'HERE COMES THE SUN', ['HARRISON GEORGE']));
  const line = lineWith({ title: 'Here Comes The Sun - Remastered 2009', composers: ['George Harrison'] });
  const r = matchLine(line, s, opts());
  assert.deepEqual(decided(r), [['HERE', 'TITLE_SIMILARITY', null]]);
  assert.equal(r.kind === 'matched' && r.parts[0]!.confidence, 1);
});

test('rule 3: a near title (a typo) with the same writers matches, below 1', () => {
  const s = new ReferenceState();
  s.putWork('Y', work('Y', 'YELLOW SUBMARINE', ['LENNON JOHN WINSTON', 'MCCARTNEY PAUL JAMES']));
  const r = matchLine(
    lineWith({ title: 'Yelow Submarine', composers: ['Paul McCartney', 'John Lennon'] }),
    s,
    opts(),
  );
  assert.equal(r.kind, 'matched');
  const confidence = r.kind === 'matched' ? r.parts[0]!.confidence : 0;
  assert.ok(confidence >= 0.9 && confidence < 1, String(confidence));
});

test('rule 3: a near-miss title with different writers does not match', () => {
  const s = new ReferenceState();
  s.putWork('LMD', work('LMD', 'LOVE ME DO', ['LENNON JOHN', 'MCCARTNEY PAUL']));
  s.putWork('LMT', work('LMT', 'LOVE ME TENDER', ['PRESLEY ELVIS', 'MATSON VERA']));
  const r = matchLine(lineWith({ title: 'Love Me Too', composers: ['Jane Songwriter'] }), s, opts());
  assert.equal(r.kind, 'unmatched');
  // The same title with other writers is another song too.
  const same = matchLine(lineWith({ title: 'Love Me Do', composers: ['Jane Songwriter'] }), s, opts());
  assert.equal(same.kind, 'unmatched');
  assert.equal(same.kind === 'unmatched' && same.bestCandidate?.workId, 'LMD');
});

test('rule 3: of two works with the same title, the writers choose', () => {
  const s = new ReferenceState();
  s.putWork('A', work('A', 'HOME', ['BUBLE MICHAEL', 'FOSTER AMY', 'CHANG ALAN']));
  s.putWork('B', work('B', 'HOME', ['PHILLIPS PHILLIP', 'HOLDEN GREG', 'PEDERSEN DREW']));
  const r = matchLine(lineWith({ title: 'Home', composers: ['Greg Holden', 'Drew Pedersen'] }), s, opts());
  assert.deepEqual(decided(r), [['B', 'TITLE_SIMILARITY', null]]);
});

test('rule 3: without writers the performers count; a title alone never decides', () => {
  const s = new ReferenceState();
  s.putWork('C', work('C', 'CA PLANE POUR MOI', [], { performers: ['PLASTIC BERTRAND'] }));
  const byArtist = lineWith({
    title: 'Ça plane pour moi',
    composers: [],
    displayArtists: ['Plastic Bertrand'],
  });
  assert.deepEqual(decided(matchLine(byArtist, s, opts())), [['C', 'TITLE_SIMILARITY', null]]);
  const alone = lineWith({ title: 'Ça plane pour moi', composers: [], displayArtists: [] });
  const r = matchLine(alone, s, opts());
  assert.equal(r.kind, 'unmatched');
  assert.equal(r.kind === 'unmatched' && r.bestCandidate?.score, 0.75);
});

test('rule 3: the threshold is the configured confidence', () => {
  const s = new ReferenceState();
  s.putWork('Y', work('Y', 'YESTERDAY', ['MCCARTNEY PAUL']));
  const line = lineWith({ title: 'Yesterday', composers: ['Paul Mc Cartney'] });
  const r = matchLine(line, s, opts([], 0));
  const confidence = r.kind === 'matched' ? r.parts[0]!.confidence : 0;
  assert.ok(confidence > 0.9 && confidence < 1, String(confidence));
  assert.equal(matchLine(line, s, opts([], confidence)).kind, 'matched');
  assert.equal(matchLine(line, s, opts([], confidence + 0.001)).kind, 'unmatched');
});

test('rule 3: two different works equally close leave the line unmatched as ambiguous', () => {
  const s = new ReferenceState();
  s.putWork('A', work('A', 'HOME', ['SMITH JOHN']));
  s.putWork('B', work('B', 'HOME', ['SMITH JOHN']));
  const r = matchLine(lineWith({ title: 'Home', composers: ['John Smith'] }), s, opts());
  assert.match(r.kind === 'unmatched' ? r.reason : '', /ambiguous, A at 1 and B at 1/);
  // The same work registered twice (one ISWC) is not ambiguous.
  s.putWork('A', work('A', 'HOME', ['SMITH JOHN'], { iswc: 'T0345246801' }));
  s.putWork('B', work('B', 'HOME', ['SMITH JOHN'], { iswc: 'T0345246801' }));
  assert.deepEqual(decided(matchLine(lineWith({ title: 'Home', composers: ['John Smith'] }), s, opts())), [
    ['A', 'TITLE_SIMILARITY', null],
  ]);
});

test('rule 3 finds works by their alternative titles', () => {
  const s = new ReferenceState();
  s.putWork(
    'S',
    work('S', 'SATISFACTION', ['JAGGER MICK', 'RICHARDS KEITH'], {
      alternativeTitles: ["(I CAN'T GET NO) SATISFACTION"],
    }),
  );
  const line = lineWith({
    title: "(I Can't Get No) Satisfaction - Mono Version",
    composers: ['Jagger', 'Richards'],
  });
  assert.deepEqual(decided(matchLine(line, s, opts())), [['S', 'TITLE_SIMILARITY', null]]);
});

test('release level: one part per resource when every resource matches', () => {
  const s = state();
  const line = sampleUsageLine();
  line.resources.push({ ...line.resources[0]!, resourceRef: 'R2', isrc: null, iswc: 'T1234567894' });
  const r = matchLine(line, s, opts(['society']));
  assert.deepEqual(decided(r), [
    ['W1', 'ISRC_LINK', 'society'],
    ['W2', 'ISWC', null],
  ]);
  const records = r.kind === 'matched' ? matchedUsages(line, r, false) : [];
  assert.deepEqual(
    records.map((m) => [m.lineId, m.workId, m.partIndex, m.partCount]),
    [
      [line.lineId, 'W1', 0, 2],
      [line.lineId, 'W2', 1, 2],
    ],
  );
});

test('release level: one resource not matched leaves the whole line unmatched, naming it', () => {
  const line = sampleUsageLine();
  line.resources.push({
    ...line.resources[0]!,
    resourceRef: 'R2',
    isrc: 'USRC17607839',
    iswc: null,
    title: 'Unknown song',
  });
  const r = matchLine(line, state(), opts(['society']));
  assert.equal(r.kind, 'unmatched');
  assert.match(
    r.kind === 'unmatched' ? r.reason : '',
    /^usage reported at release level over 2 resources; 1 not matched: resource 2 \(R2\): ISRC USRC17607839: no link; no ISWC; /,
  );
});

test('a line that names no resource is unmatched and says so', () => {
  const line = sampleUsageLine();
  line.resources = [];
  const r = matchLine(line, state(), opts());
  assert.deepEqual(r.kind === 'unmatched' && [r.rulesTried, r.reason], [[], 'the line names no resource']);
});

test('rule 1 through a link from a usage report: a lower confidence (configurable) than a catalog link', () => {
  const s = state();
  s.putRecording('USRC17607839', [
    { workId: null, iswc: 'T1234567894', title: null, source: 'dsr:SPOTIFY', assertedAt: t('2026-03-01') },
  ]);
  const viaUsageLink = lineWith({ isrc: 'USRC17607839', title: 'nothing alike' });
  const confidenceOf = (r: MatchResult) => (r.kind === 'matched' ? r.parts[0]!.confidence : null);
  const r = matchLine(viaUsageLink, s, opts());
  assert.equal(confidenceOf(r), DEFAULT_USAGE_LINK_CONFIDENCE);
  assert.ok(DEFAULT_USAGE_LINK_CONFIDENCE < 1);
  assert.equal(
    matchedUsages(viaUsageLink, r as Extract<MatchResult, { kind: 'matched' }>, false)[0]!.confidence,
    0.9,
  );
  assert.equal(confidenceOf(matchLine(viaUsageLink, s, { ...opts(), usageLinkConfidence: 0.75 })), 0.75);
  // A catalog link keeps confidence 1, whatever the setting.
  assert.equal(confidenceOf(matchLine(sampleUsageLine(), s, { ...opts(), usageLinkConfidence: 0.75 })), 1);
});

test('rule 1: the best-ranked link naming a known work decides; links to unknown works are passed over', () => {
  const s = state();
  s.putWork('W0', { ...sampleWork('W0'), iswc: 'T1234567894', title: 'SAME ISWC, SMALLER ID' });
  s.putRecording('USRC17607839', [
    { workId: 'W9', iswc: null, title: null, source: 'society', assertedAt: t('2026-05-01') },
    { workId: null, iswc: 'T1234567894', title: null, source: 'publisher', assertedAt: t('2026-01-01') },
    { workId: 'W1', iswc: null, title: null, source: 'publisher', assertedAt: t('2025-01-01') },
  ]);
  const line = lineWith({ isrc: 'USRC17607839' });
  // society's link names no known work; publisher's newest names an ISWC held by W0 and W2:
  // the smaller id, as worksWithIswc orders them.
  assert.deepEqual(decided(matchLine(line, s, opts(['society', 'publisher']))), [
    ['W0', 'ISRC_LINK', 'publisher'],
  ]);
  assert.equal(s.firstWorkWithIswc('T1234567894')?.workId, s.worksWithIswc('T1234567894')[0]!.workId);
  assert.equal(s.firstWorkWithIswc('T0000000000'), null);
});

test('rule 3 scores only the candidates that can decide, and decides as if it scored them all', () => {
  // Works of one title by random writers, some alike: the best candidate, the match and the
  // ambiguity are those of every candidate's own confidence (similarityConfidence).
  const names = [
    'Anna Berg',
    'Anna Berge',
    'Tom Berg',
    'John Smith',
    'Jon Smith',
    'Maria Ortega',
    'M Ortega',
  ];
  let seed = 9;
  const pick = () => names[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % names.length]!;
  const cwr = (name: string) => name.split(' ').reverse().join(' ').toUpperCase();
  for (let round = 0; round < 200; round++) {
    const s = new ReferenceState();
    const works: Work[] = [];
    for (let i = 0; i < 2 + (round % 9); i++) {
      const w = work(`W${i}`, 'SAME SONG', [cwr(pick()), ...(i % 2 ? [cwr(pick())] : [])]);
      works.push(w);
      s.putWork(w.workId, w);
    }
    const resource = {
      title: 'Same Song',
      composers: round % 4 ? [pick(), ...(round % 3 ? [] : [pick()])] : [],
    };
    const line = lineWith(resource);
    const confidences = works
      .map((w) => ({ workId: w.workId, score: similarityConfidence(1, line.resources[0]!, w) }))
      .sort((a, b) => b.score - a.score || (a.workId < b.workId ? -1 : 1));
    const [best, second] = confidences;
    const r = matchLine(line, s, opts());
    const ambiguous = !!second && second.score >= 0.9 && best!.score - second.score < 0.02;
    if (best!.score >= 0.9 && !ambiguous) {
      assert.deepEqual(decided(r), [[best!.workId, 'TITLE_SIMILARITY', null]], JSON.stringify(resource));
      assert.equal(r.kind === 'matched' && r.parts[0]!.confidence, best!.score);
    } else {
      assert.equal(r.kind, 'unmatched', JSON.stringify(resource));
      assert.deepEqual(r.kind === 'unmatched' && r.bestCandidate, best, JSON.stringify(resource));
      if (ambiguous) assert.match(r.kind === 'unmatched' ? r.reason : '', /ambiguous/);
    }
  }
});
