import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../core/paths/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import { hashKey } from '../../core/http/index.ts';
import { buildApi } from '../../app/http/server.ts';
import { Intake } from '../../ingest/index.ts';
import { loadReferenceFiles, MatcherService } from '../../matcher/index.ts';
import { matchStatus } from '../../ledger/index.ts';
import { type ExportRunResult, toMinor } from '../../export/index.ts';
import { logger } from '../support/harness.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';
import { assertRebuildEqualsLive } from '../support/ledger.ts';

// The fixture DSR report and the fixture CWR catalog (every other recording linked, each
// work 50 % publisher, 50 % the writer's society) through ingest and the matcher, then the
// export run as a child process: killed mid-run, restarted, compared byte for byte with an
// uninterrupted run, and its money reconciled with the report's summary records.

const reports = path.join(repoRoot, 'fixtures', 'reports');
const reportName = readdirSync(reports).find(
  (n) => n.includes('2020-06-01--2020-06-30') && n.endsWith('.tsv'),
)!;
const outboxes: string[] = [];
const outbox = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tallyline-outbox-'));
  outboxes.push(dir);
  return dir;
};
const mainOutbox = outbox();
const env = ingestEnv('export', {
  TALLYLINE_EXPORT_OUTBOX: mainOutbox,
  TALLYLINE_MATCHER_GROUP: `test-export-matcher-${Date.now()}`,
  TALLYLINE_EXPORT_GROUP: `test-export-${Date.now()}`,
  TALLYLINE_EXPORT_QUIET_MS: '500',
  TALLYLINE_LOG_LEVEL: 'warn',
  TALLYLINE_API_KEYS: JSON.stringify([
    { role: 'rightsHolder', holder: 'SOC-PRS', sha256: hashKey('prs-key') },
    { sender: 'ops', sha256: hashKey('admin-key'), admin: true },
  ]),
});
const config = configFrom(env);
let h: IngestHarness;
let matcher: MatcherService | null = null;
let fileId = '';
const children: ChildProcess[] = [];

function exportRun(outboxDir: string, extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(
    'node',
    [path.join(repoRoot, 'bin/tallyline.js'), 'export', 'run', '--period', '2020-06', '--json'],
    {
      env: { ...process.env, ...env, TALLYLINE_EXPORT_OUTBOX: outboxDir, ...extra },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return child;
}

async function finished(child: ChildProcess): Promise<ExportRunResult> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, `export run exits 0: ${out.slice(0, 500)}`);
  return JSON.parse(out) as ExportRunResult;
}

/** Every file under a folder, by relative path, with its bytes. */
function filesIn(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(path.join(dir, d), { withFileTypes: true })) {
      const rel = path.join(d, e.name);
      if (e.isDirectory()) walk(rel);
      else out.set(rel, readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return out;
}

before(async () => {
  h = await IngestHarness.start(config);
  const { file } = await new Intake(h.rt).accept(
    Readable.from([readFileSync(path.join(reports, reportName))]),
    reportName,
    'PADPIDA2020061501S',
  );
  fileId = file.fileId;
  const emitted = (await h.waitForFile(fileId)).counts!.emitted;
  const catalog = readdirSync(reports).find((n) => n.endsWith('.V21'))!;
  await loadReferenceFiles(
    config,
    logger,
    [{ name: catalog, bytes: readFileSync(path.join(reports, catalog)) }],
    'fixture-catalog',
  );
  matcher = await MatcherService.start(config, logger);
  for (let i = 0; i < 120; i++) {
    const [s] = await matchStatus(config, logger, async () => emitted);
    if (s?.caughtUp) break;
    await sleep(500);
  }
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await matcher?.stop();
  await h.stop();
  for (const dir of outboxes) rmSync(dir, { recursive: true, force: true });
});

let reference: Map<string, string>;
let referenceRun: ExportRunResult;

test('an export run killed mid-run and restarted writes the same files as an uninterrupted one and announces each once', async () => {
  const killedDir = outbox();
  const killed = exportRun(killedDir, { TALLYLINE_EXPORT_TEST_ONLY_PAUSE_AFTER_FILE_MS: '3000' });
  // Killed after its first file is in place, before the rest and before any announcement.
  for (let i = 0; !existsSync(path.join(killedDir, '2020-06', 'statements')); i++) {
    assert.ok(i < 1200, 'the first file was written');
    await sleep(100);
  }
  killed.kill('SIGKILL');
  await new Promise((resolve) => killed.once('exit', resolve));
  assert.equal(existsSync(path.join(killedDir, '2020-06', 'manifest.json')), false, 'killed before the end');

  const restarted = await finished(exportRun(killedDir));
  assert.ok(
    restarted.files.every((f) => f.announced),
    'the restarted run announces every file',
  );
  const referenceDir = mainOutbox;
  referenceRun = await finished(exportRun(referenceDir));
  assert.ok(
    referenceRun.files.every((f) => !f.announced),
    'an identical run announces nothing again',
  );
  reference = filesIn(referenceDir);
  assert.deepEqual(filesIn(killedDir), reference, 'byte-identical files');
  assert.ok(reference.size >= 4, `statements and a claim: ${[...reference.keys()].join(', ')}`);

  const serde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('export.statements'),
    'ExportFileWritten',
  );
  const events = await Promise.all(
    (await h.rt.kafka.readAll(h.rt.topic('export.statements'))).map((m) => serde.decode(m.value!)),
  );
  assert.deepEqual(
    events.map((e) => e.path).sort(),
    referenceRun.files.map((f) => f.path).sort(),
    'one event per file, none twice',
  );
  for (const e of events) {
    const sha = createHash('sha256').update(reference.get(e.path)!).digest('hex');
    assert.equal(e.sha256, sha, `${e.path}: the event names the content written`);
  }
});

