import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { stackStatus } from '../../core/stack/index.ts';
import type { Config } from '../../core/config/index.ts';
import { type IngestRuntime, filesRoutes } from '../../ingest/index.ts';
import { apiKeyAuth, codedErrors } from '../../core/http/index.ts';
import { exportRoutes } from '../../export/index.ts';

/**
 * The HTTP API: uploads, file status and export downloads. OpenAPI at /v1/openapi.json.
 * `checked`: where the readiness check looks for the services (tests: one that is down).
 */
export async function buildApi(rt: IngestRuntime, checked: Config = rt.config): Promise<FastifyInstance> {
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
  await app.register(multipart);
  await app.register(codedErrors);
  await app.register(apiKeyAuth, { keys: rt.config.ingest.apiKeys });
  // live: the process answers; ready (and /health): every service it needs answers too.
  app.get('/health/live', { config: { public: true }, schema: { hide: true } }, async () => ({ ok: true }));
  const ready = async (reply: FastifyReply) => {
    const checks = (await stackStatus(checked)).map((s) => ({
      name: s.name,
      ok: s.healthy,
      detail: s.detail,
    }));
    const failed = checks.filter((c) => !c.ok).map((c) => c.name);
    return reply
      .code(failed.length ? 503 : 200)
      .send({ ok: !failed.length, ...(failed.length ? { failed } : {}), checks });
  };
  app.get('/health/ready', { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
    ready(reply),
  );
  app.get('/health', { config: { public: true }, schema: { hide: true } }, (_request, reply) => ready(reply));
  app.get('/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.register(filesRoutes, { rt });
  await app.register(exportRoutes, { outboxDir: rt.config.export.outboxDir });
  return app;
}
