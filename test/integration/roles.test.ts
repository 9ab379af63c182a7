import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { ApiRole } from '../../core/config/index.ts';
import { hashKey } from '../../core/http/index.ts';
import { DeadLetters, writeResendRequest } from '../../dead-letters/index.ts';
import { generateDsrBuffer } from '../../fixtures/index.ts';
import { Intake } from '../../ingest/index.ts';
import { buildApi } from '../../app/http/server.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

// Every route of the API with every role, on ids of the caller's own and of someone else's:
// the status and code each answers. The routes come from the OpenAPI document, so a route
// added without its line in TABLE fails here.

type Sender = 'SA' | 'SB';
type Holder = 'SOC-PRS' | 'SOC-GEMA';
interface Who {
  key: string;
  role: ApiRole;
  sender?: Sender;
  holder?: Holder;
}
const CALLERS: Record<string, Who> = {
  SA: { key: 'k-sa', role: 'sender', sender: 'SA' },
  SB: { key: 'k-sb', role: 'sender', sender: 'SB' },
  PRS: { key: 'k-prs', role: 'rightsHolder', holder: 'SOC-PRS' },
  GEMA: { key: 'k-gema', role: 'rightsHolder', holder: 'SOC-GEMA' },
  OPS: { key: 'k-ops', role: 'operator' },
};
const config = configFrom(
  ingestEnv('roles', {
    TALLYLINE_API_KEYS: JSON.stringify([
      { role: 'sender', sender: 'SA', sha256: hashKey('k-sa') },
      { sender: 'SB', sha256: hashKey('k-sb') },
      { role: 'rightsHolder', holder: 'SOC-PRS', sha256: hashKey('k-prs') },
      { role: 'rightsHolder', holder: 'SOC-GEMA', sha256: hashKey('k-gema') },
      // the old spelling of an operator's key
      { sender: 'ops', sha256: hashKey('k-ops'), admin: true },
    ]),
  }),
);

const PERIOD = '2020-06';
interface Owned {
  report: { fileName: string; content: Buffer };
  fileId: string;
  lineId: string;
  claim: string;
}
const senders = {} as Record<Sender, Owned>;
const statements: Record<Holder, string> = {
  'SOC-PRS': `${PERIOD}/statements/SOC-PRS.csv`,
  'SOC-GEMA': `${PERIOD}/statements/SOC-GEMA.csv`,
};
const other = { SA: 'SB', SB: 'SA', 'SOC-PRS': 'SOC-GEMA', 'SOC-GEMA': 'SOC-PRS' } as const;

/** The ids a probe uses: the caller's own, or another sender's and holder's. */
interface Ids {
  sender: Sender;
  holder: Holder;
  file: string;
  line: string;
  claim: string;
  statement: string;
  report: Owned['report'];
}
function idsOf(who: Who, whose: 'own' | 'foreign'): Ids {
  const ownSender: Sender = who.sender ?? 'SA';
  const ownHolder: Holder = who.holder ?? 'SOC-PRS';
  const sender = whose === 'own' ? ownSender : other[ownSender];
  const holder = whose === 'own' ? ownHolder : other[ownHolder];
  const s = senders[sender];
  return {
    sender,
    holder,
    file: s.fileId,
    line: s.lineId,
    claim: s.claim,
    statement: statements[holder],
    report: s.report,
  };
}

type Expect = number | [number, string];
interface Probe {
  /** own: the caller's own ids; foreign: another's; missing: ids nobody has */
  whose: 'own' | 'foreign' | 'missing';
  request: (ids: Ids) => InjectOptions;
  expect: Record<ApiRole, Expect>;
  /** what the answer holds, for a 2xx */
  check?: (body: Record<string, unknown>, who: Who, ids: Ids) => void;
}

const FORBIDDEN: Expect = [403, 'FORBIDDEN_ROLE'];
const MISSING_FILE = '0'.repeat(32);
const rows = (body: Record<string, unknown>, field: string) => body[field] as Record<string, unknown>[];

