import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, printJson, printTable, serveUntilSignal, type CliContext } from '../core/cli/index.ts';
import { loadReferenceFiles } from './refdata/load.ts';
import { MatcherService } from './service/matcher-service.ts';
import { matchStatus } from '../ledger/index.ts';

export function registerMatcherCommands(program: Command, ctx: CliContext): void {
  const refdata = program
    .command('refdata')
    .description('reference data for matching: works and ISRC → work links');
  registerRefdataLoad(refdata, ctx);
  const match = program.command('match').description('matching usage lines to works');
  registerMatchServe(match, ctx);
  registerMatchStatus(match, ctx);
}

function registerRefdataLoad(refdata: Command, ctx: CliContext): void {
  refdata
    .command('load')
    .description(
      'load CWR 2.1/2.2 files (works, REC links) and CSV link tables (ISRC, ISWC or work id, title) onto ref.works and ref.recordings; a bad transaction or row is rejected with its reason and the rest loads (exit 1 if any was rejected, or the trailers disagree)',
    )
    .argument('<files...>', 'CWR files (e.g. CW220001DMP_000.V21) or .csv link tables')
    .requiredOption(
      '--source <name>',
      'who asserts these works and links, e.g. the sending society or publisher',
    )
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], opts: { source: string; json?: boolean }) => {
      const inputs = await Promise.all(
        files.map(async (f) => ({
          name: path.basename(f),
          bytes: await readFile(f).catch(() => {
            throw new CliError(`${f}: no such file`, 2);
          }),
        })),
      );
      const reports = await loadReferenceFiles(ctx.config, ctx.logger, inputs, opts.source);
      if (opts.json) printJson({ files: reports });
      else printLoadReports(reports);
      if (
        reports.some(
          (r) => r.rejected > 0 || r.fileError || (r.trailerCheck !== null && r.trailerCheck !== 'OK'),
        )
      ) {
        process.exitCode = 1;
      }
    });
}

function printLoadReports(reports: Awaited<ReturnType<typeof loadReferenceFiles>>): void {
  printTable(
    reports.map((r) => ({
      file: r.file,
      format: r.version ? `${r.format} ${r.version}` : r.format,
      read: r.read,
      loaded: r.loaded,
      rejected: r.rejected,
      works: r.worksWritten,
      recordings: r.recordingsWritten,
      trailers: r.trailerCheck ?? '',
    })),
    ['file', 'format', 'read', 'loaded', 'rejected', 'works', 'recordings', 'trailers'],
  );
  for (const r of reports) {
    if (r.fileError) process.stdout.write(`  ${r.file}: not loaded: ${r.fileError}\n`);
    for (const x of r.rejections) {
      const where = [x.recordType, x.field].filter(Boolean).join(', ');
      process.stdout.write(
        `  ${r.file} line ${x.line}${where ? ` (${where})` : ''}: rejected: ${x.reason}\n`,
      );
    }
  }
}

function registerMatchServe(match: Command, ctx: CliContext): void {
  match
    .command('serve')
    .description('run a matcher instance (a member of the matcher consumer group) until stopped')
    .option(
      '--no-rematch',
      'do not re-match waiting lines on new reference data (run it on one instance only)',
    )
    .action(async (opts: { rematch: boolean }) => {
      const service = await MatcherService.start(ctx.config, ctx.logger, { rematch: opts.rematch });
      await serveUntilSignal([service], ctx.logger);
    });
}

function registerMatchStatus(match: Command, ctx: CliContext): void {
  match
    .command('status')
    .description('per file: emitted, matched, unmatched and dead-lettered lines, and matches by method')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      {
        // The ledger's counts: a few indexed queries, however long the topics are.
        const status = await matchStatus(ctx.config, ctx.logger);
        if (opts.json) return printJson(status);
        printTable(
          status.map((s) => ({
            ...s,
            byMethod: Object.entries(s.byMethod)
              .map(([k, n]) => `${k} ${n}`)
              .join(', '),
          })),
          ['fileId', 'emitted', 'events', 'matched', 'unmatched', 'deadLettered', 'caughtUp', 'byMethod'],
        );
      }
    });
}
