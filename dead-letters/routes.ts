import type { FastifyInstance, FastifyRequest } from 'fastify';
import { senderScope } from '../core/http/index.ts';
import type { IngestRuntime } from '../ingest/index.ts';
import { DeadLetterError } from './errors.ts';
import { deadLetterFilter, type FilterOptions } from './filter.ts';
import { cellsOf } from './inspect.ts';
import { purge } from './purge.ts';
import { replayAsked, type ReplayAsk } from './replay.ts';
import { LIST, PURGE, REPLAY, REQUESTS, SHOW } from './route-schemas.ts';
import { DeadLetters, type DeadLetterItem } from './work-list.ts';
import { deadLetterOf, historyOf, resendRequestsOf } from './views.ts';

// The dead-letter API: what `dlq list | show` show, the re-send requests, and replay and
// purge through the very functions the CLI calls. A sender sees its own files' lines only
// (another's answers like a missing one); replay and purge act on everyone's: operators only.

const SENDERS = { roles: ['sender', 'operator'] } as const;
const OPERATORS = { roles: ['operator'] } as const;

type Page = { limit?: number; offset?: number };

/** The filter a caller may use: a sender key is held to its own files whatever it asks. */
function scoped(request: FastifyRequest, opts: FilterOptions): FilterOptions {
  const own = senderScope(request.caller);
  return own ? { ...opts, sender: own } : opts;
}

function rowOf(d: DeadLetterItem) {
  return {
    lineId: d.lineId,
    fileId: d.fileId,
    fileName: d.fileName ?? null,
    sender: d.sender ?? null,
    lineNumber: d.lineNumber,
    stage: d.stage,
    errorClass: d.errorClass,
    cell: d.cell ?? null,
    state: d.state,
    replays: d.replays,
    attempt: d.attempt,
    message: d.message,
    lastFailure: d.lastFailure.toISOString(),
  };
}

/** Who asked, for the audit record: the key's holder, through the API. */
const byOf = (request: FastifyRequest) => `api:${request.caller.name}`;

export async function deadLetterRoutes(app: FastifyInstance, options: { rt: IngestRuntime }): Promise<void> {
  const { rt } = options;
  const deadLetters = DeadLetters.of(rt);

  app.get<{ Querystring: FilterOptions & Page }>(
    '/v1/dead-letters',
    { config: SENDERS, schema: LIST },
    async (request) => {
      const { limit = 100, offset = 0, ...opts } = request.query;
      const items = await deadLetters.list(deadLetterFilter(scoped(request, opts)));
      return {
        deadLetters: items.slice(offset, offset + limit).map(rowOf),
        total: items.length,
        limit,
        offset,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/dead-letters/:id',
    { config: SENDERS, schema: SHOW },
    async (request) => {
      const { id } = request.params;
      const item = await deadLetterOf(deadLetters, id, senderScope(request.caller));
      if (!item) throw new DeadLetterError('NO_SUCH_DEAD_LETTER', `no dead letter ${id}`);
      return {
        ...rowOf(item),
        recordType: item.recordType ?? null,
        rootCauseLine: item.rootCauseLine ?? null,
        firstFailure: item.firstFailure.toISOString(),
        raw: item.raw.toString('utf8'),
        rawBase64: item.raw.toString('base64'),
        cells: cellsOf(item),
        history: await historyOf(rt.db, id),
      };
    },
  );

  app.get<{ Querystring: { file?: string; sender?: string } & Page }>(
    '/v1/resend-requests',
    { config: SENDERS, schema: REQUESTS },
    async (request) => {
      const { limit = 100, offset = 0, file, sender } = request.query;
      const own = senderScope(request.caller);
      const requests = await resendRequestsOf(deadLetters, rt.db, {
        ...((own ?? sender) ? { sender: own ?? sender } : {}),
        ...(file ? { fileId: file } : {}),
      });
      return { requests: requests.slice(offset, offset + limit), total: requests.length };
    },
  );

  app.post<{ Body: ReplayAsk }>(
    '/v1/dead-letters/replay',
    { config: OPERATORS, schema: REPLAY },
    async (request) => replayAsked(rt, deadLetters, request.body ?? {}, { by: byOf(request) }),
  );

  app.post<{ Body: FilterOptions & { force?: boolean; yes?: boolean } }>(
    '/v1/dead-letters/purge',
    { config: OPERATORS, schema: PURGE },
    async (request) => {
      const { force, yes, ...opts } = request.body ?? {};
      return purge(deadLetters, deadLetterFilter(opts), {
        force: !!force,
        by: byOf(request),
        confirm: async () => !!yes,
      });
    },
  );
}