/** Every route and what each role gets. A new route needs its line here. */
const TABLE: Record<string, Probe[]> = {
  'GET /v1/files': [
    {
      whose: 'own',
      request: () => ({ url: '/v1/files' }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body, who) => {
        const files = rows(body, 'files');
        assert.ok(files.length > 0);
        if (who.sender) assert.ok(files.every((f) => f.sender === who.sender));
        else assert.deepEqual([...new Set(files.map((f) => f.sender))].sort(), ['SA', 'SB']);
      },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ url: `/v1/files?sender=${ids.sender}` }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body, who, ids) => {
        // A sender asking for another's files still gets its own only.
        assert.ok(rows(body, 'files').every((f) => f.sender === (who.sender ?? ids.sender)));
      },
    },
  ],
  'POST /v1/files': [
    {
      whose: 'own',
      request: (ids) => upload(ids.report),
      expect: { sender: 202, rightsHolder: FORBIDDEN, operator: [400, 'NO_SENDER'] },
      check: (body, _who, ids) => assert.deepEqual([body.status, body.fileId], ['duplicate', ids.file]),
    },
    {
      whose: 'foreign',
      request: (ids) => upload(ids.report, ids.sender),
      expect: { sender: FORBIDDEN, rightsHolder: FORBIDDEN, operator: 202 },
      check: (body, _who, ids) => assert.deepEqual([body.status, body.fileId], ['duplicate', ids.file]),
    },
  ],
  'GET /v1/files/{id}': [
    {
      whose: 'own',
      request: (ids) => ({ url: `/v1/files/${ids.file}` }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ url: `/v1/files/${ids.file}` }),
      expect: { sender: [404, 'NO_SUCH_FILE'], rightsHolder: FORBIDDEN, operator: 200 },
    },
    {
      whose: 'missing',
      request: () => ({ url: `/v1/files/${MISSING_FILE}` }),
      expect: { sender: [404, 'NO_SUCH_FILE'], rightsHolder: FORBIDDEN, operator: [404, 'NO_SUCH_FILE'] },
    },
  ],
  'GET /v1/dead-letters': [
    {
      whose: 'own',
      request: (ids) => ({ url: `/v1/dead-letters?file=${ids.file}&limit=5` }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body, _who, ids) => {
        assert.ok((body.total as number) > 0);
        assert.ok(rows(body, 'deadLetters').length <= 5);
        assert.ok(rows(body, 'deadLetters').every((d) => d.fileId === ids.file && d.sender === ids.sender));
      },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ url: `/v1/dead-letters?file=${ids.file}` }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body, who) => assert.equal(body.total === 0, who.role === 'sender'),
    },
  ],
  'GET /v1/dead-letters/{id}': [
    {
      whose: 'own',
      request: (ids) => ({ url: `/v1/dead-letters/${ids.line}` }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body, _who, ids) => {
        assert.equal(body.lineId, ids.line);
        assert.ok(typeof body.raw === 'string' && typeof body.errorClass === 'string');
        assert.deepEqual(
          (body.history as { action: string }[]).map((h) => h.action),
          ['request'],
        );
      },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ url: `/v1/dead-letters/${ids.line}` }),
      expect: { sender: [404, 'NO_SUCH_DEAD_LETTER'], rightsHolder: FORBIDDEN, operator: 200 },
    },
    {
      whose: 'missing',
      request: () => ({ url: `/v1/dead-letters/${MISSING_FILE}:7` }),
      expect: {
        sender: [404, 'NO_SUCH_DEAD_LETTER'],
        rightsHolder: FORBIDDEN,
        operator: [404, 'NO_SUCH_DEAD_LETTER'],
      },
    },
  ],
  'GET /v1/resend-requests': [
    {
      whose: 'own',
      request: () => ({ url: '/v1/resend-requests' }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body, who) => {
        const requests = rows(body, 'requests');
        assert.deepEqual(requests.map((r) => r.sender).sort(), who.sender ? [who.sender] : ['SA', 'SB']);
        assert.ok(requests.every((r) => (r.lineNumbers as number[]).length === r.stillRequested));
      },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ url: `/v1/resend-requests?file=${ids.file}` }),
      expect: { sender: 200, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body, who) => assert.equal(body.total, who.role === 'sender' ? 0 : 1),
    },
  ],
  'POST /v1/dead-letters/replay': [
    {
      whose: 'own',
      request: (ids) => ({ method: 'POST', url: '/v1/dead-letters/replay', payload: { file: ids.file } }),
      expect: { sender: FORBIDDEN, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body) => {
        assert.equal(body.applied, false, 'a dry run unless apply');
        assert.ok((body.lines as unknown[]).length > 0);
      },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ method: 'POST', url: '/v1/dead-letters/replay', payload: { file: ids.file } }),
      expect: { sender: FORBIDDEN, rightsHolder: FORBIDDEN, operator: 200 },
    },
  ],
  'POST /v1/dead-letters/purge': [
    {
      whose: 'own',
      request: (ids) => ({
        method: 'POST',
        url: '/v1/dead-letters/purge',
        payload: { file: ids.file, force: true },
      }),
      expect: { sender: FORBIDDEN, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body) => {
        assert.equal(body.applied, false, 'a dry run unless yes');
        assert.ok((body.purged as number) > 0);
      },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ method: 'POST', url: '/v1/dead-letters/purge', payload: { file: ids.file } }),
      expect: { sender: FORBIDDEN, rightsHolder: FORBIDDEN, operator: 200 },
    },
  ],
  'POST /v1/refdata': [
    {
      whose: 'own',
      request: () => ({
        method: 'POST',
        url: '/v1/refdata?source=roles-test',
        headers: { 'content-type': 'text/csv', 'x-file-name': 'links.csv' },
        payload: 'ISRC,ISWC,Work ID,Title\ngbaht0900445,T-034.524.680-1,,Ca plane\n',
      }),
      expect: { sender: FORBIDDEN, rightsHolder: FORBIDDEN, operator: 200 },
      check: (body) =>
        assert.deepEqual(
          rows(body, 'files').map((f) => [f.format, f.loaded]),
          [['CSV', 1]],
        ),
    },
  ],
  'GET /v1/exports': [
    {
      whose: 'own',
      request: () => ({ url: `/v1/exports?period=${PERIOD}` }),
      expect: { sender: 200, rightsHolder: 200, operator: 200 },
      check: (body, who, ids) => {
        const paths = rows(body, 'files').map((f) => f.path);
        const expected =
          who.role === 'operator'
            ? [...Object.values(senders).map((s) => s.claim), ...Object.values(statements)]
            : who.role === 'sender'
              ? [ids.claim]
              : [ids.statement];
        assert.deepEqual(paths.sort(), expected.sort());
      },
    },
  ],
  'GET /v1/exports/{period}/{folder}/{name}': [
    {
      whose: 'own',
      request: (ids) => ({ url: `/v1/exports/${ids.statement}` }),
      expect: { sender: [404, 'NO_SUCH_EXPORT'], rightsHolder: 200, operator: 200 },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ url: `/v1/exports/${ids.statement}` }),
      expect: { sender: [404, 'NO_SUCH_EXPORT'], rightsHolder: [404, 'NO_SUCH_EXPORT'], operator: 200 },
    },
    {
      whose: 'own',
      request: (ids) => ({ url: `/v1/exports/${ids.claim}` }),
      expect: { sender: 200, rightsHolder: [404, 'NO_SUCH_EXPORT'], operator: 200 },
    },
    {
      whose: 'foreign',
      request: (ids) => ({ url: `/v1/exports/${ids.claim}` }),
      expect: { sender: [404, 'NO_SUCH_EXPORT'], rightsHolder: [404, 'NO_SUCH_EXPORT'], operator: 200 },
    },
    {
      whose: 'missing',
      request: () => ({ url: `/v1/exports/${PERIOD}/statements/SOC-NOBODY.csv` }),
      expect: {
        sender: [404, 'NO_SUCH_EXPORT'],
        rightsHolder: [404, 'NO_SUCH_EXPORT'],
        operator: [404, 'NO_SUCH_EXPORT'],
      },
    },
  ],
};

