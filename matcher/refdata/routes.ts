import type { FastifyInstance } from 'fastify';
import type { Config } from '../../core/config/index.ts';
import { errorSchema } from '../../core/http/index.ts';
import type { Logger } from '../../core/log/index.ts';
import { loadReferenceFiles } from './load.ts';

// POST /v1/refdata: `tallyline refdata load` over HTTP, one file a request, through the same
// loader. Reference data decides whose money a usage is: operators only.

/** A CWR catalog or link table is read whole (as the CLI does): this much at most. */
export const REFDATA_MAX_BYTES = 256 * 1024 ** 2;

const rejection = {
  type: 'object',
  properties: {
    line: { type: 'integer' },
    recordType: { type: 'string' },
    field: { type: 'string' },
    reason: { type: 'string' },
  },
};

const report = {
  type: 'object',
  properties: {
    file: { type: 'string' },
    format: { type: 'string', enum: ['CWR', 'CSV'] },
    source: { type: 'string' },
    version: { type: ['string', 'null'] },
    read: { type: 'integer' },
    loaded: { type: 'integer' },
    rejected: { type: 'integer' },
    trailerCheck: { type: ['string', 'null'] },
    fileError: { type: ['string', 'null'] },
    worksWritten: { type: 'integer' },
    recordingsWritten: { type: 'integer' },
    rejections: { type: 'array', items: rejection },
  },
};

const LOAD = {
  summary:
    'Load a CWR file (works, REC links) or a CSV link table onto ref.works and ref.recordings, as `tallyline refdata load`: the raw file as the body, its name in X-File-Name',
  headers: {
    type: 'object',
    properties: { 'x-file-name': { type: 'string', pattern: '^[^/\\\\]+$' } },
    required: ['x-file-name'],
  },
  querystring: {
    type: 'object',
    properties: {
      source: { type: 'string', minLength: 1, description: 'who asserts these works and links (--source)' },
    },
    required: ['source'],
  },
  response: {
    200: { type: 'object', properties: { files: { type: 'array', items: report } } },
    400: errorSchema,
    401: errorSchema,
    403: errorSchema,
    413: errorSchema,
  },
};

export async function refdataRoutes(
  app: FastifyInstance,
  options: { config: Config; logger: Logger },
): Promise<void> {
  // Whatever the content type says, the body is the file's bytes (a CSV may come as text/plain).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post<{ Headers: { 'x-file-name': string }; Querystring: { source: string }; Body: Buffer }>(
    '/v1/refdata',
    { config: { roles: ['operator'] }, bodyLimit: REFDATA_MAX_BYTES, schema: LOAD },
    async (request) => {
      const name = request.headers['x-file-name'];
      const files = await loadReferenceFiles(
        options.config,
        options.logger,
        [{ name, bytes: request.body ?? Buffer.alloc(0) }],
        request.query.source,
      );
      return { files };
    },
  );
}
