// The matcher: reference data (works, ISRC → work links) and the match rules. So far the
// CWR reader; loading onto ref.works / ref.recordings and matching come next.
export * from './cwr/index.ts';
export { loadCwrFiles } from './refdata/load-cwr.ts';
export type { CwrLoadReport } from './refdata/load-cwr.ts';
export { registerMatcherCommands } from './cli.ts';
