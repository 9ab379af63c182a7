/** xs:boolean plus the spellings seen in files (yes/no, y/n, any case); null when not a boolean. */
export function parseBool(s: string): boolean | null {
  // the common spellings first, without lower-casing
  switch (s) {
    case 'TRUE':
    case 'true':
    case 'True':
    case '1':
      return true;
    case 'FALSE':
    case 'false':
    case 'False':
    case '0':
      return false;
  }
  const l = s.toLowerCase();
  if (l === 'true' || l === 'yes' || l === 'y') return true;
  if (l === 'false' || l === 'no' || l === 'n') return false;
  return null;
}

/** Quotes a value for a message, shortened to `max` characters (default 60). */
export function quoteValue(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
