export type { IdentifierResult } from './result.ts';
export { normaliseIsrc, isCanonicalIsrc } from './isrc.ts';
export { normaliseIswc, iswcCheckDigit, formatIswc } from './iswc.ts';
