import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { httpStatusOf, statusText, TallylineError } from '../errors/index.ts';

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

/**
 * Turns a component's coded error thrown by a route into its answer (status from the
 * error's kind); anything else keeps Fastify's own handling (a 4xx of its own, else 500).
 */
export const codedErrors = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err, request, reply) => {
      if (err instanceof TallylineError)
        return sendError(reply, httpStatusOf(err.kind), err.code, err.message);
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
