export { Database, DatabaseError, ensureDatabase, migrate, dropSchema, masked } from './db.ts';
export type { Queryable } from './db.ts';
