// What every component's HTTP routes stand on: the callers' keys and roles, and the error answers.
export { apiKeyAuth, hashKey, senderScope, type Caller } from './auth.ts';
export { errorSchema } from './error-schema.ts';
export { ApiError, codedErrors, forbiddenRole, sendCoded, sendError, type ApiErrorCode } from './errors.ts';
