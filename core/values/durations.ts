// Two readings of a duration on purpose: DDEX files write ISO 8601 (with days and fractions)
// or a clock; senders' spreadsheets write plain seconds, a clock or a simple PTnHnMnS.

const DDEX_ISO =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const DDEX_CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/;

/**
 * Seconds (rounded) of a duration as DSR files write it: ISO 8601 (PT2M44S, PT199S, PT0H0M0S,
 * PT1M30.5S, P0DT1H) or a clock (3:20, 01:03:20). Null when neither. The text is trimmed.
 */
export function parseDurationSeconds(s: string): number | null {
  const t = s.trim();
  const m = DDEX_ISO.exec(t);
  if (m) {
    const [, d, h, mi, sec] = m;
    if (d === undefined && h === undefined && mi === undefined && sec === undefined) return null;
    if (/T$/i.test(t)) return null;
    const total = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(sec ?? 0);
    return Number.isFinite(total) ? Math.round(total) : null;
  }
  const c = DDEX_CLOCK.exec(t);
  if (c) {
    if (Number(c[2]) > 59 && c[1] !== undefined) return null;
    return Math.round(Number(c[1] ?? 0) * 3600 + Number(c[2]) * 60 + Number(c[3]));
  }
  return null;
}

const SIMPLE_ISO = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i;
const SIMPLE_CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/;

/** Seconds of a duration as senders' spreadsheets write it: `225`, `3:45`, `1:03:45`, `PT3M45S`; null when none of these. */
export function parseSimpleDuration(s: string): number | null {
  if (/^\d{1,9}$/.test(s)) return Number(s);
  const c = SIMPLE_CLOCK.exec(s);
  if (c) {
    const mi = Number(c[2]);
    const sec = Number(c[3]);
    if (sec > 59 || (c[1] !== undefined && mi > 59)) return null;
    return Number(c[1] ?? 0) * 3600 + mi * 60 + sec;
  }
  const m = SIMPLE_ISO.exec(s);
  if (m && (m[1] !== undefined || m[2] !== undefined || m[3] !== undefined)) {
    return Math.round(Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0));
  }
  return null;
}
