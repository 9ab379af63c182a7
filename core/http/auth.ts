import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.ts';

export interface Caller {
  /** the sender the key belongs to */
  sender: string;
  admin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

export interface ApiKeyEntry {
  sender: string;
  sha256: string;
  admin: boolean;
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

/**
 * API-key authentication: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Keys are
 * configured as SHA-256 hashes; the key identifies the sender. Routes with
 * `config: { public: true }` skip it.
 */
export const apiKeyAuth = fp<{ keys: ApiKeyEntry[] }>(
  async (app: FastifyInstance, options) => {
    const keys = options.keys.map((k) => ({ ...k, digest: Buffer.from(k.sha256, 'hex') }));
    app.decorateRequest('caller', { getter: () => ({ sender: '', admin: false }) });
    app.addHook('onRequest', async (request, reply) => {
      if ((request.routeOptions.config as { public?: boolean } | undefined)?.public) return;
      const key = keyOf(request);
      if (!key) {
        return sendError(reply, 401, 'NO_API_KEY', 'send an API key: Authorization: Bearer <key>');
      }
      const digest = Buffer.from(hashKey(key), 'hex');
      const match = keys.find((k) => timingSafeEqual(k.digest, digest));
      if (!match) {
        return sendError(reply, 401, 'BAD_API_KEY', 'unknown API key');
      }
      Object.defineProperty(request, 'caller', { value: { sender: match.sender, admin: match.admin } });
    });
  },
  { name: 'api-key-auth' },
);
