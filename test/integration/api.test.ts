import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { repoRoot } from '../../core/paths/index.ts';
import { hashKey } from '../../core/http/index.ts';
import { buildApi } from '../../app/http/server.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

const keys = { alpha: 'key-alpha-123', beta: 'key-beta-456', admin: 'key-admin-789' };
const config = configFrom(
  ingestEnv('api', {
    TALLYLINE_API_KEYS: JSON.stringify([
      { sender: 'ALPHA', sha256: hashKey(keys.alpha) },
      { sender: 'BETA', sha256: hashKey(keys.beta) },
      { sender: 'ops', sha256: hashKey(keys.admin), admin: true },
    ]),
    TALLYLINE_MAX_UPLOAD_BYTES: '200000',
    TALLYLINE_MAX_COMPRESSION_RATIO: '50',
  }),
);
let h: IngestHarness;
let app: FastifyInstance;
let base: string;

const reports = path.join(repoRoot, 'fixtures/reports');
const dsrName = readdirSync(reports).find((n) => n.includes('2020-06-01') && n.endsWith('.tsv'))!;
const dsr = readFileSync(path.join(reports, dsrName));

function upload(key: string | null, body: Buffer, fileName: string) {
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'x-file-name': fileName,
  };
  if (key) headers.authorization = `Bearer ${key}`;
  return fetch(`${base}/v1/files`, { method: 'POST', headers, body });
}
const get = (key: string, url: string) =>
  fetch(`${base}${url}`, { headers: { authorization: `Bearer ${key}` } });

before(async () => {
  h = await IngestHarness.start(config);
  app = await buildApi(h.rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});
after(async () => {
  await app.close();
  await h.stop();
});

test('an upload answers 202 with the file id and a status URL; the status shows the accounting', async () => {
  const res = await upload(keys.alpha, dsr, dsrName);
  assert.equal(res.status, 202);
  const body = (await res.json()) as { fileId: string; statusUrl: string; status: string };
  assert.equal(body.status, 'accepted');
  assert.equal(body.statusUrl, `/v1/files/${body.fileId}`);
  await h.waitForFile(body.fileId);
  const status = (await (await get(keys.alpha, body.statusUrl)).json()) as {
    state: string;
    counts: { lines: number; emitted: number; deadLettered: number; context: number };
  };
  assert.equal(status.state, 'split');
  assert.equal(
    status.counts.lines,
    status.counts.emitted + status.counts.deadLettered + status.counts.context,
  );

  const again = (await (await upload(keys.alpha, dsr, dsrName)).json()) as { fileId: string; status: string };
  assert.deepEqual([again.status, again.fileId], ['duplicate', body.fileId]);
});

test('a report sent as text/plain or application/json is streamed and split like any other', async () => {
  const counts = [];
  for (const [type, sender] of [
    ['text/plain; charset=utf-8', 'PLAIN'],
    ['application/json', 'JSONTYPE'],
  ] as const) {
    const res = await fetch(`${base}/v1/files?sender=${sender}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin}`, 'content-type': type, 'x-file-name': dsrName },
      body: dsr,
    });
    assert.equal(res.status, 202, `${type}: ${await res.clone().text()}`);
    const { fileId } = (await res.json()) as { fileId: string };
    counts.push((await h.waitForFile(fileId)).counts);
  }
  assert.ok(counts[0]!.emitted > 0);
  assert.deepEqual(counts[0], counts[1]);
});

test('/health/ready checks Kafka, the registry, Redis and PostgreSQL, and names the one that fails', async () => {
  const ok = await fetch(`${base}/health/ready`);
  assert.equal(ok.status, 200);
  const body = (await ok.json()) as { ok: boolean; checks: { name: string; ok: boolean }[] };
  assert.deepEqual(
    body.checks.map((c) => [c.name, c.ok]),
    [
      ['kafka', true],
      ['registry', true],
      ['redis', true],
      ['postgres', true],
    ],
  );
  assert.equal((await fetch(`${base}/health/live`)).status, 200);
  // The same API with the registry somewhere nothing answers.
  const broken = await buildApi(h.rt, {
    ...h.rt.config,
    registry: { ...h.rt.config.registry, url: 'http://127.0.0.1:1' },
  });
  try {
    const res = await broken.inject({ url: '/health/ready' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual((res.json() as { failed: string[] }).failed, ['registry']);
  } finally {
    await broken.close();
  }
});

test('more requests a minute than the limit answer 429 RATE_LIMITED, per key; the health checks are not counted', async () => {
  const limited = await buildApi(h.rt, {
    ...h.rt.config,
    ingest: { ...h.rt.config.ingest, rateLimitPerMinute: 3 },
  });
  try {
    const list = (key: string) =>
      limited.inject({ url: '/v1/files', headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 3; i++) assert.equal((await list(keys.alpha)).statusCode, 200);
    const refused = await list(keys.alpha);
    assert.equal(refused.statusCode, 429);
    assert.equal((refused.json() as { code: string }).code, 'RATE_LIMITED');
    assert.match((refused.json() as { message: string }).message, /more than 3 requests a minute/);
    assert.equal((await list(keys.beta)).statusCode, 200, 'another key has its own count');
    for (let i = 0; i < 5; i++) assert.equal((await limited.inject({ url: '/health/live' })).statusCode, 200);
  } finally {
    await limited.close();
  }
});

test('multipart uploads go the same way', async () => {
  const form = new FormData();
  form.append('file', new Blob([gzipSync(dsr)]), `${dsrName}.gz`);
  const res = await fetch(`${base}/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.alpha}` },
    body: form,
  });
  assert.ok(res.status === 200 || res.status === 202, `status ${res.status}`);
  const body = (await res.json()) as { fileId: string; status: string };
  // The same content from the same sender, compressed: same id, so a duplicate.
  const first = (await (await get(keys.admin, '/v1/files?sender=ALPHA')).json()) as {
    files: { fileId: string }[];
  };
  assert.equal(body.fileId, first.files[0]!.fileId);
  assert.equal(body.status, 'duplicate');
});

test('no key is 401, an unknown key is 401', async () => {
  const none = await upload(null, dsr, dsrName);
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { code: string }).code, 'NO_API_KEY');
  assert.equal((await upload('wrong', dsr, dsrName)).status, 401);
  assert.equal((await fetch(`${base}/v1/files`)).status, 401);
});