function upload(report: Owned['report'], sender?: string): InjectOptions {
  return {
    method: 'POST',
    url: `/v1/files${sender ? `?sender=${sender}` : ''}`,
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': report.fileName },
    payload: report.content,
  };
}

let h: IngestHarness;
let app: FastifyInstance;

/** A statement and claim outbox as the export writes it (its manifest lists them). */
function writeOutbox(outboxDir: string): void {
  const files = [
    ...Object.entries(statements).map(([holder, p]) => ({
      path: p,
      kind: 'STATEMENT',
      rightsHolderId: holder,
      reportFileId: null,
      sender: null,
    })),
    ...Object.entries(senders).map(([sender, s]) => ({
      path: s.claim,
      kind: 'CLAIM',
      rightsHolderId: null,
      reportFileId: s.fileId,
      sender,
    })),
  ].map((f) => ({ ...f, sha256: 'x', sizeBytes: 2, rows: 1, totals: [] }));
  for (const folder of ['statements', 'claims'])
    mkdirSync(path.join(outboxDir, PERIOD, folder), { recursive: true });
  for (const f of files) writeFileSync(path.join(outboxDir, f.path), 'x\n');
  writeFileSync(path.join(outboxDir, PERIOD, 'manifest.json'), JSON.stringify({ period: PERIOD, files }));
}

