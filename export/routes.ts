import { readdir, readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { type Caller, errorSchema, sendError } from '../core/http/index.ts';
import { outboxFile, readManifest, type ManifestEntry } from './outbox.ts';

const PERIOD = '^\\d{4}-(0[1-9]|1[0-2]|Q[1-4])$';

const entrySchema = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    kind: { type: 'string', enum: ['STATEMENT', 'CLAIM'] },
    period: { type: 'string' },
    rightsHolderId: { type: ['string', 'null'] },
    reportFileId: { type: ['string', 'null'] },
    sender: { type: ['string', 'null'] },
    sha256: { type: 'string' },
    sizeBytes: { type: 'integer' },
    rows: { type: 'integer' },
    totals: {
      type: 'array',
      items: {
        type: 'object',
        properties: { currency: { type: 'string' }, usages: { type: 'integer' }, amount: { type: 'string' } },
      },
    },
    downloadUrl: { type: 'string' },
  },
};

/**
 * Who may see a file: an operator everything; a rights holder its own statements; a sender
 * the claims on its own reports (a claim is addressed to the report's sender).
 */
export function maySee(caller: Caller, e: ManifestEntry): boolean {
  if (caller.role === 'operator') return true;
  if (caller.role === 'rightsHolder') return e.kind === 'STATEMENT' && e.rightsHolderId === caller.holder;
  return e.kind === 'CLAIM' && e.sender === caller.sender;
}

/** Every role has exports of its own; which ones is maySee's. */
const ROLES = { roles: ['sender', 'rightsHolder', 'operator'] } as const;

async function periodsIn(outboxDir: string): Promise<string[]> {
  const names = await readdir(outboxDir).catch(() => [] as string[]);
  return names.filter((n) => new RegExp(PERIOD).test(n)).sort();
}

const LIST_SCHEMA = {
  config: ROLES,
  schema: {
    summary: 'Statement and claim files written by the export, those the API key may see',
    querystring: { type: 'object', properties: { period: { type: 'string', pattern: PERIOD } } },
    response: {
      200: { type: 'object', properties: { files: { type: 'array', items: entrySchema } } },
      400: errorSchema,
      401: errorSchema,
    },
  },
};

const DOWNLOAD_SCHEMA = {
  config: ROLES,
  schema: {
    summary: 'Download one statement (CSV) or claim (CDM-modelled TSV) file',
    params: {
      type: 'object',
      properties: {
        period: { type: 'string', pattern: PERIOD },
        folder: { type: 'string', enum: ['statements', 'claims'] },
        name: { type: 'string', pattern: '^[A-Za-z0-9._-]+\\.(csv|tsv)$' },
      },
      required: ['period', 'folder', 'name'],
    },
    response: { 200: { type: 'string' }, 400: errorSchema, 401: errorSchema, 404: errorSchema },
  },
};

/** The export's routes: the list of written files and their download, per caller. */
export async function exportRoutes(app: FastifyInstance, options: { outboxDir: string }): Promise<void> {
  app.get<{ Querystring: { period?: string } }>('/v1/exports', LIST_SCHEMA, async (request) => {
    const periods = request.query.period ? [request.query.period] : await periodsIn(options.outboxDir);
    const files = [];
    for (const period of periods) {
      const manifest = await readManifest(options.outboxDir, period);
      for (const e of manifest?.files ?? []) {
        if (maySee(request.caller, e)) files.push({ ...e, period, downloadUrl: `/v1/exports/${e.path}` });
      }
    }
    return { files };
  });

  app.get<{ Params: { period: string; folder: 'statements' | 'claims'; name: string } }>(
    '/v1/exports/:period/:folder/:name',
    DOWNLOAD_SCHEMA,
    async (request, reply) => {
      const { period, folder, name } = request.params;
      const path = `${period}/${folder}/${name}`;
      const entry = (await readManifest(options.outboxDir, period))?.files.find((f) => f.path === path);
      // Another holder's file is answered like a missing one: its existence is not told.
      if (!entry || !maySee(request.caller, entry))
        return sendError(reply, 404, 'NO_SUCH_EXPORT', `no export ${path}`);
      let content: string;
      try {
        content = await readFile(outboxFile(options.outboxDir, path), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        // Listed by the manifest, removed since by a re-export that no longer produces it.
        return sendError(
          reply,
          404,
          'EXPORT_FILE_GONE',
          `${path} is listed in the manifest but was removed since (a re-export of ${period} is running or did not produce it): list /v1/exports again`,
        );
      }
      return reply
        .header(
          'content-type',
          name.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'text/tab-separated-values; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-sha256', entry.sha256)
        .send(content);
    },
  );
}