test("another sender's file is 404, and a sender lists only its own; an admin sees all", async () => {
  const alphaFiles = (await (await get(keys.alpha, '/v1/files')).json()) as {
    files: { fileId: string; sender: string }[];
  };
  assert.ok(alphaFiles.files.length > 0);
  const id = alphaFiles.files[0]!.fileId;
  const res = await get(keys.beta, `/v1/files/${id}`);
  assert.equal(res.status, 404);
  const betaFiles = (await (await get(keys.beta, '/v1/files')).json()) as { files: { sender: string }[] };
  assert.ok(betaFiles.files.every((f) => f.sender === 'BETA'));
  assert.equal((await get(keys.admin, `/v1/files/${id}`)).status, 200);
});

test('the same bytes from two senders are two files, and neither learns of the other', async () => {
  const alphaFiles = (await (await get(keys.alpha, '/v1/files')).json()) as {
    files: { fileId: string; fileName: string }[];
  };
  const alpha = alphaFiles.files.find((f) => f.fileName === dsrName)!;
  const res = await upload(keys.beta, dsr, dsrName);
  assert.equal(res.status, 202, 'accepted as BETA’s own file, not a duplicate of ALPHA’s');
  const beta = (await res.json()) as { fileId: string; status: string };
  assert.equal(beta.status, 'accepted');
  assert.notEqual(beta.fileId, alpha.fileId);
  // ALPHA's file answers BETA exactly as a file that does not exist.
  const foreign = await get(keys.beta, `/v1/files/${alpha.fileId}`);
  const missing = await get(keys.beta, `/v1/files/${'0'.repeat(32)}`);
  assert.equal(foreign.status, 404);
  assert.equal(missing.status, 404);
  const code = async (r: Response) => ((await r.json()) as { code: string }).code;
  assert.equal(await code(foreign), await code(missing));
  const betaStatus = (await (await get(keys.beta, `/v1/files/${beta.fileId}`)).json()) as Record<
    string,
    unknown
  >;
  assert.ok(!JSON.stringify(betaStatus).includes(alpha.fileId));
  assert.equal((await get(keys.alpha, `/v1/files/${beta.fileId}`)).status, 404);
});

test('an oversize upload is 413', async () => {
  const res = await upload(keys.alpha, Buffer.alloc(300000, 'a'), 'DSR_big.tsv');
  assert.equal(res.status, 413);
  assert.match(((await res.json()) as { message: string }).message, /200000/);
});

test('a gzip bomb is refused with a clear reason', async () => {
  const bomb = gzipSync(Buffer.alloc(10_000_000));
  assert.ok(bomb.length < 200000);
  const res = await upload(keys.alpha, bomb, `${dsrName.replace('.tsv', '_bomb.tsv')}.gz`);
  assert.equal(res.status, 422);
  const body = (await res.json()) as { code: string; message: string };
  assert.equal(body.code, 'GZIP_BOMB');
  assert.match(body.message, /expands more than 50 times/);
});

test('a file name that is missing or not a DSR name is refused with the reason', async () => {
  const res = await fetch(`${base}/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.alpha}`, 'content-type': 'application/octet-stream' },
    body: dsr,
  });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { code: string }).code, 'NO_FILE_NAME');
  const bad = await upload(keys.alpha, Buffer.from('HEAD\n'), 'DSR_nonsense.tsv');
  assert.equal(bad.status, 422);
  assert.match(((await bad.json()) as { message: string }).message, /not a DSR file name/);
});

test('the OpenAPI document lists the routes', async () => {
  const doc = (await (await fetch(`${base}/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
  assert.deepEqual(Object.keys(doc.paths).sort(), [
    '/v1/dead-letters',
    '/v1/dead-letters/purge',
    '/v1/dead-letters/replay',
    '/v1/dead-letters/{id}',
    '/v1/exports',
    '/v1/exports/{period}/{folder}/{name}',
    '/v1/files',
    '/v1/files/{id}',
    '/v1/refdata',
    '/v1/resend-requests',
  ]);
});
