// `#` lines: comments, and headings that name a record type's cells (they override the built-in layout).
import { isUtf8 } from 'node:buffer';
import type { DsrFileState } from '../parser-state.ts';
import { splitCells, unescapeCell } from '../cells.ts';
import { listFirst } from '../layout-cells.ts';
import {
  builtinCellNames,
  canonicalCellName,
  isKnownBase,
  isKnownCellName,
  parseRecordTypeName,
  resolveRecord,
} from '../record-types.ts';
import type { ContextOutcome } from '../types.ts';

export function hashLine(s: DsrFileState, n: number, bytes: Buffer): ContextOutcome {
  if (!isUtf8(bytes)) {
    s.warn(`line ${n}: a # line that is not valid UTF-8 was ignored`);
    return s.context(n, '#');
  }
  const raw = splitCells(bytes.toString('utf8'));
  const first = (raw[0] as string).trim();
  const typeText = first.slice(1).trim();
  const type = parseRecordTypeName(typeText);
  const names = raw.slice(1).map((s) => unescapeCell(s).trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  if (type && isKnownBase(type.base) && names.length > 0 && looksLikeHeading(names)) {
    for (let i = 0; i < names.length; i++) if (names[i] === '') names[i] = `Cell${i + 2}`;
    const keyText = typeText.toUpperCase();
    s.headings.set(keyText, names);
    s.compiled.clear();
    s.lastType = '';
    s.lastCompiled = null;
    compareHeading(s, n, keyText, type.base, type.version, names);
  }
  return s.context(n, first === '' ? '#' : first);
}

export function compareHeading(
  s: DsrFileState,
  n: number,
  written: string,
  base: string,
  version: string,
  names: string[],
): void {
  const layout = resolveRecord(written);
  if (!layout) return;
  const builtin = builtinCellNames(base, layout.layoutVersion) ?? [];
  const diffs: string[] = [];
  const width = Math.min(builtin.length, names.length);
  for (let i = 0; i < width; i++) {
    if (canonicalCellName(names[i] as string) !== builtin[i])
      diffs.push(`cell ${i + 2} is ${names[i]} here, ${builtin[i]} built in`);
  }
  if (diffs.length > 0) {
    s.warn(
      `line ${n}: the #${written} heading differs from the built-in ${base}${version ? `.${version}` : ''} layout ` +
        `(${listFirst(diffs, 3)}); ${written} lines are read by the heading's names`,
    );
  }
}

/** A `#` line is a heading when its cells look like cell names and at least half are known names. */
function looksLikeHeading(names: string[]): boolean {
  let known = 0;
  let nonEmpty = 0;
  for (const n of names) {
    if (n === '') continue;
    nonEmpty++;
    if (!/^[A-Za-z][A-Za-z0-9%_-]*$/.test(n)) return false;
    if (isKnownCellName(n)) known++;
  }
  return nonEmpty > 0 && known * 2 >= nonEmpty;
}
