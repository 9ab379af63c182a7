/** True when the character code is ASCII 0-9. */
export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True when the character code is ASCII A-Z (upper case only). */
export function isUpperCode(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** True when the text is one or more ASCII digits and nothing else. */
export function isDigits(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}
