// What every component's HTTP routes stand on: the callers' keys and the error answer's shape.
export { apiKeyAuth, hashKey, type Caller } from './auth.ts';
export { errorSchema } from './error-schema.ts';
