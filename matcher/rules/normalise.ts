// Normalisation of titles and names before they are compared (rule 3). Both sides — the
// usage line and the reference work — go through the same functions, so what is dropped
// here is dropped from both.

// Letters NFKD does not decompose into a base letter and a mark.
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** NFKD, diacritics stripped, lower case, `&` as "and", punctuation as spaces, collapsed. */
export function foldText(s: string): string {
  if (ASCII.test(s)) return foldAscii(s);
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? c)
    .replace(/&/g, ' and ')
    .replace(/['’`´]/g, '') // "can't" → "cant", not "can t"
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const ASCII = /^[^\u0080-\uffff]*$/;

/**
 * foldText of an ASCII string (most titles and names), in one pass: no normal form or mark
 * to strip, and letters and digits are [a-z0-9] (rule 3 folds every line's title and names).
 */
function foldAscii(s: string): string {
  let out = '';
  let gap = false; // a separator is pending: written before the next word, never at the ends
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (gap && out) out += ' ';
      gap = false;
      out += String.fromCharCode(c);
    } else if (c === 38) {
      out += out ? ' and' : 'and';
      gap = true;
    } else if (c !== 39 && c !== 96) gap = true; // ' and ` are dropped, not separators
  }
  return out;
}

// Words that mark a bracketed part or a " - " suffix as a version of the recording, not
// part of the work's title: "(2011 Remaster)", "[Live at Wembley]", "- Radio Edit".
const VERSION_WORDS =
  /\b(feat|ft|featuring|with|remaster|remastered|version|live|edit|mix|remix|mono|stereo|acoustic|demo|instrumental|explicit|clean|bonus|single|extended|deluxe|anniversary|unplugged|session|take|karaoke|reprise|original|from)\b/i;
const BRACKETED = /\s*[([{]([^)\]}]*)[)\]}]/g;
const DASH_SUFFIX = /\s+[-–—]\s+(.*)$/;
const FEATURING = /\s+(feat\.?|ft\.?|featuring)\s.*$/i;
const OPENING = /[([{]/;
const DASHES = /[-–—]/;

/** A title without version marks ("feat. …", "(… Remaster)", "- … Version", "(Live)"), folded. */
export function normaliseTitle(title: string): string {
  let t = ASCII.test(title) ? title : title.normalize('NFKC');
  // The patterns run only where their marks are (rule 3 normalises every line's title).
  if (OPENING.test(t))
    t = t.replace(BRACKETED, (whole, inner: string) => (VERSION_WORDS.test(inner) ? ' ' : whole));
  if (DASHES.test(t)) {
    const dash = DASH_SUFFIX.exec(t);
    if (dash && VERSION_WORDS.test(dash[1]!)) t = t.slice(0, dash.index);
  }
  t = t.replace(FEATURING, '');
  const folded = foldText(t);
  // A title that is all version marks ("(Live)") keeps its words rather than becoming empty.
  return folded || foldText(title);
}

// The same writers come back on line after line: their tokens are kept, up to a bound.
const tokensOf = new Map<string, string[]>();
const TOKENS_KEPT = 100_000;

/** Name tokens, sorted, so "LENNON JOHN" (CWR: last name first) equals "John Lennon". */
export function nameTokens(name: string): string[] {
  let tokens = tokensOf.get(name);
  if (!tokens) {
    if (tokensOf.size >= TOKENS_KEPT) tokensOf.clear();
    tokens = foldText(name).split(' ').filter(Boolean).sort();
    tokensOf.set(name, tokens);
  }
  return tokens;
}

/** The people in a credit: "A feat. B & C, D" → ["A", "B", "C", "D"]. */
export function splitCredit(credit: string): string[] {
  return credit
    .split(/\s*(?:,|;|\/|&|\+|\s(?:feat\.?|ft\.?|featuring|and|with|x|vs\.?)\s)\s*/i)
    .map((s) => s.trim())
    .filter(Boolean);
}
