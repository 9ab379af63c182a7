// Scanners of typed values in text cells (numbers, dates, durations, booleans): the one set
// the parsers and identifier checks share.
export { isDigitCode, isDigits, isUpperCode } from './chars.ts';
export {
  hasFraction,
  isDecimal,
  isInteger,
  parseCount,
  parseDecimal,
  parseDigits,
  scanDecimal,
  scanLooseDecimal,
} from './numbers.ts';
export {
  DATE_LAYOUTS,
  daysInMonth,
  isRealDate,
  parseDateIn,
  parseDateTime,
  parseIsoDate,
  type DateLayout,
} from './dates.ts';
export { parseDurationSeconds, parseSimpleDuration } from './durations.ts';
export { parseBool, quoteValue } from './text.ts';
