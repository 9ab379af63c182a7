import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { hashKey } from '../../core/http/index.ts';
import { buildApi } from '../http/server.ts';
import {
  parseDsrFileName,
  IngestRuntime,
  type FileStore,
  CORRECTION_FILE_NAME,
  FINAL_STATES,
  printAccounting,
  type AccountedFile,
} from '../../ingest/index.ts';
import { splitWorker } from '../split-worker.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import { repoRoot } from '../../core/paths/index.ts';
import { checkSchemas, createRegistryClient } from '../../core/registry/index.ts';
import { stackUp } from '../../core/stack/index.ts';
import { applyTopics, topicName } from '../../core/topics/index.ts';
import { DeadLetters, writeResendRequest, REPLAYABLE_STATES } from '../../dead-letters/index.ts';
import { type CliContext, printTable } from '../../core/cli/index.ts';
import type { Config } from '../../core/config/index.ts';
import { loadReferenceFiles, MatcherService } from '../../matcher/index.ts';
import { deadLetterStatsOf, matchStatus, type FileMatchStatus } from '../../ledger/index.ts';
import { demoExport } from './export-step.ts';

const reportsDir = path.join(repoRoot, 'fixtures', 'reports');

type Say = (text: string) => void;

/**
 * The main job on the local stack: stack up, topics and schemas, the ingest API and a split
 * worker, then the project's fixture reports uploaded over HTTP and each file's accounting.
 */
export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description("run the pipeline end to end on the local stack with the project's fixture reports")
    .action(async () => {
      const say: Say = (text: string) => process.stdout.write(`${text}\n`);
      // The demo's own output tells the story; the services' info logs (every request) would
      // drown it. TALLYLINE_LOG_LEVEL still decides when it is set.
      if (!process.env.TALLYLINE_LOG_LEVEL) ctx.logger.level = 'warn';
      await demoStack(ctx, say);
      const { key, names, config } = demoConfig(ctx);
      const rt = await IngestRuntime.create(config, ctx.logger);
      const worker = splitWorker(rt);
      const api = await buildApi(rt);
      await api.listen({ host: config.ingest.apiHost, port: 0 });
      const base = `http://${config.ingest.apiHost}:${(api.server.address() as { port: number }).port}`;
      say(`== ingest API at ${base}, split worker running`);
      try {
        const statuses = await demoUploads(base, key, names, say);
        say('== accounting per file (lines = emitted + deadLettered + context)');
        printAccounting(statuses);
        say(
          `\nEvents are on ${rt.topic('usage.lines')}, bad lines with their reasons on ${rt.topic('usage.lines.dlq')}.`,
        );
        const deadLetters = await demoDeadLetters(rt, config, statuses, say);
        say(
          '\nDetails of a file: npx tallyline files show <fileId>; of a bad line: npx tallyline dlq show <lineId>',
        );
        await demoCorrections(base, key, statuses, rt.files, deadLetters, say);
        await demoMatching(config, ctx, statuses, say);
        await demoExport(config, ctx.logger, statuses, (id) => rt.files.get(id), say);
      } finally {
        await api.close();
        await worker.close();
        await rt.close();
      }
    });
}

/** Stack up, topics applied, schemas checked; each said. */
async function demoStack(ctx: CliContext, say: Say): Promise<void> {
  say('== stack');
  const services = await stackUp(ctx.config);
  for (const s of services) say(`  ${s.name.padEnd(9)} ${s.healthy ? 'healthy' : 'DOWN'}  ${s.address}`);

  const admin = await new KafkaClient(ctx.config, ctx.logger).admin();
  const topics = await applyTopics(admin, {
    prefix: ctx.config.kafka.topicPrefix,
    replicationFactor: ctx.config.kafka.replicationFactor,
  });
  await admin.disconnect();
  say(`== topics: ${topics.map((t) => `${t.topic} ${t.state}`).join(', ')}`);
  const schemas = await checkSchemas(createRegistryClient(ctx.config), {
    prefix: ctx.config.kafka.topicPrefix,
  });
  say(`== schemas: ${schemas.map((s) => `${s.schema} ${s.state}`).join(', ')}`);
}

