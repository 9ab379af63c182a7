import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKey, ApiRole } from '../config/index.ts';
import { ApiError, forbiddenRole, sendCoded } from './errors.ts';

/** Who calls: the key's role, and the sender or rights holder it acts for. */
export interface Caller {
  role: ApiRole;
  /** who holds the key (logs, audit records) */
  name: string;
  /** a sender key's sender */
  sender?: string;
  /** a rights-holder key's holder id (as in its statements' file names) */
  holder?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** no API key needed (health, the OpenAPI document) */
    public?: boolean;
    /** the roles whose keys may call the route; every other route must say */
    roles?: readonly ApiRole[];
  }
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function keyOf(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : null;
}

function callerOf(key: ApiKey): Caller {
  if (key.role === 'sender') return { role: key.role, name: key.name, sender: key.sender };
  if (key.role === 'rightsHolder') return { role: key.role, name: key.name, holder: key.holder };
  return { role: key.role, name: key.name };
}

/**
 * API-key authentication: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Keys are
 * configured as SHA-256 hashes, each with its role. Routes with `config: { public: true }`
 * skip it; every other route names the roles that may call it (`config: { roles }`): a
 * route that does not is refused when it is registered, so none is open by oversight.
 */
export const apiKeyAuth = fp<{ keys: readonly ApiKey[] }>(
  async (app: FastifyInstance, options) => {
    const keys = options.keys.map((k) => ({ key: k, digest: Buffer.from(k.sha256, 'hex') }));
    app.decorateRequest('caller', { getter: (): Caller => ({ role: 'sender', name: '' }) });
    app.addHook('onRoute', (route) => {
      if (route.config?.public) return;
      const roles = route.config?.roles;
      if (!roles?.length)
        throw new Error(
          `${route.method} ${route.url}: a route names the roles that may call it (config.roles)`,
        );
      // Said in the OpenAPI document too, where a client's author reads it.
      if (route.schema)
        route.schema = {
          ...route.schema,
          description: `${route.schema.description ? `${route.schema.description} ` : ''}Roles: ${roles.join(', ')}.`,
        };
    });
    app.addHook('onRequest', async (request, reply) => {
      const config = request.routeOptions.config;
      if (config?.public) return;
      const key = keyOf(request);
      if (!key)
        return sendCoded(reply, new ApiError('NO_API_KEY', 'send an API key: Authorization: Bearer <key>'));
      const digest = Buffer.from(hashKey(key), 'hex');
      const match = keys.find((k) => timingSafeEqual(k.digest, digest));
      if (!match) return sendCoded(reply, new ApiError('BAD_API_KEY', 'unknown API key'));
      const caller = callerOf(match.key);
      Object.defineProperty(request, 'caller', { value: caller });
      // No route (Fastify answers 404): nothing to allow or forbid.
      if (request.routeOptions.url === undefined) return;
      const roles = config?.roles ?? [];
      if (!roles.includes(caller.role))
        return sendCoded(
          reply,
          forbiddenRole(roles, `${request.method} ${request.routeOptions.url}`, caller.role),
        );
    });
  },
  { name: 'api-key-auth' },
);

/**
 * The sender whose files (and dead letters) a caller sees: a sender key its own, an
 * operator every sender's (undefined). Rights holders have no files: their routes are
 * closed to them by config.roles, and this refuses them again should one slip through.
 */
export function senderScope(caller: Caller): string | undefined {
  if (caller.role === 'operator') return undefined;
  if (caller.role === 'sender' && caller.sender) return caller.sender;
  throw forbiddenRole(['sender', 'operator'], "see a sender's files", caller.role);
}
