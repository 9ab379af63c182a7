import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { apiKeyAuth, codedErrors, hashKey } from './index.ts';

const keys = [
  { role: 'sender' as const, sender: 'S1', name: 'S1', sha256: hashKey('s') },
  { role: 'rightsHolder' as const, holder: 'SOC-PRS', name: 'SOC-PRS', sha256: hashKey('h') },
  { role: 'operator' as const, name: 'ops', sha256: hashKey('o') },
];

async function app() {
  const app = Fastify();
  await app.register(codedErrors);
  await app.register(apiKeyAuth, { keys });
  app.get('/who', { config: { roles: ['sender', 'rightsHolder', 'operator'] } }, async (r) => r.caller);
  app.post('/purge', { config: { roles: ['operator'] } }, async () => ({ ok: true }));
  return app;
}

test('the caller is the key: its role and the sender or holder it acts for', async () => {
  const a = await app();
  const who = async (key: string) => (await a.inject({ url: '/who', headers: { 'x-api-key': key } })).json();
  assert.deepEqual(await who('s'), { role: 'sender', name: 'S1', sender: 'S1' });
  assert.deepEqual(await who('h'), { role: 'rightsHolder', name: 'SOC-PRS', holder: 'SOC-PRS' });
  assert.deepEqual(await who('o'), { role: 'operator', name: 'ops' });
  assert.equal((await a.inject({ url: '/who' })).json().code, 'NO_API_KEY');
  assert.equal((await a.inject({ url: '/who', headers: { 'x-api-key': 'x' } })).statusCode, 401);
});

test('a role the route does not name is 403 FORBIDDEN_ROLE, saying which role may', async () => {
  const a = await app();
  const res = await a.inject({ method: 'POST', url: '/purge', headers: { authorization: 'Bearer s' } });
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().code, 'FORBIDDEN_ROLE');
  assert.equal(res.json().message, 'only an operator key may POST /purge; this is a sender key');
  assert.equal(
    (await a.inject({ method: 'POST', url: '/purge', headers: { 'x-api-key': 'o' } })).statusCode,
    200,
  );
  // No such route: 404 whatever the role.
  assert.equal((await a.inject({ url: '/nothing', headers: { 'x-api-key': 'h' } })).statusCode, 404);
});

test('a route that names no roles is refused when registered: none is open by oversight', async () => {
  const a = Fastify();
  await a.register(apiKeyAuth, { keys });
  await assert.rejects(async () => {
    a.get('/open', async () => 'x');
    await a.ready();
  }, /GET \/open: a route names the roles that may call it/);
});
