import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { CliError, type CliContext } from '../core/cli/context.ts';
import { printJson, printTable } from '../core/cli/output.ts';
import { KafkaClient } from '../core/kafka/index.ts';
import { topicName } from '../core/topics/index.ts';
import {
  cellsOf,
  deadLetterStats,
  DeadLetters,
  type DeadLetterFilter,
  type DeadLetterState,
} from './dead-letters.ts';
import { FileStore } from '../ingest/files/file-store.ts';
import { writeResendRequest } from './resend-request.ts';

async function withDeadLetters<T>(
  ctx: CliContext,
  work: (d: DeadLetters, files: FileStore) => Promise<T>,
): Promise<T> {
  const redis = new Redis(ctx.config.redis.url, { maxRetriesPerRequest: 1 });
  try {
    const kafka = new KafkaClient(ctx.config, ctx.logger);
    const topic = topicName(ctx.config.kafka.topicPrefix, 'usage.lines.dlq');
    return await work(
      new DeadLetters(kafka, redis, topic, ctx.config.redis.prefix),
      new FileStore(redis, ctx.config.redis.prefix),
    );
  } finally {
    redis.disconnect();
  }
}

interface FilterOptions {
  file?: string;
  sender?: string;
  stage?: string;
  error?: string;
  since?: string;
  state?: string;
  json?: boolean;
}

function filterOf(opts: FilterOptions): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (opts.file) filter.fileId = opts.file;
  if (opts.sender) filter.sender = opts.sender;
  if (opts.stage) filter.stage = opts.stage;
  if (opts.error) filter.errorClass = opts.error.toUpperCase();
  if (opts.since) {
    const since = new Date(opts.since);
    if (Number.isNaN(since.getTime()))
      throw new CliError(
        `--since ${opts.since}: not a date or time (e.g. 2026-11-01 or 2026-11-01T12:00Z)`,
        2,
      );
    filter.since = since;
  }
  if (opts.state) {
    if (!['open', 'requested', 'resolved'].includes(opts.state))
      throw new CliError(`--state ${opts.state}: open, requested or resolved`, 2);
    filter.state = opts.state as DeadLetterState;
  }
  return filter;
}

function withFilters(command: Command): Command {
  return command
    .option('--file <fileId>', 'one file')
    .option('--sender <sender>', "one sender's files")
    .option('--stage <stage>', 'parse, validate, match or export')
    .option('--error <class>', 'one error class, e.g. INVALID_ISRC')
    .option('--since <time>', 'failed at or after this time')
    .option('--state <state>', 'open, requested or resolved')
    .option('--json', 'print JSON');
}

export function registerDlqCommands(program: Command, ctx: CliContext): void {
  const dlq = program.command('dlq').description('dead-lettered lines: what failed, where and why');

  withFilters(dlq.command('list').description('the dead letters, one row each')).action(
    async (opts: FilterOptions) => {
      const items = await withDeadLetters(ctx, (d) => d.list(filterOf(opts)));
      const rows = items.map((d) => ({
        lineId: d.lineId,
        fileId: d.fileId,
        lineNumber: d.lineNumber,
        stage: d.stage,
        error: d.errorClass,
        state: d.state,
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
        ['fileId', 'lineNumber', 'stage', 'error', 'cell', 'state', 'message'],
      );
      process.stdout.write(`${rows.length} dead letters\n`);
    },
  );

  dlq
    .command('show')
    .description('one dead letter: the raw line, its cells by name, the error and the cell at fault')
    .argument('<lineId>', '<fileId>:<lineNumber>')
    .option('--json', 'print JSON')
    .action(async (lineId: string, opts: { json?: boolean }) => {
      const [fileId] = lineId.split(':');
      const item = (await withDeadLetters(ctx, (d) => d.list({ ...(fileId ? { fileId } : {}) }))).find(
        (d) => d.lineId === lineId,
      );
      if (!item) throw new CliError(`no dead letter ${lineId}`);
      const cells = cellsOf(item);
      if (opts.json) {
        const { raw, ...rest } = item;
        return printJson({ ...rest, raw: raw.toString('utf8'), rawBase64: raw.toString('base64'), cells });
      }
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
      out('line    ' + JSON.stringify(item.raw.toString('utf8')));
      for (const c of cells)
        out(`  ${c.name === item.cell ? '>' : ' '} ${c.name.padEnd(32)} ${JSON.stringify(c.value)}`);
    });

  dlq
    .command('request')
    .description(
      "write the re-send request for a file's open dead lines (TSV modelled on DDEX CDM discrepancies, and a summary); they become requested",
    )
    .requiredOption('--file <fileId>', 'the file')
    .option('--out <dir>', 'where to write', '.')
    .option('--json', 'print what was written as JSON')
    .action(async (opts: { file: string; out: string; json?: boolean }) => {
      const written = await withDeadLetters(ctx, async (d, files) => {
        if (!(await files.get(opts.file))) throw new CliError(`no file ${opts.file}`);
        const result = await writeResendRequest(d, files, opts.file, opts.out);
        if (!result) throw new CliError(`file ${opts.file} has no open dead letters: nothing to request`);
        return result;
      });
      if (opts.json) return printJson(written);
      process.stdout.write(
        `${written.lines} line(s) requested from the sender:\n  ${written.tsv}\n  ${written.summary}\n`,
      );
    });

  dlq
    .command('stats')
    .description('dead letters counted by error class, stage, sender, file and state')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const stats = deadLetterStats(await withDeadLetters(ctx, (d) => d.list()));
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
