import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../core/config/index.ts';
import { Database } from '../../core/db/index.ts';
import { stackDown, stackStatus, stackUp } from '../../core/stack/index.ts';

// Where no PostgreSQL answers, `stack up` starts one of its own under the stack's folder
// (Debian's server binaries), creates tallyline's database and migrates it; `stack down`
// stops it. On a port of its own, beside the machine's PostgreSQL.

const dir = mkdtempSync(path.join(tmpdir(), 'tallyline-stack-pg-'));
chmodSync(dir, 0o755); // run as root, the server runs as `postgres`: it must reach its folder
const config = loadConfig({ overrides: { 'stack.dataDir': dir, 'stack.postgresPort': 15433 } });
after(() => rmSync(dir, { recursive: true, force: true }));

test('stack up starts a PostgreSQL of its own when none answers, migrated; stack down stops it', async () => {
  const up = await stackUp(config);
  const pg = up.find((s) => s.name === 'postgres')!;
  assert.equal(pg.action, 'started');
  assert.ok(pg.notes.some((n) => /initialised a PostgreSQL cluster/.test(n)));
  assert.ok(pg.notes.some((n) => /applied migrations 0001_ledger/.test(n)));
  const status = (await stackStatus(config)).find((s) => s.name === 'postgres')!;
  assert.equal(status.healthy, true);
  assert.equal(status.managed, true);
  assert.match(status.detail, /^PostgreSQL \d+/);
  const db = Database.of(config);
  try {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM files');
    assert.equal(rows[0]!.n, 0);
  } finally {
    await db.close();
  }
  const down = await stackDown(config);
  assert.equal(down.find((d) => d.name === 'postgres')!.result, 'stopped');
  assert.equal((await stackStatus(config)).find((s) => s.name === 'postgres')!.healthy, false);
});
