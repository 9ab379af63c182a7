// MW01: the musical work of a resource (its ISWC, composers and publishers).
import { normaliseIswc } from '../../../core/identifiers/index.ts';
import { quoteValue as q } from '../../../core/values/index.ts';
import type { DsrFileState } from '../parser-state.ts';
import { Block, workTarget } from '../block.ts';
import { multiValues } from '../cells.ts';
import { cell, key, listFirst, pos } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { InputLine, LineOutcome } from '../types.ts';

export function workLine(
  s: DsrFileState,
  line: InputLine,
  L: RecordLayout,
  raw: string[],
  vals: string[],
): LineOutcome {
  const n = line.lineNumber;
  const b = s.blockRecord(line, L, vals);
  if (!(b instanceof Block)) return b;
  const refAt = pos(L, 'ResourceReference');
  const ref = key(vals, refAt);
  const target = workTarget(b, L, vals);
  if (target === null) {
    if (ref !== '' && !b.deadResources.has(ref)) {
      return s.deadContext(line, L, vals, {
        stage: 'validate',
        errorClass: 'UNKNOWN_REFERENCE',
        cell: 'ResourceReference',
        message: `${L.written} cell ${refAt + 1} (ResourceReference) is ${q(ref)}, but block ${b.id} has no resource with that reference${
          b.resources.size > 0 ? ` (its resources: ${listFirst(b.resources.keys())})` : ''
        }`,
      });
    }
    if (b.lastResourceDead === null && ref === '') {
      s.warn(
        `line ${n}: ${L.written} in block ${b.id} follows no resource record; its work data is not attached to any usage`,
      );
    }
    return s.context(n, L.written);
  }
  const iswcText = key(vals, pos(L, 'ISWC'));
  const iswcResult = iswcText === '' ? null : normaliseIswc(iswcText);
  const iswc = iswcResult?.ok ? iswcResult.value : null;
  const old = target.resource;
  if (iswc !== null && old.iswc !== null && old.iswc !== iswc) {
    s.warn(
      `line ${n}: ${L.written} gives ISWC ${iswc} for resource ${old.resourceRef}, whose resource line ${target.lineNumber} gives ${old.iswc}; the resource line's ISWC is kept`,
    );
  }
  // A new object: events already emitted keep the Resource they were given.
  target.resource = {
    ...old,
    iswc: old.iswc ?? iswc,
    composers: union(old.composers, multiValues(cell(raw, pos(L, 'ComposerAuthor')))),
    publishers: union(old.publishers, multiValues(cell(raw, pos(L, 'MusicPublisher')))),
  };
  return s.context(n, L.written);
}

function union(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = [...a];
  for (const v of b) if (!out.includes(v)) out.push(v);
  return out;
}
