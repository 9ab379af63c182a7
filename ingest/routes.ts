import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { FileRecord } from './files/file-store.ts';
import { IngestError } from './errors.ts';
import { Intake } from './intake/intake.ts';
import type { IngestRuntime } from './runtime.ts';
import { errorSchema, forbiddenRole, senderScope, sendError } from '../core/http/index.ts';

const countsSchema = {
  type: ['object', 'null'],
  properties: {
    lines: { type: 'integer' },
    emitted: { type: 'integer' },
    deadLettered: { type: 'integer' },
    context: { type: 'integer' },
  },
};

const fileSchema = {
  type: 'object',
  properties: {
    fileId: { type: 'string' },
    fileName: { type: 'string' },
    sender: { type: 'string' },
    format: { type: 'string' },
    state: { type: 'string', enum: ['received', 'splitting', 'split', 'rejected', 'failed'] },
    receivedAt: { type: 'string' },
    startedAt: { type: ['string', 'null'] },
    completedAt: { type: ['string', 'null'] },
    sizeBytes: { type: 'integer' },
    progress: { type: 'object', properties: { lines: { type: 'integer' }, percent: { type: 'number' } } },
    counts: countsSchema,
    corrected: { type: 'integer' },
    footerCheck: { type: ['string', 'null'] },
    deadByClass: { type: 'object', additionalProperties: { type: 'integer' } },
    systemic: { type: 'boolean' },
    warnings: { type: 'array', items: { type: 'string' } },
    reason: { type: ['string', 'null'] },
    report: {
      type: ['object', 'null'],
      properties: {
        key: { type: 'string' },
        part: { type: 'integer' },
        of: { type: 'integer' },
        partsReceived: { type: 'array', items: { type: 'integer' } },
        complete: { type: 'boolean' },
      },
    },
    statusUrl: { type: 'string' },
  },
};

const uploadResponse = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['accepted', 'duplicate'] },
    fileId: { type: 'string' },
    fileName: { type: 'string' },
    state: { type: 'string' },
    statusUrl: { type: 'string' },
  },
};

/** The file's status as the API shows it, with the state of its multi-file report. */
export async function fileStatus(rt: IngestRuntime, f: FileRecord) {
  let report = null;
  if (f.report) {
    const parts = Object.keys(await rt.files.reportParts(f.report.key, f.sender))
      .map(Number)
      .sort((a, b) => a - b);
    report = { ...f.report, partsReceived: parts, complete: parts.length === f.report.of };
  }
  return {
    fileId: f.fileId,
    fileName: f.fileName,
    sender: f.sender,
    format: f.format,
    state: f.state,
    receivedAt: f.receivedAt,
    startedAt: f.startedAt,
    completedAt: f.completedAt,
    sizeBytes: f.contentBytes,
    progress: f.progress,
    counts: f.counts,
    corrected: f.corrected ?? 0,
    footerCheck: f.footerCheck,
    deadByClass: f.deadByClass ?? {},
    systemic: f.systemic,
    warnings: f.warnings,
    reason: f.reason,
    report,
    statusUrl: `/v1/files/${f.fileId}`,
  };
}

/** X-File-Name may be percent-encoded (non-ASCII names); a name that is not is taken as it is. */
function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

// Files are senders' (each its own) and operators' (all); a rights holder has none.
const ROLES = { roles: ['sender', 'operator'] } as const;

const UPLOAD_SCHEMA = {
  config: ROLES,
  schema: {
    summary: 'Upload a usage report (raw body with X-File-Name, or multipart field "file")',
    headers: { type: 'object', properties: { 'x-file-name': { type: 'string' } } },
    querystring: {
      type: 'object',
      properties: {
        sender: {
          type: 'string',
          description: 'an operator key: the sender to upload for (required); a sender key: its own or none',
        },
      },
    },
    response: {
      202: uploadResponse,
      400: errorSchema,
      401: errorSchema,
      403: errorSchema,
      413: errorSchema,
      422: errorSchema,
    },
  },
};

