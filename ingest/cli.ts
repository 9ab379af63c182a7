import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { syncLedger } from '../ledger/index.ts';
import { CliError, printJson, printTable, type CliContext } from '../core/cli/index.ts';
import { FINAL_STATES, printAccounting } from './files/accounting.ts';
import { parseDsrFileName } from './dsr/index.ts';
import { hashKey } from '../core/http/index.ts';
import { API_ROLES, loadConfig } from '../core/config/index.ts';
import { fileStatus } from './routes.ts';
import { Intake } from './intake/intake.ts';
import { IngestError } from './errors.ts';
import { IngestRuntime } from './runtime.ts';
import { startSplitWorker } from './split/worker.ts';
import type { CorrectionSplitter } from './split/split-file.ts';
import type { FileState } from './files/file-store.ts';

/** The sender of a file: --sender, else the sender in a DSR file name. */
function senderOf(file: string, option: string | undefined): string {
  if (option) return option;
  const name = parseDsrFileName(path.basename(file));
  if (name.ok && name.value.sender) return name.value.sender;
  throw new CliError(`${file}: give --sender (the file name does not name one)`, 2);
}

/** What the composition hands in: the dead-letter component's splitter for correction files. */
export interface IngestCommandParts {
  splitCorrection?: CorrectionSplitter;
}

export function registerIngestCommands(
  program: Command,
  ctx: CliContext,
  parts: IngestCommandParts = {},
): void {
  registerIngest(program, ctx, parts);
  const files = program.command('files').description('files taken in, their state and line accounting');
  registerFilesShow(files, ctx);
  registerFilesRetry(files, ctx);
  registerFilesList(files, ctx);
  registerKeys(program);
}

interface IngestOptions {
  sender?: string;
  wait?: boolean;
  json?: boolean;
}

interface AcceptedFile {
  fileId: string;
  fileName: string;
  status: string;
}

function registerIngest(program: Command, ctx: CliContext, parts: IngestCommandParts): void {
  program
    .command('ingest')
    .description('take usage report files in, through the same intake as the upload API, and split them')
    .argument('<files...>', 'DSR (.tsv, .tsv.gz) or CSV usage files')
    .option('--sender <sender>', 'the sender the files come from (default: from a DSR file name)')
    .option('--wait', 'wait until each file is split (runs a split worker in this process)')
    .option('--json', 'print one JSON object per file with its state and line counts')
    .action(async (files: string[], opts: IngestOptions) => {
      const rt = await IngestRuntime.create(ctx.config, ctx.logger);
      const worker = opts.wait ? startSplitWorker(rt, parts.splitCorrection) : null;
      try {
        const { accepted, failed } = await acceptFiles(new Intake(rt), files, opts);
        if (opts.wait) await waitForFiles(rt, accepted, !opts.json);
        else if (!opts.json && accepted.some((a) => a.status === 'accepted')) {
          process.stderr.write('queued: a split worker (`tallyline serve`) takes them; or run with --wait\n');
        }
        const statuses = await Promise.all(
          accepted.map(async (a) => fileStatus(rt, (await rt.files.get(a.fileId))!)),
        );
        if (opts.json) {
          for (const s of statuses) process.stdout.write(`${JSON.stringify(s)}\n`);
        } else {
          printAccounting(statuses, { warnings: true });
        }
        if (failed || statuses.some((s) => s.state === 'rejected' || s.state === 'failed'))
          process.exitCode = 1;
      } finally {
        await worker?.close();
        await rt.close();
      }
    });
}

/** Hands each file to the intake in turn; failed is true when one was rejected. */
async function acceptFiles(
  intake: Intake,
  files: string[],
  opts: IngestOptions,
): Promise<{ accepted: AcceptedFile[]; failed: boolean }> {
  const accepted: AcceptedFile[] = [];
  let failed = false;
  for (const file of files) {
    await stat(file).catch(() => {
      throw new CliError(`${file}: no such file`, 2);
    });
    try {
      const result = await intake.accept(
        createReadStream(file),
        path.basename(file),
        senderOf(file, opts.sender),
      );
      accepted.push({
        fileId: result.file.fileId,
        fileName: result.file.fileName,
        status: result.status,
      });
      if (result.status === 'rejected') failed = true;
      if (!opts.json) {
        const note = result.status === 'rejected' ? `: ${result.file.reason}` : '';
        process.stderr.write(`${path.basename(file)}: ${result.status} as ${result.file.fileId}${note}\n`);
      }
    } catch (err) {
      if (err instanceof IngestError) throw new CliError(`${file}: ${err.message} (${err.code})`);
      throw err;
    }
  }
  return { accepted, failed };
}

function registerFilesShow(files: Command, ctx: CliContext): void {
  files
    .command('show')
    .argument('<fileId>')
    .option('--json', 'print as JSON')
    .action(async (fileId: string, opts: { json?: boolean }) => {
      const rt = await IngestRuntime.create(ctx.config, ctx.logger);
      try {
        // What the ledger derives (corrected lines) as of the topics now.
        await syncLedger(ctx.config, ctx.logger, rt.db);
        const file = await rt.files.get(fileId);
        if (!file) throw new CliError(`no file ${fileId}`);
        const s = await fileStatus(rt, file);
        if (opts.json) printJson(s);
        else
          for (const [k, v] of Object.entries(s))
            process.stdout.write(
              `${k.padEnd(12)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`,
            );
      } finally {
        await rt.close();
      }
    });
}

