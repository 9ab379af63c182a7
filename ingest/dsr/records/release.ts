// RE01 (the block's head release) and RE02 (sub-releases, with their UsedResources).
import type { Release } from '../../../core/schemas/index.ts';
import type { DsrFileState } from '../parser-state.ts';
import { Block, type ReleaseEntry } from '../block.ts';
import { multiValues } from '../cells.ts';
import { cell, key, orNull, pos } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { InputLine, LineOutcome } from '../types.ts';

export function releaseLine(
  s: DsrFileState,
  line: InputLine,
  L: RecordLayout,
  raw: string[],
  vals: string[],
): LineOutcome {
  const n = line.lineNumber;
  const b = s.blockRecord(line, L, vals);
  if (!(b instanceof Block)) return b;
  const ref = key(vals, pos(L, 'ReleaseReference'));
  const release: Release = {
    releaseRef: ref,
    dspReleaseId: orNull(key(vals, pos(L, 'DspReleaseId'))) ?? orNull(key(vals, pos(L, 'DspSubReleaseId'))),
    icpn: orNull(key(vals, pos(L, 'ICPN'))),
    title: orNull(cell(vals, pos(L, 'Title'))),
    displayArtists: multiValues(cell(raw, pos(L, 'DisplayArtistName'))),
    label: orNull(cell(vals, pos(L, 'Label'))),
  };
  const usedAt = pos(L, 'UsedResources');
  const entry: ReleaseEntry = {
    release,
    lineNumber: n,
    recordType: L.written,
    usedResources: usedAt > 0 ? multiValues(cell(raw, usedAt)) : null,
  };
  const prev = b.releases.get(ref);
  if (prev) {
    s.warn(
      `line ${n}: ReleaseReference ${ref} is used twice in block ${b.id} (lines ${prev.lineNumber} and ${n}); the first is used`,
    );
  } else {
    b.releases.set(ref, entry);
    if (L.base === 'RE01' && b.headRelease === null) b.headRelease = entry;
  }
  return s.context(n, L.written);
}
