// What every component's HTTP routes stand on: the callers' keys and the error answers.
export { apiKeyAuth, hashKey, type Caller, type ApiKeyEntry } from './auth.ts';
export { errorSchema } from './error-schema.ts';
export { codedErrors, sendError } from './errors.ts';