/** A throwaway operator key for this run, the fixture reports, and the fixture CSV's column mapping. */
function demoConfig(ctx: CliContext): { key: string; names: string[]; config: Config } {
  const key = `demo_${randomBytes(12).toString('hex')}`;
  const names = readdirSync(reportsDir)
    .filter((n) => /\.(tsv|csv)(\.gz)?$/.test(n))
    .sort();
  const csvMappings: Record<string, unknown> = { ...ctx.config.ingest.csvMappings };
  for (const n of readdirSync(reportsDir).filter((f) => f.endsWith('.mapping.json'))) {
    const mapping = JSON.parse(readFileSync(path.join(reportsDir, n), 'utf8')) as { sender: string };
    csvMappings[mapping.sender] = mapping;
  }
  const config = {
    ...ctx.config,
    ingest: {
      ...ctx.config.ingest,
      csvMappings,
      apiKeys: [
        ...ctx.config.ingest.apiKeys,
        { role: 'operator' as const, name: 'demo', sha256: hashKey(key) },
      ],
    },
  };
  return { key, names, config };
}

/** Each fixture report uploaded over the API, its final status once split. */
async function demoUploads(base: string, key: string, names: string[], say: Say): Promise<AccountedFile[]> {
  const statuses: AccountedFile[] = [];
  for (const name of names) {
    const parsed = parseDsrFileName(name);
    const sender = parsed.ok && parsed.value.sender ? parsed.value.sender : name.split('_')[0]!;
    const status = await uploadAndWait(
      base,
      key,
      name,
      readFileSync(path.join(reportsDir, name)),
      sender,
      say,
    );
    if (status) statuses.push(status);
  }
  return statuses;
}

/** The dead letters by reason, and a re-send request for each file with dead lines. */
async function demoDeadLetters(
  rt: IngestRuntime,
  config: Config,
  statuses: AccountedFile[],
  say: Say,
): Promise<DeadLetters> {
  const deadLetters = DeadLetters.of(rt);
  await deadLetters.sync();
  const stats = await deadLetterStatsOf(rt.db);
  say(
    `\n== dead letters: ${stats.total} in all, by reason: ${Object.entries(stats.byErrorClass)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}`,
  );
  const outDir = path.join(repoRoot, '.tallyline', 'requests');
  for (const s of statuses.filter((f) => (f.counts?.deadLettered ?? 0) > 0)) {
    const written = await writeResendRequest(deadLetters, rt.files, s.fileId, outDir);
    say(
      written
        ? `  re-send request for ${s.fileName}: ${written.lines} line(s), ${written.tsv} and .txt`
        : `  ${s.fileName}: its dead lines were requested from the sender before (npx tallyline dlq list --file ${s.fileId})`,
    );
  }
  return deadLetters;
}

/** Uploads a file over the API and waits for its final state; null if it was not taken. */
async function uploadAndWait(
  base: string,
  key: string,
  name: string,
  content: Buffer,
  sender: string,
  say: Say,
): Promise<AccountedFile | null> {
  const res = await fetch(`${base}/v1/files?sender=${encodeURIComponent(sender)}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/octet-stream',
      'x-file-name': name,
    },
    body: content,
  });
  const body = (await res.json()) as { fileId?: string; status?: string; message?: string };
  say(`  POST ${name} → ${res.status} ${body.status ?? body.message} ${body.fileId ?? ''}`);
  if (!body.fileId) return null;
  for (;;) {
    const status = (await (
      await fetch(`${base}/v1/files/${body.fileId}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as AccountedFile;
    if (FINAL_STATES.has(status.state)) return status;
    await sleep(200);
  }
}

