import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { stackStatus } from '../../core/stack/index.ts';
import type { Config } from '../../core/config/index.ts';
import { type IngestRuntime, filesRoutes } from '../../ingest/index.ts';
import { apiKeyAuth, codedErrors, hashKey } from '../../core/http/index.ts';
import { exportRoutes } from '../../export/index.ts';
import { deadLetterRoutes } from '../../dead-letters/index.ts';
import { refdataRoutes } from '../../matcher/index.ts';

/**
 * The HTTP API: uploads and file status, dead letters and re-send requests, reference data,
 * export downloads; each route names the roles that may call it (docs/api.md). OpenAPI at
 * /v1/openapi.json.
 * `config`: the runtime's unless given (tests: a registry that is down, a low rate limit).
 */
export async function buildApi(rt: IngestRuntime, config: Config = rt.config): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: rt.logger.child({ component: 'api' }) as FastifyBaseLogger,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'tallyline ingest API', version: '1' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  // Per API key (its hash, never the key) or, for a request without one, per address: a
  // well-kept plugin rather than a counter of our own. The health checks are not counted.
  await app.register(rateLimit, {
    max: config.ingest.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const auth = request.headers.authorization ?? request.headers['x-api-key'];
      return typeof auth === 'string' ? `key:${hashKey(auth)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `more than ${context.max} requests a minute: try again in ${context.after}`,
    }),
  });
  await app.register(multipart);
  await app.register(codedErrors);
  await app.register(apiKeyAuth, { keys: rt.config.ingest.apiKeys });
  // live: the process answers; ready (and /health): every service it needs answers too.
  app.get(
    '/health/live',
    { config: { public: true, rateLimit: false }, schema: { hide: true } },
    async () => ({ ok: true }),
  );
  const ready = async (reply: FastifyReply) => {
    const checks = (await stackStatus(config)).map((s) => ({
      name: s.name,
      ok: s.healthy,
      detail: s.detail,
    }));
    const failed = checks.filter((c) => !c.ok).map((c) => c.name);
    return reply
      .code(failed.length ? 503 : 200)
      .send({ ok: !failed.length, ...(failed.length ? { failed } : {}), checks });
  };
  app.get(
    '/health/ready',
    { config: { public: true, rateLimit: false }, schema: { hide: true } },
    (_request, reply) => ready(reply),
  );
  app.get(
    '/health',
    { config: { public: true, rateLimit: false }, schema: { hide: true } },
    (_request, reply) => ready(reply),
  );
  app.get(
    '/v1/openapi.json',
    { config: { public: true, rateLimit: false }, schema: { hide: true } },
    async () => app.swagger(),
  );
  await app.register(filesRoutes, { rt });
  await app.register(exportRoutes, { outboxDir: rt.config.export.outboxDir });
  await app.register(deadLetterRoutes, { rt });
  await app.register(refdataRoutes, { config: rt.config, logger: rt.logger });
  return app;
}
