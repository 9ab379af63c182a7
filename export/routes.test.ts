import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { apiKeyAuth, hashKey } from '../core/http/index.ts';
import { exportRoutes } from './routes.ts';

test('a file the manifest lists but a re-export has just removed answers 404 with the reason, not 500', async () => {
  const outbox = mkdtempSync(path.join(tmpdir(), 'outbox-'));
  mkdirSync(path.join(outbox, '2026-11', 'statements'), { recursive: true });
  const entry = (name: string) => ({
    path: `2026-11/statements/${name}`,
    kind: 'STATEMENT',
    rightsHolderId: name.replace('.csv', ''),
    reportFileId: null,
    sender: null,
    sha256: 'x',
    sizeBytes: 1,
    rows: 0,
    totals: [],
  });
  writeFileSync(
    path.join(outbox, '2026-11', 'manifest.json'),
    JSON.stringify({ period: '2026-11', files: [entry('SOC-PRS.csv'), entry('SOC-GEMA.csv')] }),
  );
  writeFileSync(path.join(outbox, '2026-11', 'statements', 'SOC-PRS.csv'), 'a\n');
  const app = Fastify();
  await app.register(apiKeyAuth, { keys: [{ role: 'operator', name: 'ops', sha256: hashKey('k') }] });
  await app.register(exportRoutes, { outboxDir: outbox });
  const get = (name: string) =>
    app.inject({ url: `/v1/exports/2026-11/statements/${name}`, headers: { 'x-api-key': 'k' } });
  assert.equal((await get('SOC-PRS.csv')).statusCode, 200);
  const gone = await get('SOC-GEMA.csv');
  assert.equal(gone.statusCode, 404);
  assert.equal(gone.json().code, 'EXPORT_FILE_GONE');
  assert.match(gone.json().message, /listed in the manifest but was removed since/);
  await app.close();
});
