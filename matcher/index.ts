// The matcher: reference data (works, ISRC → work links) and the match rules. So far the
// CWR reader; loading onto ref.works / ref.recordings and matching come next.
export * from './cwr/index.ts';
export { loadReferenceFiles } from './refdata/load.ts';
export type { LoadReport, LoadRejection } from './refdata/load.ts';
export { parseLinkTable } from './refdata/link-table.ts';
export { registerMatcherCommands } from './cli.ts';
export { MatcherService } from './service/matcher-service.ts';
export { matchStatus } from './status.ts';
export type { FileMatchStatus } from './status.ts';
export { matchLine, rankLinks, RULES } from './rules/rules.ts';
export type { MatchResult } from './rules/rules.ts';
export { ReferenceState } from './state/reference-state.ts';
