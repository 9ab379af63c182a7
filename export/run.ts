import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '../core/db/index.ts';
import type { Config } from '../core/config/index.ts';
import { KafkaClient } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import { accountMessage, topicName, type ReportAccount } from '../core/topics/index.ts';
import { moneyGap } from './accounting.ts';
import { computeExport, type ExportModel } from './compute.ts';
import { exportFiles } from './files.ts';
import { withExportLock } from './lock.ts';
import { formatMinor } from './money.ts';
import {
  entryOf,
  manifestPath,
  outboxFile,
  refuseOverlap,
  writeAtomically,
  type ManifestEntry,
} from './outbox.ts';
import { parsePeriod } from './period.ts';
import { readExportInput, type InputBuilder } from './sources.ts';

export type { ReportAccount };

export interface ExportRunResult {
  period: string;
  outboxDir: string;
  files: (ManifestEntry & { announced: boolean })[];
  /** per report: its accounting, amounts as decimal text */
  reports: ReportAccount[];
  undecodable: Record<string, number>;
  seconds: { read: number; compute: number; write: number };
}

export function reportAccounts(model: ExportModel): ReportAccount[] {
  return model.accounts.map((a) => ({
    fileId: a.fileId,
    sender: a.sender,
    lines: a.lines,
    matchedLines: a.matchedLines,
    unmatchedLines: a.unmatchedLines,
    pendingLines: a.pendingLines,
    deadAtMatch: a.deadAtMatch,
    money: a.money.map((m) => ({
      currency: m.currency,
      reported: formatMinor(m.reported, m.currency),
      allocated: formatMinor(m.allocated, m.currency),
      unallocated: formatMinor(m.unallocated, m.currency),
      unmatched: formatMinor(m.unmatched, m.currency),
      pending: formatMinor(m.pending, m.currency),
      notValued: formatMinor(m.notValued, m.currency),
      gap: formatMinor(moneyGap(m), m.currency),
    })),
  }));
}

export interface RunOptions {
  /** input already read (the continuous mode reads once for several periods) */
  input?: InputBuilder;
}

/**
 * One export of one period: read the topics to their end, compute, write every file
 * atomically, announce on export.statements each file whose content the topic has not
 * announced yet (in one transaction), then the manifest. Safe to kill anywhere and run
 * again: the files come out byte-identical and nothing is announced twice.
 */
export async function exportRun(
  config: Config,
  logger: Logger,
  periodText: string,
  options: RunOptions = {},
): Promise<ExportRunResult> {
  const period = parsePeriod(periodText);
  const kafka = new KafkaClient(config, logger);
  const db = Database.of(config, { max: 1 });
  try {
    // Under the lock of the period's quarter: one run at a time writes the outbox and reads
    // then writes export.statements, and nobody else's .tmp file is removed as stale.
    return await withExportLock(db, period, config.export.lockWaitMs, () =>
      runLocked(config, logger, kafka, period, options),
    );
  } finally {
    await db.close();
  }
}

async function runLocked(
  config: Config,
  logger: Logger,
  kafka: KafkaClient,
  period: string,
  options: RunOptions,
): Promise<ExportRunResult> {
  const outboxDir = config.export.outboxDir;
  await refuseOverlap(outboxDir, period);
  const t0 = Date.now();
  const input = options.input ?? (await readExportInput(config, logger, kafka));
  const t1 = Date.now();
  const model = computeExport(input.input, period);
  const files = exportFiles(model);
  const t2 = Date.now();
  const entries = files.map(entryOf);
  for (const f of files) {
    await writeAtomically(outboxFile(outboxDir, f.path), f.content);
    // The kill-and-restart tests' pause (config, test only): no other way to stop a run of
    // a few small files between two of them from outside its process.
    if (config.export.testOnlyPauseAfterFileMs) await sleep(config.export.testOnlyPauseAfterFileMs);
  }
  await removeStale(outboxDir, period, new Set(entries.map((e) => e.path)));
  const announcedNow = await announce(config, logger, kafka, period, entries);
  const reports = reportAccounts(model);
  // Every run: the ledger keeps each report's latest accounting (reconcile reads it).
  if (reports.length) {
    const producer = await kafka.producer();
    try {
      const at = new Date();
      await producer.send(
        topicName(config.kafka.topicPrefix, 'export.accounts'),
        reports.map((r) => accountMessage(period, r, at)),
      );
    } finally {
      await producer.disconnect();
    }
  }
  await writeAtomically(
    manifestPath(outboxDir, period),
    `${JSON.stringify({ period, files: entries }, null, 2)}\n`,
  );
  const t3 = Date.now();
  return {
    period,
    outboxDir,
    files: entries.map((e) => ({ ...e, announced: announcedNow.has(e.path) })),
    reports,
    undecodable: input.undecodable,
    seconds: { read: (t1 - t0) / 1000, compute: (t2 - t1) / 1000, write: (t3 - t2) / 1000 },
  };
}

/** Files of an earlier run of the period that this run no longer produces. */
async function removeStale(outboxDir: string, period: string, keep: Set<string>): Promise<void> {
  for (const sub of ['statements', 'claims']) {
    const dir = path.join(outboxDir, period, sub);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!keep.has(`${period}/${sub}/${name}`)) await rm(path.join(dir, name), { force: true });
    }
  }
}

/**
 * Sends an event for each file whose latest announcement on the topic has another
 * content hash (or none), all in one transaction: an interrupted run announces either all
 * of its files or none, and a rerun announces only what is still new.
 */
async function announce(
  config: Config,
  logger: Logger,
  kafka: KafkaClient,
  period: string,
  entries: ManifestEntry[],
): Promise<Set<string>> {
  const topic = topicName(config.kafka.topicPrefix, 'export.statements');
  const serde = await AvroSerde.forTopic(createRegistryClient(config), topic, 'ExportFileWritten');
  const latest = new Map<string, string>();
  await kafka.readToEnd(topic, async (messages) => {
    for (const m of messages) {
      if (m.value) latest.set(m.key?.toString() ?? '', (await serde.decode(m.value)).sha256);
    }
  });
  const fresh = entries.filter((e) => latest.get(e.path) !== e.sha256);
  if (fresh.length === 0) return new Set();
  const producer = await kafka.producer({ transactionalId: `${config.export.groupId}.announce.${period}` });
  try {
    await producer.transaction(async (tx) => {
      await tx.send(
        topic,
        fresh.map((e) => ({
          key: e.path,
          value: serde.encode({
            path: e.path,
            kind: e.kind,
            period,
            rightsHolderId: e.rightsHolderId,
            reportFileId: e.reportFileId,
            sender: e.sender,
            sha256: e.sha256,
            sizeBytes: e.sizeBytes,
            rows: e.rows,
            totals: e.totals,
          }),
        })),
      );
    });
  } finally {
    await producer.disconnect();
  }
  logger.debug({ period, announced: fresh.length }, 'export files announced');
  return new Set(fresh.map((e) => e.path));
}
