import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiRole } from '../config/index.ts';
import { httpStatusOf, statusText, TallylineError, type ErrorKind } from '../errors/index.ts';

/** Answers with the API's error body (core/http/error-schema.ts). */
export function sendError(
  reply: FastifyReply,
  statusCode: number,
  code: string,
  message: string,
  extra: object = {},
): FastifyReply {
  return reply.code(statusCode).send({ statusCode, code, error: statusText(statusCode), message, ...extra });
}

/** Answers with a coded error: its kind's status and its code. */
export function sendCoded(reply: FastifyReply, err: TallylineError): FastifyReply {
  return sendError(reply, httpStatusOf(err.kind), err.code, err.message);
}

// The API's own coded errors, about who calls rather than what is asked: the components'
// "not found" answers stay theirs (a foreign id answers exactly like a missing one).
export type ApiErrorCode = 'NO_API_KEY' | 'BAD_API_KEY' | 'FORBIDDEN_ROLE';

export class ApiError extends TallylineError<ApiErrorCode> {
  static override readonly kinds: Record<ApiErrorCode, ErrorKind> = {
    NO_API_KEY: 'unauthenticated',
    BAD_API_KEY: 'unauthenticated',
    FORBIDDEN_ROLE: 'forbidden',
  };
}

const ROLE_NAMES: Record<ApiRole, string> = {
  sender: 'sender',
  rightsHolder: 'rights holder',
  operator: 'operator',
};

/** 403 FORBIDDEN_ROLE, saying which roles may do it and which role the key has. */
export function forbiddenRole(allowed: readonly ApiRole[], what: string, role: ApiRole): ApiError {
  const names = allowed.map((r) => ROLE_NAMES[r]);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0];
  const article = /^[aeiou]/.test(list ?? '') ? 'an' : 'a';
  return new ApiError(
    'FORBIDDEN_ROLE',
    `only ${article} ${list} key may ${what}; this is ${/^[aeiou]/.test(ROLE_NAMES[role]) ? 'an' : 'a'} ${ROLE_NAMES[role]} key`,
  );
}

/**
 * Turns a component's coded error thrown by a route into its answer (status from the
 * error's kind); anything else keeps Fastify's own handling (a 4xx of its own, else 500).
 */
export const codedErrors = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err, request, reply) => {
      if (err instanceof TallylineError) return sendCoded(reply, err);
      const statusCode = (err as { statusCode?: number }).statusCode ?? 500;
      if (statusCode >= 500) request.log.error({ err }, 'request failed');
      return sendError(
        reply,
        statusCode,
        (err as { code?: string }).code ?? 'INTERNAL',
        statusCode >= 500 ? 'internal error' : (err as Error).message,
      );
    });
  },
  { name: 'coded-errors' },
);
