export { loadSchemas, loadSchema } from './schemas.ts';
export type { LoadedSchema } from './schemas.ts';
export { backwardProblems } from './compatibility.ts';
export type * from './types.ts';
export { logicalTypes } from './schemas.ts';
export { sampleUsageLine, sampleFileEvent, sampleWork, sampleMatchedUsage } from './samples.ts';