/**
 * A correction round: the sender answers the re-send request of a fixture report with
 * fixtures/reports/corrections/CORRECTION_<report> (two of its dead lines corrected, the
 * request's rows with a CorrectedLine column), sent through the API like any file; then
 * the report's accounting. A second demo finds the upload a duplicate and says the same.
 */
async function demoCorrections(
  base: string,
  key: string,
  statuses: AccountedFile[],
  files: FileStore,
  deadLetters: DeadLetters,
  say: Say,
): Promise<void> {
  const dir = path.join(reportsDir, 'corrections');
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => CORRECTION_FILE_NAME.test(n))
        .sort()
    : [];
  for (const name of names) {
    const original = statuses.find((s) => s.fileName === name.replace(CORRECTION_FILE_NAME, ''));
    if (!original) continue;
    say(`\n== a correction round: the sender answers the re-send request for ${original.fileName}`);
    const status = await uploadAndWait(
      base,
      key,
      name,
      readFileSync(path.join(dir, name)),
      original.sender,
      say,
    );
    if (!status) continue;
    if (status.reason) say(`  ${status.state}: ${status.reason}`);
    else say(`  the correction file: ${JSON.stringify(status.counts)}; ${status.warnings.join('; ')}`);
    const after = await files.get(original.fileId);
    const open = (await deadLetters.list({ fileId: original.fileId })).filter((d) =>
      REPLAYABLE_STATES.has(d.state),
    );
    say(
      `  ${original.fileName}: ${after?.counts?.deadLettered ?? 0} dead-lettered at split, ${after?.corrected ?? 0} corrected since, ${open.length} still open or requested (${open.map((d) => `line ${d.lineNumber} ${d.errorClass}`).join(', ')})`,
    );
  }
}

/** Loads the fixture catalog, runs a matcher until the demo files are caught up, prints the result. */
async function demoMatching(
  config: Config,
  ctx: CliContext,
  statuses: AccountedFile[],
  say: Say,
): Promise<void> {
  const catalogs = readdirSync(reportsDir).filter((n) => /\.V2[12]$/.test(n));
  const loaded = await loadReferenceFiles(
    config,
    ctx.logger,
    catalogs.map((name) => ({ name, bytes: readFileSync(path.join(reportsDir, name)) })),
    'fixture-catalog',
  );
  say('\n== reference data');
  for (const r of loaded) {
    say(
      `  ${r.file}: ${r.loaded} of ${r.read} transactions loaded, ${r.worksWritten} works, ${r.recordingsWritten} ISRC links, trailers ${r.trailerCheck}`,
    );
  }
  const matcher = await MatcherService.start(config, ctx.logger);
  try {
    const wanted = new Map(statuses.filter((s) => s.counts).map((s) => [s.fileId, s]));
    let status: FileMatchStatus[] = [];
    for (let i = 0; i < 120; i++) {
      status = (
        await matchStatus(config, ctx.logger, async (id) => wanted.get(id)?.counts?.emitted ?? null)
      ).filter((s) => wanted.has(s.fileId));
      if (status.length === wanted.size && status.every((s) => s.caughtUp)) break;
      await sleep(500);
    }
    say(
      '== matching per file (events = matched + unmatched + deadLettered; events = emitted + lines corrected since)',
    );
    printTable(
      status.map((s) => ({
        file: wanted.get(s.fileId)!.fileName.slice(0, 50),
        emitted: s.emitted,
        events: s.events,
        matched: s.matched,
        unmatched: s.unmatched,
        deadLettered: s.deadLettered,
        caughtUp: s.caughtUp,
        byMethod: Object.entries(s.byMethod)
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
      })),
      ['file', 'emitted', 'events', 'matched', 'unmatched', 'deadLettered', 'caughtUp', 'byMethod'],
    );
    say(
      `Matched lines are on ${topicName(config.kafka.topicPrefix, 'usage.matched')}; npx tallyline match status for more.`,
    );
  } finally {
    await matcher.stop();
  }
}