test("a report's money in the statements equals its summary totals minus unmatched and unallocated, to the cent", () => {
  // The summary records straight from the report file, not from tallyline's parse.
  const reported = new Map<string, bigint>();
  for (const row of readFileSync(path.join(reports, reportName), 'utf8').split(/\r?\n/)) {
    const cells = row.split('\t');
    if (cells[0] !== 'SY01.02') continue;
    reported.set(cells[10]!, (reported.get(cells[10]!) ?? 0n) + toMinor(cells[11]!, cells[10]!));
  }
  const [account] = referenceRun.reports;
  assert.equal(account!.fileId, fileId);
  assert.ok(account!.matchedLines > 0 && account!.unmatchedLines > 0, 'some lines matched, some not');
  const inStatements = new Map<string, bigint>();
  const unallocatedInFiles = new Map<string, bigint>();
  for (const [rel, content] of reference) {
    if (!rel.includes('/statements/')) continue;
    for (const row of content.trim().split('\n').slice(1)) {
      const cells = row.split(',');
      if (cells[0] !== 'TOTAL') continue;
      const [currency, amount] = [cells.at(-1)!, toMinor(cells.at(-2)!, cells.at(-1)!)];
      const target = rel.endsWith('UNALLOCATED.csv') ? unallocatedInFiles : inStatements;
      target.set(currency, (target.get(currency) ?? 0n) + amount);
    }
  }
  assert.deepEqual(
    [...reported.keys()].sort(),
    account!.money.map((m) => m.currency),
  );
  for (const m of account!.money) {
    const c = m.currency;
    assert.equal(toMinor(m.reported, c), reported.get(c), `${c}: reported = the SY records' net revenue`);
    assert.equal(m.gap, '0.00');
    assert.equal(m.notValued, '0.00', 'every line of the clean report was valued');
    assert.equal(toMinor(m.unallocated, c), unallocatedInFiles.get(c) ?? 0n);
    assert.equal(
      inStatements.get(c) ?? 0n,
      reported.get(c)! - toMinor(m.unmatched, c) - toMinor(m.unallocated, c),
      `${c}: statements = summary totals − unmatched − unallocated`,
    );
  }
});

