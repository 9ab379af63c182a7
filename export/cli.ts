import type { Command } from 'commander';
import { CliError, printJson, printTable, serveUntilSignal, type CliContext } from '../core/cli/index.ts';
import { KafkaClient } from '../core/kafka/index.ts';
import { FileStore } from '../ingest/index.ts';
import { Database } from '../core/db/index.ts';
import { parsePeriod } from './period.ts';
import { compareWithLegacy, reconcileFile, reconcileFromLedger } from './reconcile.ts';
import { fileAccountingOf, syncLedger } from '../ledger/index.ts';
import { exportRun, type ExportRunResult } from './run.ts';
import { ExportService } from './service.ts';
import { type InputBuilder, readExportInput } from './sources.ts';

export function printRun(
  r: ExportRunResult,
  say: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
): void {
  say(`export ${r.period}: ${r.files.length} file(s) in ${r.outboxDir}/${r.period}`);
  printTable(
    r.files.map((f) => ({
      file: f.path,
      rows: f.rows,
      totals: f.totals.map((t) => `${t.amount} ${t.currency} (${t.usages} usages)`).join(', '),
      announced: f.announced ? 'yes' : 'already',
    })),
    ['file', 'rows', 'totals', 'announced'],
  );
}

export function registerExportCommands(program: Command, ctx: CliContext): void {
  const exp = program
    .command('export')
    .description('statements per rights holder and claims per report, from matched usage');
  registerExportRun(exp, ctx);
  registerExportServe(exp, ctx);
  registerReconcile(program, ctx);
}

function registerExportRun(exp: Command, ctx: CliContext): void {
  exp
    .command('run')
    .description(
      'write the statements (CSV per rights holder) and claims (CDM-modelled TSV per report) of one period into the outbox, atomically, and announce new ones on export.statements; deterministic and safe to re-run',
    )
    .requiredOption(
      '--period <P>',
      'a month like 2026-11 or a quarter like 2026-Q4 (by the usage start date)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { period: string; json?: boolean }) => {
      // A coded ExportError (bad period, period exported already, locked) reaches the CLI's one mapping.
      const result = await exportRun(ctx.config, ctx.logger, parsePeriod(opts.period));
      if (opts.json) return printJson(result);
      printRun(result);
      printTable(
        result.reports.flatMap((r) =>
          r.money.map((m) => ({ report: r.fileId.slice(0, 16), sender: r.sender, ...m })),
        ),
        [
          'report',
          'sender',
          'currency',
          'reported',
          'allocated',
          'unallocated',
          'unmatched',
          'pending',
          'notValued',
          'gap',
        ],
      );
    });
}

function registerExportServe(exp: Command, ctx: CliContext): void {
  exp
    .command('serve')
    .description(
      'the continuous export: a member of the export consumer group on usage.matched; re-exports the periods new matched lines fall in, then commits its offsets',
    )
    .action(async () => {
      const service = await ExportService.start(ctx.config, ctx.logger);
      await serveUntilSignal([service], ctx.logger);
    });
}

interface ReconcileOptions {
  file?: string;
  recompute?: boolean;
  against?: string;
  period?: string;
  currency?: string;
  json?: boolean;
}

function registerReconcile(program: Command, ctx: CliContext): void {
  program
    .command('reconcile')
    .description(
      "check the accounting chain of one report (--file), or compare a period's per-work totals with a legacy system's CSV (--against with --period); exit 1 naming each gap or difference",
    )
    .option(
      '--file <id>',
      'the report: lines → events + dead letters + context → matched + unmatched + dead letters → money exported against its summary totals',
    )
    .option('--against <legacy.csv>', 'CSV of work id, usage, amount from the system tallyline replaces')
    .option('--period <P>', 'the period for --against')
    .option(
      '--currency <ISO>',
      'with --against: the currency of the legacy amounts when the CSV has no 4th (currency) column; needed when the period has amounts in several currencies',
    )
    .option(
      '--recompute',
      'with --file: read the topics whole and compute the export again, instead of the ledger (slow on long topics)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: ReconcileOptions) => {
      if (!opts.file === !opts.against)
        throw new CliError('give either --file ID or --against LEGACY.csv --period P', 2);
      if (opts.against && !opts.period) throw new CliError('--against needs --period', 2);
      if (opts.file && !opts.recompute) return reconcileReport(ctx, null, opts.file, opts);
      const kafka = new KafkaClient(ctx.config, ctx.logger);
      const input = await readExportInput(ctx.config, ctx.logger, kafka);
      if (opts.against) return reconcileAgainst(input, opts.against, opts);
      await reconcileReport(ctx, input, opts.file!, opts);
    });
}

/** reconcile --against: a period's per-work totals against the legacy system's CSV. */
async function reconcileAgainst(input: InputBuilder, against: string, opts: ReconcileOptions): Promise<void> {
  const result = await compareWithLegacy(against, input, parsePeriod(opts.period!), {
    currency: opts.currency,
  }).catch((err: Error) => {
    throw new CliError(err.message, 2);
  });
  if (opts.json) printJson(result);
  else {
    process.stdout.write(
      `${result.period}: ${result.works} work(s) in tallyline, ${result.legacyWorks} in ${against}; ${result.differences.length} difference(s)\n`,
    );
    printTable(
      result.differences.map((d) => ({
        workId: d.workId,
        currency: d.currency,
        ours: d.ours ? `${d.ours.usages} / ${d.ours.amount}` : '',
        legacy: d.legacy ? `${d.legacy.usages} / ${d.legacy.amount}` : '',
        difference: d.what,
      })),
      ['workId', 'currency', 'ours', 'legacy', 'difference'],
    );
  }
  if (result.differences.length) process.exitCode = 1;
}

/** reconcile --file: the accounting chain of one report, from the ledger, or recomputed from `input`. */
async function reconcileReport(
  ctx: CliContext,
  input: InputBuilder | null,
  fileId: string,
  opts: ReconcileOptions,
): Promise<void> {
  const db = Database.of(ctx.config);
  try {
    const outboxDir = ctx.config.export.outboxDir;
    if (!input) await syncLedger(ctx.config, ctx.logger, db);
    const file = await new FileStore(db).get(fileId);
    const result = input
      ? await reconcileFile(fileId, file, input, outboxDir)
      : await reconcileFromLedger(fileId, file, await fileAccountingOf(db, fileId), outboxDir);
    if (opts.json) printJson(result);
    else {
      process.stdout.write(
        `${file?.fileName ?? fileId}: ${result.ok ? 'reconciled' : `${result.gaps.length} gap(s)`}\n`,
      );
      for (const s of result.steps)
        process.stdout.write(`  ${s.ok ? 'ok ' : 'GAP'} ${s.step}: ${s.detail}\n`);
    }
    if (!result.ok) process.exitCode = 1;
  } finally {
    await db.close();
  }
}
