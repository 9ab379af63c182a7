// RU01, LI01 and other records the parser validates but takes nothing from.
import type { DsrFileState } from '../parser-state.ts';
import { key, pos } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { InputLine, LineOutcome } from '../types.ts';
import { validate } from '../validate.ts';

export function otherLine(
  s: DsrFileState,
  line: InputLine,
  L: RecordLayout,
  _raw: string[],
  vals: string[],
): LineOutcome {
  const n = line.lineNumber;
  const blockId = key(vals, pos(L, 'BlockId'));
  if (blockId !== '') s.enterBlock(blockId, n);
  const fault = validate(L, vals, s.total);
  if (fault !== null) return s.dead(line, L.written, fault);
  if (s.total < L.width) s.noteShort(n, L, vals);
  return s.context(n, L.written);
}
