import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IngestError } from '../errors.ts';
import { LocalLandingStore } from './landing-store.ts';

const limits = { maxUploadBytes: 1_000_000, maxDecompressedBytes: 5_000_000, maxCompressionRatio: 100 };
const store = () => new LocalLandingStore(mkdtempSync(path.join(tmpdir(), 'landing-')));
const content = Buffer.from('HEAD\t1\n'.repeat(1000));
const sha = createHash('sha256').update(content).digest('hex');

test('a plain upload is stored under the hash of its content', async () => {
  const s = store();
  const stored = await s.put(Readable.from([content]), { compressed: false, limits });
  assert.deepEqual(stored, {
    key: sha,
    sha256: sha,
    storedBytes: content.length,
    contentBytes: content.length,
    compressed: false,
  });
  assert.deepEqual(await buffer(s.open(stored.key)), content);
});

test('a .gz upload is kept compressed, addressed by its decompressed content', async () => {
  const s = store();
  const gz = gzipSync(content);
  const stored = await s.put(Readable.from([gz]), { compressed: true, limits });
  assert.equal(stored.sha256, sha, 'the same report gives the same id, compressed or not');
  assert.equal(stored.key, `${sha}.gz`);
  assert.equal(stored.contentBytes, content.length);
  assert.deepEqual(await buffer(s.open(stored.key)), gz);
});

test('an upload over the size limit is refused', async () => {
  await assert.rejects(
    store().put(Readable.from([Buffer.alloc(2_000_000)]), { compressed: false, limits }),
    (err: unknown) => err instanceof IngestError && err.code === 'TOO_LARGE',
  );
});

test('a gzip bomb is refused while it is being received', async () => {
  const bomb = gzipSync(Buffer.alloc(4_000_000));
  assert.ok(bomb.length < 10_000);
  await assert.rejects(
    store().put(Readable.from([bomb]), { compressed: true, limits }),
    (err: unknown) =>
      err instanceof IngestError &&
      err.code === 'GZIP_BOMB' &&
      /expands more than 100 times/.test(err.message),
  );
  await assert.rejects(
    store().put(Readable.from([gzipSync(Buffer.alloc(6_000_000, 'a'))]), {
      compressed: true,
      limits: { ...limits, maxCompressionRatio: 1e9 },
    }),
    (err: unknown) =>
      err instanceof IngestError && err.code === 'GZIP_BOMB' && /beyond 5000000 bytes/.test(err.message),
  );
});

test('a .gz that is not gzip is refused', async () => {
  await assert.rejects(
    store().put(Readable.from([Buffer.from('plain text, not gzip')]), { compressed: true, limits }),
    (err: unknown) => err instanceof IngestError && err.code === 'BAD_GZIP',
  );
});
