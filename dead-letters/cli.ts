import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError, type CliContext, printJson, printTable } from '../core/cli/index.ts';
import { cellsOf, cutRawNote } from './inspect.ts';
import { deadLetterStatsOf } from '../ledger/index.ts';
import { DeadLetters, type DeadLetterFilter, type DeadLetterItem, DEAD_LETTER_STATES } from './work-list.ts';
import { IngestRuntime } from '../ingest/index.ts';
import { writeResendRequest } from './resend-request.ts';
import { operator } from './audit.ts';
import { DEFAULT_MAX_REPLAYS } from './replay-run.ts';
import { correctionsFromFile, DEFAULT_RATE, replayAsked, type ReplayReport } from './replay.ts';
import { purge } from './purge.ts';
import { deadLetterOf } from './views.ts';
import { deadLetterFilter, type FilterOptions } from './filter.ts';

async function withRuntime<T>(
  ctx: CliContext,
  work: (rt: IngestRuntime, d: DeadLetters) => Promise<T>,
): Promise<T> {
  const rt = await IngestRuntime.create(ctx.config, ctx.logger);
  const deadLetters = DeadLetters.of(rt);
  try {
    return await work(rt, deadLetters);
  } finally {
    await deadLetters.close();
    await rt.close();
  }
}

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new CliError(`${name} ${v}: a number above 0`, 2);
  return n;
};

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function printReplay(report: ReplayReport): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  printTable(
    report.lines.map((l) => ({ ...l })),
    ['lineId', 'stage', 'errorClass', 'replays', 'now', 'result'],
  );
  out(
    `\n${report.lines.length} line(s)${report.applied ? '' : ' would be replayed (dry run: --apply to do it)'}`,
  );
  if (report.resumed) out(`resumed an interrupted run: ${report.resumed} line(s) done before`);
  out('by reason:');
  for (const [c, n] of Object.entries(report.byReason)) out(`  ${String(n).padStart(8)}  ${c}`);
  out(report.applied ? 'result:' : 'would be:');
  for (const [r, n] of Object.entries(report.results)) out(`  ${String(n).padStart(8)}  ${r}`);
}

type ListOptions = FilterOptions & { json?: boolean };

function withFilters(command: Command): Command {
  return command
    .option('--file <fileId>', 'one file')
    .option('--sender <sender>', "one sender's files")
    .option('--stage <stage>', 'parse, validate, match or export')
    .option('--error <class>', 'one error class, e.g. INVALID_ISRC')
    .option('--since <time>', 'failed at or after this time')
    .option('--state <state>', DEAD_LETTER_STATES.join(', '))
    .option('--json', 'print JSON');
}

export function registerDlqCommands(program: Command, ctx: CliContext): void {
  const dlq = program.command('dlq').description('dead-lettered lines: what failed, where and why');
  registerDlqList(dlq, ctx);
  registerDlqShow(dlq, ctx);
  registerDlqRequest(dlq, ctx);
  registerDlqReplay(dlq, ctx);
  registerDlqPurge(dlq, ctx);
  registerDlqStats(dlq, ctx);
}

function registerDlqList(dlq: Command, ctx: CliContext): void {
  withFilters(dlq.command('list').description('the dead letters, one row each')).action(
    async (opts: ListOptions) => {
      const items = await withRuntime(ctx, (_rt, d) => d.list(deadLetterFilter(opts)));
      const rows = items.map((d) => ({
        lineId: d.lineId,
        fileId: d.fileId,
        lineNumber: d.lineNumber,
        stage: d.stage,
        error: d.errorClass,
        state: d.state,
        replays: d.replays,
        sender: d.sender ?? null,
        cell: d.cell ?? null,
        message: d.message,
      }));
      if (opts.json) return printJson(rows);
      printTable(
        rows.map((r) => ({
          ...r,
          message: r.message.length > 80 ? `${r.message.slice(0, 77)}...` : r.message,
        })),
        ['fileId', 'lineNumber', 'stage', 'error', 'cell', 'state', 'replays', 'message'],
      );
      process.stdout.write(`${rows.length} dead letters\n`);
    },
  );
}

function registerDlqShow(dlq: Command, ctx: CliContext): void {
  dlq
    .command('show')
    .description('one dead letter: the raw line, its cells by name, the error and the cell at fault')
    .argument('<lineId>', '<fileId>:<lineNumber>')
    .option('--json', 'print JSON')
    .action(async (lineId: string, opts: { json?: boolean }) => {
      const item = await withRuntime(ctx, (_rt, d) => deadLetterOf(d, lineId));
      if (!item) throw new CliError(`no dead letter ${lineId}`);
      const cells = cellsOf(item);
      if (opts.json) {
        const { raw, ...rest } = item;
        return printJson({
          ...rest,
          raw: raw.toString('utf8'),
          rawBase64: raw.toString('base64'),
          rawCutNote: cutRawNote(item),
          cells,
        });
      }
      printDeadLetter(item, cells);
    });
}

function printDeadLetter(item: DeadLetterItem, cells: ReturnType<typeof cellsOf>): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `${item.lineId}  (file ${item.fileName ?? item.fileId}, line ${item.lineNumber}, sender ${item.sender ?? '?'})`,
  );
  out(`state   ${item.state}`);
  out(`error   ${item.stage} / ${item.errorClass}${item.cell ? ` in cell ${item.cell}` : ''}`);
  out(`reason  ${item.message}`);
  if (item.rootCauseLine !== undefined)
    out(`root    line ${item.rootCauseLine} (dlq show ${item.fileId}:${item.rootCauseLine})`);
  out(`failed  ${item.firstFailure.toISOString()} (attempt ${item.attempt})`);
  const cut = cutRawNote(item);
  if (cut) out(`cut     ${cut}`);
  out((cut ? 'line    (cut) ' : 'line    ') + JSON.stringify(item.raw.toString('utf8')));
  for (const c of cells)
    out(`  ${c.name === item.cell ? '>' : ' '} ${c.name.padEnd(32)} ${JSON.stringify(c.value)}`);
}