test('reconcile --file passes on the exported report; the continuous export killed mid-run and restarted writes the same files', async () => {
  const cli = spawn(
    'node',
    [path.join(repoRoot, 'bin/tallyline.js'), 'reconcile', '--file', fileId, '--json'],
    {
      env: { ...process.env, ...env, TALLYLINE_EXPORT_OUTBOX: referenceRun.outboxDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((resolve) => cli.once('exit', resolve));
  const result = JSON.parse(out) as { ok: boolean; gaps: string[]; steps: { step: string }[] };
  assert.deepEqual(result.gaps, []);
  assert.equal(code, 0);
  assert.ok(result.steps.some((s) => s.step === 'exported 2020-06'));
  // From the ledger (the default) and recomputed from the topics, the money is the same.
  const recomputed = spawn(
    'node',
    [path.join(repoRoot, 'bin/tallyline.js'), 'reconcile', '--file', fileId, '--recompute', '--json'],
    {
      env: { ...process.env, ...env, TALLYLINE_EXPORT_OUTBOX: referenceRun.outboxDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let again = '';
  recomputed.stdout.on('data', (d: Buffer) => (again += d.toString()));
  assert.equal(await new Promise((resolve) => recomputed.once('exit', resolve)), 0);
  const money = (r: { steps: { step: string; detail: string }[] }) =>
    r.steps.filter((s) => s.step.startsWith('money ') || s.step === 'split' || s.step === 'match');
  const fromLedger = JSON.parse(out) as { steps: { step: string; detail: string }[] };
  assert.ok(money(fromLedger).length >= 3);
  assert.deepEqual(money(fromLedger), money(JSON.parse(again) as typeof fromLedger));

  // The continuous export, killed after its first file, before it commits any offset.
  const continuousDir = outbox();
  const serve = (extra: Record<string, string> = {}) => {
    const child = spawn('node', [path.join(repoRoot, 'bin/tallyline.js'), 'export', 'serve'], {
      env: { ...process.env, ...env, TALLYLINE_EXPORT_OUTBOX: continuousDir, ...extra },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };
  const admin = await h.rt.kafka.admin();
  const committed = async () =>
    (await admin.groupOffsets(config.export.groupId, h.rt.topic('usage.matched'))).filter(
      (o) => Number(o.offset) >= 0,
    );
  try {
    const first = serve({ TALLYLINE_EXPORT_TEST_ONLY_PAUSE_AFTER_FILE_MS: '3000' });
    for (let i = 0; !existsSync(path.join(continuousDir, '2020-06', 'statements')); i++) {
      assert.ok(i < 1200, 'the continuous export wrote its first file');
      await sleep(100);
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    assert.deepEqual(await committed(), [], 'no offset committed before the files were written');

    const second = serve();
    for (let i = 0; (await committed()).length === 0; i++) {
      assert.ok(i < 600, 'the restarted export committed its offsets');
      await sleep(200);
    }
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    assert.deepEqual(filesIn(continuousDir), reference, 'the same files as the batch run');
    const serde = await AvroSerde.forTopic(
      createRegistryClient(config),
      h.rt.topic('export.statements'),
      'ExportFileWritten',
    );
    const events = await h.rt.kafka.readAll(h.rt.topic('export.statements'));
    const paths = await Promise.all(events.map(async (m) => (await serde.decode(m.value!)).path));
    assert.equal(new Set(paths).size, paths.length, 'still one event per file');
  } finally {
    await admin.disconnect();
  }
});

test("GET /v1/exports: a rights holder's key sees and downloads only its own statements", async () => {
  const app = await buildApi(h.rt);
  try {
    const list = async (key: string) =>
      (
        (
          await app.inject({ url: '/v1/exports?period=2020-06', headers: { authorization: `Bearer ${key}` } })
        ).json() as {
          files: { path: string; downloadUrl: string }[];
        }
      ).files;
    const own = await list('prs-key');
    assert.deepEqual(
      own.map((f) => f.path),
      ['2020-06/statements/SOC-PRS.csv'],
    );
    const all = await list('admin-key');
    assert.equal(all.length, referenceRun.files.length);
    const got = await app.inject({ url: own[0]!.downloadUrl, headers: { authorization: 'Bearer prs-key' } });
    assert.equal(got.statusCode, 200);
    assert.equal(got.body, reference.get('2020-06/statements/SOC-PRS.csv'));
    const other = all.find((f) => f.path.includes('/statements/PUB-'))!;
    const denied = await app.inject({ url: other.downloadUrl, headers: { authorization: 'Bearer prs-key' } });
    assert.equal(denied.statusCode, 404, 'another holder’s statement is not shown');
    assert.equal((await app.inject({ url: '/v1/exports' })).statusCode, 401);
  } finally {
    await app.close();
  }
});

test('the ledger rebuilt from the topics alone equals the live one', async () => {
  await assertRebuildEqualsLive(config);
});
