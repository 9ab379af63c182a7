// One base for every error tallyline means to tell its caller about, as Fastify and KafkaJS
// do: a stable code for scripts and a kind that says how the caller should take it. Each
// component has one error type on this base (IngestError, ExportError, DeadLetterError, …);
// the kind is mapped to an HTTP answer and a CLI exit code here and nowhere else.

/** How a caller should take an error. */
export type ErrorKind =
  /** the request or its input is wrong: fix it and ask again */
  | 'invalid'
  /** no credentials, or ones nobody knows */
  | 'unauthenticated'
  /** the caller's role may not do this (a role, not a particular thing: that is not-found) */
  | 'forbidden'
  /** what was asked about does not exist (or is not the caller's to see) */
  | 'not-found'
  /** it cannot be done now: something else holds it, or it was done already */
  | 'conflict'
  /** the input is larger than allowed */
  | 'too-large'
  /** the input was read, and is not what it claims to be */
  | 'unprocessable'
  /** a service tallyline needs cannot be reached: an infrastructure error, retried */
  | 'unavailable'
  /** tallyline could not do it: the message says why */
  | 'failed';

export class TallylineError<Code extends string = string> extends Error {
  /** A component's error type may list the kind of each of its codes here, once. */
  static readonly kinds: Readonly<Record<string, ErrorKind>> = {};
  readonly kind: ErrorKind;

  constructor(
    readonly code: Code,
    message: string,
    kind?: ErrorKind,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind ?? (new.target as typeof TallylineError).kinds[code] ?? 'invalid';
  }
}

const HTTP_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unprocessable: 422,
  unavailable: 503,
  failed: 500,
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The HTTP status an error of this kind is answered with. */
export function httpStatusOf(kind: ErrorKind): number {
  return HTTP_STATUS[kind];
}

/** The reason phrase of an HTTP status, for the `error` field of an answer. */
export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Bad Request');
}

/** The CLI's exit code: 2 for a command given wrong input (as for a usage error), else 1. */
export function exitCodeOf(kind: ErrorKind): number {
  return kind === 'invalid' ? 2 : 1;
}
