import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { loadConfig } from '../../core/config/index.ts';
import { Database, dropSchema, migrate } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import { auditMessage, deadLetterHeaders, type Settlement } from '../../core/topics/index.ts';
import type { FileEvent } from '../../core/schemas/index.ts';
import { AuditApplier } from './audit.ts';
import { DeadLettersApplier } from './dead-letters.ts';
import { applyFileEvent } from './file-events.ts';

// The appliers against the real PostgreSQL, in a schema of their own: the topics are read
// side by side, so what they leave must not depend on which topic's record comes first.

const config = loadConfig();
const schemas: string[] = [];
let n = 0;
async function fresh(): Promise<Database> {
  const schema = `test_apply_${process.pid}_${n++}`;
  schemas.push(schema);
  await migrate({ url: config.database.url, schema });
  return new Database(config.database.url, schema);
}
const dbs: Database[] = [];
after(async () => {
  for (const db of dbs) await db.close();
  for (const schema of schemas) await dropSchema({ url: config.database.url, schema });
});

const at = new Date('2026-12-01T10:00:00Z');
function dead(lineId: string, offset: string, stage: 'parse' | 'match' = 'parse'): IncomingMessage {
  const [fileId, line] = lineId.split(':');
  return {
    topic: 'usage.lines.dlq',
    partition: 0,
    offset,
    key: Buffer.from(lineId),
    value: Buffer.from(`raw ${lineId} @${offset}`),
    headers: Object.fromEntries(
      Object.entries(
        deadLetterHeaders({
          lineId,
          fileId: fileId!,
          lineNumber: Number(line),
          stage,
          errorClass: 'INVALID_NUMBER',
          message: 'bad',
          sender: 'S',
          attempt: 1,
          firstFailure: at,
          lastFailure: at,
        }),
      ).map(([k, v]) => [k, Buffer.from(v)]),
    ),
    timestamp: String(at.getTime()),
  };
}
function audit(settled: Settlement[], action: 'replay' | 'purge' = 'replay'): IncomingMessage {
  const m = auditMessage({
    action,
    by: 'tester',
    runId: 'r1',
    scope: {},
    lineIds: settled.map((s) => s.lineId),
    result: {},
    settled,
  });
  return {
    topic: 'dlq.audit',
    partition: 0,
    offset: '0',
    key: null,
    value: m.value as Buffer,
    headers: {},
    timestamp: '0',
  };
}

async function state(db: Database) {
  const dl = await db.query(
    'SELECT line_id, record_offset, stage, decided FROM dead_letters ORDER BY line_id',
  );
  const st = await db.query(
    'SELECT line_id, state, marker, replays, resolved_at IS NOT NULL AS resolved FROM dead_letter_settlements ORDER BY line_id',
  );
  const t = await db.query('SELECT * FROM file_tallies ORDER BY file_id');
  return { dl: dl.rows, st: st.rows, t: t.rows };
}

test('a dead letter and the audit that settles it give the same ledger in either order', async () => {
  const settled: Settlement[] = [
    { lineId: 'F:1', fileId: 'F', state: 'resolved', marker: '0:5', result: 'resolved', emitted: true },
    { lineId: 'F:2', fileId: 'F', state: 'open', marker: '0:6', result: 'failed-again' },
  ];
  const records = [dead('F:1', '5'), dead('F:2', '6'), dead('F:2', '9')];
  const [a, b] = [await fresh(), await fresh()];
  dbs.push(a, b);
  await new DeadLettersApplier().apply(a, records);
  await new AuditApplier().apply(a, [audit(settled)]);
  await new AuditApplier().apply(b, [audit(settled)]);
  await new DeadLettersApplier().apply(b, records);
  const [sa, sb] = [await state(a), await state(b)];
  assert.deepEqual(sa, sb);
  // F:1 resolved (counted corrected and replayed once); F:2 failed again: its newest record is offset 9.
  assert.deepEqual(sa.t, [
    { file_id: 'F', matched: 0, unmatched: 0, match_dead: 0, corrected: 1, replayed: 1 },
  ]);
  assert.deepEqual(
    sa.dl.map((r) => [r.line_id, r.record_offset]),
    [
      ['F:1', 5],
      ['F:2', 9],
    ],
  );
  // The same settlement again (a record read twice would be; the offsets prevent it) is not
  // what counts a line corrected: resolved_at is set once.
  await new AuditApplier().apply(a, [audit([settled[0]!], 'purge')]);
  assert.equal((await state(a)).t[0]!.corrected, 1);
});

test('a match-stage dead letter is counted until its replayed line is decided, whichever is read first', async () => {
  const db = await fresh();
  dbs.push(db);
  await new DeadLettersApplier().apply(db, [dead('G:1', '1', 'match'), dead('G:2', '2', 'match')]);
  assert.equal((await state(db)).t[0]!.match_dead, 2);
  // G:2's decision came from a replay, read before its newer dead-letter record.
  await db.query("INSERT INTO replay_decisions (line_id) VALUES ('G:2')");
  await new DeadLettersApplier().apply(db, [dead('G:2', '3', 'match')]);
  assert.equal((await state(db)).t[0]!.match_dead, 1);
});

test('events of an earlier receipt do not undo a file received again', async () => {
  const db = await fresh();
  dbs.push(db);
  const event = (type: FileEvent['type'], t: string, reason: string | null = null): FileEvent => ({
    fileId: 'H',
    type,
    at: new Date(t),
    fileName: 'h.csv',
    sender: 'S',
    sha256: 'a'.repeat(64),
    sizeBytes: 10,
    format: 'CSV',
    reason,
    counts: null,
    footerCheck: null,
    systemic: false,
    warnings: [],
  });
  await applyFileEvent(db, event('RECEIVED', '2026-12-01T10:00:00Z'));
  await applyFileEvent(db, event('REJECTED', '2026-12-01T10:00:00Z', 'no mapping'));
  // Intake received it again (attempt 2) before the ledger read the REJECTED event: as a
  // lagging ledger would see it, the row is ahead.
  await db.query(
    "UPDATE files SET state = 'received', attempt = 2, received_at = '2026-12-01T11:00:00Z', reason = NULL WHERE file_id = 'H'",
  );
  await applyFileEvent(db, event('REJECTED', '2026-12-01T10:00:00Z', 'no mapping'));
  await applyFileEvent(db, event('RECEIVED', '2026-12-01T11:00:00Z'));
  const { rows } = await db.query('SELECT state, attempt, reason FROM files');
  assert.deepEqual(rows, [{ state: 'received', attempt: 2, reason: null }]);
});