function registerDlqRequest(dlq: Command, ctx: CliContext): void {
  dlq
    .command('request')
    .description(
      "write the re-send request for a file's open dead lines (TSV modelled on DDEX CDM discrepancies, and a summary); they become requested",
    )
    .requiredOption('--file <fileId>', 'the file')
    .option('--out <dir>', 'where to write', '.')
    .option('--json', 'print what was written as JSON')
    .action(async (opts: { file: string; out: string; json?: boolean }) => {
      const written = await withRuntime(ctx, async (rt, d) => {
        if (!(await rt.files.get(opts.file))) throw new CliError(`no file ${opts.file}`);
        const result = await writeResendRequest(d, rt.files, opts.file, opts.out);
        if (!result) throw new CliError(`file ${opts.file} has no open dead letters: nothing to request`);
        return result;
      });
      if (opts.json) return printJson(written);
      process.stdout.write(
        `${written.lines} line(s) requested from the sender:\n  ${written.tsv}\n  ${written.summary}\n`,
      );
    });
}

type ReplayOptions = ListOptions & { apply?: boolean; withFile?: string; maxReplays: number; rate: number };

function registerDlqReplay(dlq: Command, ctx: CliContext): void {
  withFilters(
    dlq
      .command('replay')
      .description(
        'replay dead letters: dry run by default (what would happen, by reason); --apply re-publishes into the stage each failed at',
      ),
  )
    .option(
      '--apply',
      'do it: passing lines go to usage.lines under their lineId, failing ones get a new dead letter',
    )
    .option(
      '--with-file <corrections>',
      "replace the lines by corrected ones (OriginalFileName, LineNumber, CorrectedLine TSV); needs --sender: only that sender's files are corrected",
    )
    .option(
      '--max-replays <n>',
      'a line failing this many replays is parked on usage.lines.parked',
      positive('--max-replays'),
      DEFAULT_MAX_REPLAYS,
    )
    .option('--rate <n>', 'lines per second', positive('--rate'), DEFAULT_RATE)
    .addHelpText(
      'after',
      '\nOnly open and requested lines are replayed; a resolved line never is. Lines orphaned by a\nselected resource or release line come along. An interrupted --apply run, started again\nwith the same arguments, skips the lines it did. Each batch is audited on dlq.audit.',
    )
    .action(async (opts: ReplayOptions) => {
      const report = await withRuntime(ctx, (rt, d) => replayWith(rt, d, opts));
      if (opts.json) return printJson(report);
      printReplay(report);
    });
}

async function replayWith(rt: IngestRuntime, d: DeadLetters, opts: ReplayOptions): Promise<ReplayReport> {
  const corrections = opts.withFile
    ? await correctionsFromFile(rt, await readFile(opts.withFile), opts.withFile, opts.sender)
    : undefined;
  return replayAsked(rt, d, opts, {
    by: operator(),
    ...(corrections ? { corrections } : {}),
    ...(opts.json
      ? {}
      : {
          onBatch: (done: number, total: number) => process.stderr.write(`replayed ${done}/${total}\n`),
        }),
  });
}

type PurgeOptions = ListOptions & { force?: boolean; yes?: boolean };

function registerDlqPurge(dlq: Command, ctx: CliContext): void {
  withFilters(
    dlq
      .command('purge')
      .description('take resolved dead letters off the work list (state purged), audited; asks first'),
  )
    .option('--force', 'purge lines that are not resolved too')
    .option('--yes', 'do not ask')
    .addHelpText(
      'after',
      '\nKafka cannot delete one record: a purged line stays on usage.lines.dlq until retention,\nbut no list, request or replay shows it again (dlq list --state purged does).',
    )
    .action(async (opts: PurgeOptions) => {
      const filter = deadLetterFilter(opts);
      const result = await withRuntime(ctx, (_rt, d) => purgeWith(d, filter, opts));
      if (result.refused) process.exitCode = 1;
      if (opts.json) return printJson(result);
      process.stdout.write(`${result.purged} purged\n`);
      if (result.refused)
        process.stdout.write(`${result.refused} refused: not resolved (--force to purge them anyway)\n`);
    });
}

async function purgeWith(
  d: DeadLetters,
  filter: DeadLetterFilter,
  opts: PurgeOptions,
): Promise<{ purged: number; refused: number }> {
  return purge(d, filter, {
    force: !!opts.force,
    by: operator(),
    confirm: async (n) => {
      if (opts.yes || (await confirm(`purge ${n} dead letter(s)?`))) return true;
      throw new CliError(process.stdin.isTTY ? 'not purged' : `purge ${n} line(s): confirm with --yes`, 2);
    },
  });
}

function registerDlqStats(dlq: Command, ctx: CliContext): void {
  dlq
    .command('stats')
    .description('dead letters counted by error class, stage, sender, file and state')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const stats = await withRuntime(ctx, async (rt, d) => {
        await d.sync();
        return deadLetterStatsOf(rt.db);
      });
      if (opts.json) return printJson(stats);
      process.stdout.write(`${stats.total} dead letters\n`);
      for (const [title, counts] of Object.entries(stats).filter(([k]) => k !== 'total')) {
        process.stdout.write(
          `\nby ${title
            .slice(2)
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toLowerCase()}\n`,
        );
        for (const [k, n] of Object.entries(counts as Record<string, number>))
          process.stdout.write(`  ${String(n).padStart(8)}  ${k}\n`);
      }
    });
}
