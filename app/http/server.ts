import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type IngestRuntime, filesRoutes } from '../../ingest/index.ts';
import { apiKeyAuth, codedErrors } from '../../core/http/index.ts';
import { exportRoutes } from '../../export/index.ts';

/** The HTTP API: uploads, file status and export downloads. OpenAPI at /v1/openapi.json. */
export async function buildApi(rt: IngestRuntime): Promise<FastifyInstance> {
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
  app.get('/health', { config: { public: true }, schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.register(filesRoutes, { rt });
  await app.register(exportRoutes, { outboxDir: rt.config.export.outboxDir });
  return app;
}