before(async () => {
  h = await IngestHarness.start(config);
  const intake = new Intake(h.rt);
  const deadLetters = DeadLetters.of(h.rt);
  const requests = mkdtempSync(path.join(tmpdir(), 'tallyline-resend-'));
  for (const [sender, seed] of [
    ['SA', 41],
    ['SB', 42],
  ] as const) {
    const report = generateDsrBuffer({ seed, usageLines: 60, corruptionRate: 0.1 });
    const { file } = await intake.accept(Readable.from([report.content]), report.fileName, sender);
    await h.waitForFile(file.fileId);
    const [dead] = await deadLetters.list({ fileId: file.fileId });
    assert.ok(dead, `${sender}'s fixture has dead letters`);
    // Every dead line of the file is then in a re-send request to the sender.
    assert.ok(await writeResendRequest(deadLetters, h.rt.files, file.fileId, requests));
    senders[sender] = {
      report,
      fileId: file.fileId,
      lineId: dead.lineId,
      claim: `${PERIOD}/claims/${sender}_${file.fileId}.tsv`,
    };
  }
  writeOutbox(config.export.outboxDir);
  app = await buildApi(h.rt);
});
after(async () => {
  await app?.close();
  await h.stop();
});

test('the table has a line for every route of the API, and no other', async () => {
  await app.ready();
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(doc.paths).flatMap(([p, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
  );
  assert.deepEqual(routes.sort(), Object.keys(TABLE).sort());
});

test('every route with every role, on its own ids and on foreign ones: the status and code of the table', async () => {
  const failures: string[] = [];
  for (const [route, probes] of Object.entries(TABLE)) {
    for (const probe of probes) {
      for (const [name, who] of Object.entries(CALLERS)) {
        const ids = idsOf(who, probe.whose === 'foreign' ? 'foreign' : 'own');
        const request = probe.request(ids);
        const res = await app.inject({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${who.key}` },
        });
        const [status, code] = ([] as (number | string)[]).concat(probe.expect[who.role]);
        // a downloaded export is its file, not JSON
        const body = (
          res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : {}
        ) as Record<string, unknown>;
        const where = `${route} (${probe.whose}: ${request.method ?? 'GET'} ${request.url}) as ${name}`;
        if (res.statusCode !== status || (code && body.code !== code)) {
          failures.push(`${where}: ${res.statusCode} ${String(body.code)}, expected ${status} ${code ?? ''}`);
          continue;
        }
        if (code === 'FORBIDDEN_ROLE') assert.match(body.message as string, /^only an? .* key may /, where);
        if (res.statusCode < 300 && probe.check) {
          try {
            probe.check(body, who, ids);
          } catch (err) {
            failures.push(`${where}: ${(err as Error).message}`);
          }
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('a foreign id answers exactly as a missing one: nothing tells it exists', async () => {
  const sa = CALLERS.SA!;
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: { authorization: `Bearer ${sa.key}` } });
    const body = res.json() as { message: string };
    return { ...body, status: res.statusCode, message: body.message.replace(/[0-9a-f]{32}/g, 'ID') };
  };
  const foreign = idsOf(sa, 'foreign');
  assert.deepEqual(await get(`/v1/files/${foreign.file}`), await get(`/v1/files/${MISSING_FILE}`));
  const line = foreign.line.split(':')[1];
  assert.deepEqual(
    await get(`/v1/dead-letters/${foreign.file}:${line}`),
    await get(`/v1/dead-letters/${MISSING_FILE}:${line}`),
  );
});