function registerFilesRetry(files: Command, ctx: CliContext): void {
  files
    .command('retry')
    .description('queue a failed split again (after the fault is fixed)')
    .argument('<fileId>')
    .action(async (fileId: string) => {
      const rt = await IngestRuntime.create(ctx.config, ctx.logger);
      try {
        const file = await rt.files.get(fileId);
        if (!file) throw new CliError(`no file ${fileId}`);
        if (file.state !== 'failed')
          throw new CliError(`file ${fileId} is ${file.state}, not failed: nothing to retry`);
        await rt.files.update(fileId, { state: 'received', reason: null });
        if (!(await rt.queue.retry(fileId, file.attempt))) await rt.queue.add(fileId, file.attempt);
        process.stdout.write(`file ${fileId} queued again\n`);
      } finally {
        await rt.close();
      }
    });
}

function registerFilesList(files: Command, ctx: CliContext): void {
  files
    .command('list')
    .description('files newest first, a page at a time (--before the last one shown for the next)')
    .option('--sender <sender>', "only this sender's files")
    .option('--state <state>', 'only files in this state: received, splitting, split, rejected, failed')
    .option('--limit <n>', 'how many (default 100)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new CliError(`--limit ${v}: a whole number above 0`, 2);
      return n;
    })
    .option(
      '--before <time>',
      'only files received before this ISO time (the last receivedAt of a page)',
      (v) => {
        if (Number.isNaN(Date.parse(v))) throw new CliError(`--before ${v}: an ISO date-time`, 2);
        return v;
      },
    )
    .option('--json', 'print as JSON')
    .action(
      async (opts: { sender?: string; state?: string; limit?: number; before?: string; json?: boolean }) => {
        const states = ['received', 'splitting', 'split', 'rejected', 'failed'] as const;
        if (opts.state && !(states as readonly string[]).includes(opts.state))
          throw new CliError(`--state ${opts.state}: one of ${states.join(', ')}`, 2);
        const rt = await IngestRuntime.create(ctx.config, ctx.logger);
        try {
          await syncLedger(ctx.config, ctx.logger, rt.db);
          const list = await Promise.all(
            (
              await rt.files.list({
                ...(opts.sender ? { sender: opts.sender } : {}),
                ...(opts.state ? { state: opts.state as FileState } : {}),
                ...(opts.before ? { before: opts.before } : {}),
                limit: opts.limit ?? 100,
              })
            ).map((f) => fileStatus(rt, f)),
          );
          if (opts.json) return printJson({ files: list });
          printTable(
            list.map((f) => ({
              fileId: f.fileId,
              file: f.fileName,
              sender: f.sender,
              state: f.state,
              lines: f.counts?.lines,
              dead: f.counts?.deadLettered,
            })),
            ['fileId', 'file', 'sender', 'state', 'lines', 'dead'],
          );
        } finally {
          await rt.close();
        }
      },
    );
}

function registerKeys(program: Command): void {
  program
    .command('keys')
    .description('API keys')
    .command('new')
    .description('make a new API key; prints the key once, and the entry for ingest.apiKeys (its hash)')
    .option('--role <role>', API_ROLES.join(', '), 'sender')
    .option('--sender <sender>', 'a sender key: the sender it uploads for')
    .option('--holder <holder>', 'a rightsHolder key: its holder id, e.g. SOC-PRS or PUB-00000000297')
    .option('--name <name>', 'who holds the key (an operator key: required)')
    .option('--admin', 'the same as --role operator')
    .action((opts: { role: string; sender?: string; holder?: string; name?: string; admin?: boolean }) => {
      const role = opts.admin ? 'operator' : opts.role;
      const key = `tl_${randomBytes(24).toString('base64url')}`;
      const entry = { role, sha256: hashKey(key), sender: opts.sender, holder: opts.holder, name: opts.name };
      // The entry is checked as the configuration will check it, so a bad one is told now.
      loadConfig({ env: {}, overrides: { 'ingest.apiKeys': [entry] } });
      printJson({ key, entry });
    });
}

async function waitForFiles(
  rt: IngestRuntime,
  files: { fileId: string; fileName: string }[],
  bar: boolean,
): Promise<void> {
  const multibar = bar
    ? new cliProgress.MultiBar(
        { format: '{bar} {percentage}% | {lines} lines | {file}', hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const bars = new Map(
    files.map((f) => [f.fileId, multibar?.create(100, 0, { file: f.fileName, lines: 0 })]),
  );
  try {
    for (;;) {
      const records = await Promise.all(files.map((f) => rt.files.get(f.fileId)));
      for (const r of records) {
        if (r) bars.get(r.fileId)?.update(r.progress.percent, { file: r.fileName, lines: r.progress.lines });
      }
      if (records.every((r) => r && FINAL_STATES.has(r.state))) return;
      await sleep(250);
    }
  } finally {
    multibar?.stop();
  }
}
