// The matcher: reference data (CWR works, ISRC → work links) loaded onto ref.works /
// ref.recordings, held in memory, and the match rules run over usage.lines.
export * from './cwr/index.ts';
export { loadReferenceFiles } from './refdata/load.ts';
export type { LoadReport, LoadRejection } from './refdata/load.ts';
export { refdataRoutes } from './refdata/routes.ts';
export { parseLinkTable } from './refdata/link-table.ts';
export { registerMatcherCommands } from './cli.ts';
export { MatcherService } from './service/matcher-service.ts';
export type { RestoreProgress } from './service/matcher-service.ts';
export {
  matchedUsages,
  matchLine,
  matchResource,
  rankLinks,
  RULES,
  similarityConfidence,
} from './rules/rules.ts';
export type { Candidate, MatchedPart, MatchOptions, MatchResult } from './rules/rules.ts';
export { foldText, nameTokens, normaliseTitle } from './rules/normalise.ts';
export { nameSimilarity, peopleSimilarity, stringSimilarity } from './rules/similarity.ts';
export { ReferenceState } from './state/reference-state.ts';
export { LineMatcher } from './service/line-matcher.ts';
export type { LineMatcherSerdes, MatchOutput } from './service/line-matcher.ts';