const STATUS_SCHEMA = {
  config: ROLES,
  schema: {
    summary: "A file's state, progress and line accounting",
    params: {
      type: 'object',
      properties: { id: { type: 'string', pattern: '^[0-9a-f]{1,64}$' } },
      required: ['id'],
    },
    response: { 200: fileSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
  },
};

const LIST_SCHEMA = {
  config: ROLES,
  schema: {
    summary: "Files, newest first: a sender's own, or all (or one sender's) for an operator key",
    querystring: {
      type: 'object',
      properties: {
        sender: { type: 'string' },
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      },
    },
    response: {
      200: { type: 'object', properties: { files: { type: 'array', items: fileSchema } } },
      401: errorSchema,
      403: errorSchema,
    },
  },
};

type UploadRequest = FastifyRequest<{
  Headers: { 'x-file-name'?: string };
  Querystring: { sender?: string };
}>;

/** POST /v1/files: the upload, streamed through the intake. */
async function upload(rt: IngestRuntime, intake: Intake, request: UploadRequest, reply: FastifyReply) {
  const own = senderScope(request.caller);
  if (own && request.query.sender && request.query.sender !== own)
    throw forbiddenRole(['operator'], 'upload for another sender', request.caller.role);
  // An operator is no sender: it says whose file it uploads.
  const sender = own ?? request.query.sender;
  if (!sender) throw new IngestError('NO_SENDER', 'an operator key uploads for a sender: ?sender=<sender>');
  const length = Number(request.headers['content-length'] ?? 0);
  if (length > rt.config.ingest.maxUploadBytes) {
    return sendError(
      reply,
      413,
      'TOO_LARGE',
      `upload of ${length} bytes exceeds the limit of ${rt.config.ingest.maxUploadBytes}`,
    );
  }
  let body: Readable;
  let fileName: string | undefined;
  if (request.isMultipart()) {
    const part = await request.file({ limits: { fileSize: rt.config.ingest.maxUploadBytes, files: 1 } });
    if (!part) return sendError(reply, 400, 'NO_FILE', 'the multipart body has no file field');
    body = part.file;
    fileName = part.filename;
  } else {
    body = request.body as Readable;
    fileName = request.headers['x-file-name'];
    if (!fileName) {
      body.resume();
      return sendError(
        reply,
        400,
        'NO_FILE_NAME',
        'send the file name in the X-File-Name header (or use multipart)',
      );
    }
  }
  try {
    const result = await intake.accept(body, decodeName(fileName), sender);
    if (result.status === 'rejected') {
      return sendError(reply, 422, 'FILE_REJECTED', result.file.reason ?? 'rejected', {
        fileId: result.file.fileId,
      });
    }
    return reply.code(202).send({
      status: result.status,
      fileId: result.file.fileId,
      fileName: result.file.fileName,
      state: result.file.state,
      statusUrl: `/v1/files/${result.file.fileId}`,
    });
  } catch (err) {
    // multipart's own limit, told as the intake's: one code for one fault, whichever saw it first
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new IngestError('TOO_LARGE', `upload exceeds ${rt.config.ingest.maxUploadBytes} bytes`);
    throw err;
  }
}

export async function filesRoutes(app: FastifyInstance, options: { rt: IngestRuntime }): Promise<void> {
  const { rt } = options;
  const intake = new Intake(rt);

  // Upload bodies are streamed to the landing store, never buffered, whatever their content
  // type says: Fastify's own parsers would read a text/plain body whole into memory and
  // answer a report sent as application/json with a JSON parse error. (Multipart keeps its
  // own streaming parser.)
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post<{ Headers: { 'x-file-name'?: string }; Querystring: { sender?: string } }>(
    '/v1/files',
    UPLOAD_SCHEMA,
    (request, reply) => upload(rt, intake, request, reply),
  );

  app.get<{ Params: { id: string } }>('/v1/files/:id', STATUS_SCHEMA, async (request, reply) => {
    const file = await rt.files.get(request.params.id);
    // Another sender's file is answered exactly like a missing one.
    const own = senderScope(request.caller);
    if (!file || (own && file.sender !== own)) {
      return sendError(reply, 404, 'NO_SUCH_FILE', `no file ${request.params.id}`);
    }
    return fileStatus(rt, file);
  });

  app.get<{ Querystring: { sender?: string; limit?: number } }>('/v1/files', LIST_SCHEMA, async (request) => {
    const sender = senderScope(request.caller) ?? request.query.sender;
    const files = await rt.files.list({ ...(sender ? { sender } : {}), limit: request.query.limit ?? 100 });
    return { files: await Promise.all(files.map((f) => fileStatus(rt, f))) };
  });
}
