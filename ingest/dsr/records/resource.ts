// AS01, AS02: the sound recordings (resources) of a block.
import type { Resource } from '../../../core/schemas/index.ts';
import { normaliseIsrc, normaliseIswc } from '../../../core/identifiers/index.ts';
import { parseDurationSeconds } from '../../../core/values/index.ts';
import type { DsrFileState } from '../parser-state.ts';
import { Block, type ResourceEntry } from '../block.ts';
import { multiValues } from '../cells.ts';
import { cell, key, orNull, pos } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { InputLine, LineOutcome } from '../types.ts';

export function resourceLine(
  s: DsrFileState,
  line: InputLine,
  L: RecordLayout,
  raw: string[],
  vals: string[],
): LineOutcome {
  const n = line.lineNumber;
  const b = s.blockRecord(line, L, vals);
  if (!(b instanceof Block)) return b;
  const ref = key(vals, pos(L, 'ResourceReference'));
  const isrcValues = multiValues(cell(raw, pos(L, 'ISRC')));
  let isrc: string | null = null;
  if (isrcValues.length > 0) {
    const r = normaliseIsrc(isrcValues[0] as string);
    isrc = r.ok ? r.value : null;
    if (isrcValues.length > 1)
      s.warn(`line ${n}: ${isrcValues.length} ISRCs given for resource ${ref}; the first is used`);
  }
  const durationText = key(vals, pos(L, 'Duration'));
  const iswcText = key(vals, pos(L, 'ISWC'));
  const iswc = iswcText === '' ? null : normaliseIswc(iswcText);
  const resource: Resource = {
    resourceRef: ref,
    dspResourceId: orNull(key(vals, pos(L, 'DspResourceId'))),
    isrc,
    title: orNull(cell(vals, pos(L, 'Title'))),
    subTitle: orNull(cell(vals, pos(L, 'SubTitle'))),
    displayArtists: multiValues(cell(raw, pos(L, 'DisplayArtistName'))),
    durationSeconds: durationText === '' ? null : parseDurationSeconds(durationText),
    resourceType: orNull(key(vals, pos(L, 'ResourceType'))),
    iswc: iswc?.ok ? iswc.value : null,
    composers: multiValues(cell(raw, pos(L, 'ComposerAuthor'))),
    publishers: multiValues(cell(raw, pos(L, 'MusicPublisher'))),
    sourceLineNumber: n,
  };
  const entry: ResourceEntry = { resource, lineNumber: n, workDead: null };
  const prev = b.resources.get(ref);
  if (prev) {
    s.warn(
      `line ${n}: ResourceReference ${ref} is used twice in block ${b.id} (lines ${prev.lineNumber} and ${n}); the first is used`,
    );
  } else {
    b.resources.set(ref, entry);
    b.order.push(entry);
  }
  b.lastResource = prev ?? entry;
  b.lastResourceDead = null;
  return s.context(n, L.written);
}
