import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { TallylineError } from '../errors/index.ts';
import { codedErrors } from './index.ts';

class UploadError extends TallylineError<'TOO_BIG' | 'ODD'> {
  static override readonly kinds = { TOO_BIG: 'too-large', ODD: 'unprocessable' } as const;
}

async function app() {
  const app = Fastify();
  await app.register(codedErrors);
  app.get('/big', async () => {
    throw new UploadError('TOO_BIG', 'upload exceeds 10 bytes');
  });
  app.get('/bug', async () => {
    throw new Error('secret detail');
  });
  app.get(
    '/n/:n',
    { schema: { params: { type: 'object', properties: { n: { type: 'integer' } } } } },
    async () => 'ok',
  );
  return app;
}

test("a route's coded error is answered with its kind's status and its code", async () => {
  const res = await (await app()).inject({ url: '/big' });
  assert.equal(res.statusCode, 413);
  assert.deepEqual(res.json(), {
    statusCode: 413,
    code: 'TOO_BIG',
    error: 'Payload Too Large',
    message: 'upload exceeds 10 bytes',
  });
});

test("an unexpected error is a 500 that does not tell its message; Fastify's own 4xx keep theirs", async () => {
  const a = await app();
  const bug = await a.inject({ url: '/bug' });
  assert.equal(bug.statusCode, 500);
  assert.equal(bug.json().message, 'internal error');
  const bad = await a.inject({ url: '/n/x' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'FST_ERR_VALIDATION');
});
