/**
 * Cell and multi-value splitting for DSR flat-file lines, with escapes.
 *
 * DSR Part 1 (clause 6.6.4 in the current text) escapes a TAB that belongs to the text as
 * `\<TAB>`, a pipe as `\\|` and a backslash as `\\\`. Older files, and writers that use a
 * plain escape-character convention (Python's csv module, the ddexnet/dsrf test data), write
 * `\|` for a pipe and `\\` for a backslash. Both are accepted. At a backslash, the longest
 * of these applies:
 *
 *   \<TAB> -> TAB      \| -> |      \\| -> |      \\\ -> \      \\ -> \
 *
 * and a backslash followed by anything else is kept as a literal backslash (a bare Windows
 * path in a title should not break the line). A TAB or pipe not consumed by an escape is a
 * delimiter. The only ambiguous input is `\\\|`, read the spec way: backslash, then a
 * value delimiter.
 *
 * The common line has no backslash at all; it is split with String#split and its cells are
 * returned as they are, so the hot path does no per-character work in JavaScript.
 */

const BACKSLASH = 92;
const TAB = 9;
const PIPE = 124;

/** Length of the escape sequence that starts with the backslash at `i`. */
function escapeLength(s: string, i: number): number {
  const c1 = s.charCodeAt(i + 1);
  if (c1 === TAB || c1 === PIPE) return 2;
  if (c1 === BACKSLASH) {
    const c2 = s.charCodeAt(i + 2);
    return c2 === PIPE || c2 === BACKSLASH ? 3 : 2;
  }
  return 1;
}

/** The character an escape sequence of length `len` at `i` stands for. */
function escapedChar(s: string, i: number, len: number): string {
  if (len === 1) return '\\';
  if (len === 2) {
    const c1 = s.charCodeAt(i + 1);
    return c1 === TAB ? '\t' : c1 === PIPE ? '|' : '\\';
  }
  return s.charCodeAt(i + 2) === PIPE ? '|' : '\\';
}

/** True when the text contains a backslash, i.e. may contain escapes. */
export function hasEscapes(text: string): boolean {
  return text.indexOf('\\') !== -1;
}

/**
 * Splits a line into raw cells on unescaped TABs. Escapes are kept in the cells (so that a
 * multi-value cell can still be split on unescaped pipes); use unescapeCell or
 * splitMultiValue on each cell.
 */
export function splitCells(line: string): string[] {
  if (line.indexOf('\\') === -1) return line.split('\t');
  const out: string[] = [];
  let start = 0;
  const n = line.length;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH) i += escapeLength(line, i) - 1;
    else if (c === TAB) {
      out.push(line.slice(start, i));
      start = i + 1;
    }
  }
  out.push(line.slice(start));
  return out;
}

/**
 * Splits a line without escapes on TABs, ignoring trailing TABs (trailing empty cells).
 * Returns the cells; `trailingEmpty` tells how many empty cells were dropped.
 */
export function splitPlain(line: string): { cells: string[]; trailingEmpty: number } {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === TAB) end--;
  const cells: string[] = [];
  let start = 0;
  for (;;) {
    const i = line.indexOf('\t', start);
    if (i === -1 || i >= end) {
      cells.push(line.slice(start, end));
      return { cells, trailingEmpty: line.length - end };
    }
    cells.push(line.slice(start, i));
    start = i + 1;
  }
}

/** The text of a single-value cell: escapes resolved, pipes kept as text. */
export function unescapeCell(raw: string): string {
  let i = raw.indexOf('\\');
  if (i === -1) return raw;
  let out = '';
  let last = 0;
  while (i !== -1) {
    const len = escapeLength(raw, i);
    out += raw.slice(last, i) + escapedChar(raw, i, len);
    last = i + len;
    i = raw.indexOf('\\', last);
  }
  return out + raw.slice(last);
}

/**
 * The values of a multi-value cell: split on unescaped pipes, escapes resolved. An empty
 * cell has no values; empty values between pipes are kept (`a||b` gives three values), so
 * that positional pairing of names and ids stays possible.
 */
export function splitMultiValue(raw: string): string[] {
  if (raw === '') return [];
  if (raw.indexOf('\\') === -1) return raw.indexOf('|') === -1 ? [raw] : raw.split('|');
  const out: string[] = [];
  let cur = '';
  let last = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c === BACKSLASH) {
      const len = escapeLength(raw, i);
      cur += raw.slice(last, i) + escapedChar(raw, i, len);
      i += len - 1;
      last = i + 1;
    } else if (c === PIPE) {
      out.push(cur + raw.slice(last, i));
      cur = '';
      last = i + 1;
    }
  }
  out.push(cur + raw.slice(last));
  return out;
}

/** Non-empty values of a multi-value cell, trimmed. */
export function multiValues(raw: string): string[] {
  const values = splitMultiValue(raw);
  let clean = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    if (v === '' || v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32) {
      clean = false;
      break;
    }
  }
  if (clean) return values;
  const out: string[] = [];
  for (const v of values) {
    const t = v.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/** Escapes a value for writing, in the current spec form (TAB as \<TAB>, | as \\|, \ as \\\). */
export function escapeCell(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === '\t') out += '\\\t';
    else if (ch === '|') out += '\\\\|';
    else if (ch === '\\') out += '\\\\\\';
    else out += ch;
  }
  return out;
}
