import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, type CliContext } from '../core/cli/context.ts';
import { printJson, printTable } from '../core/cli/output.ts';
import { loadCwrFiles } from './refdata/load-cwr.ts';

export function registerMatcherCommands(program: Command, ctx: CliContext): void {
  const refdata = program
    .command('refdata')
    .description('reference data for matching: works and ISRC → work links');
  refdata
    .command('load')
    .description(
      'load CWR 2.1/2.2 files onto ref.works and ref.recordings; a bad transaction is rejected with its reason and the rest loads (exit 1 if any was rejected or the trailers disagree)',
    )
    .argument('<files...>', 'CWR files (e.g. CW220001DMP_000.V21)')
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
      const reports = await loadCwrFiles(ctx.config, ctx.logger, inputs, opts.source);
      if (opts.json) printJson({ files: reports });
      else {
        printTable(
          reports.map((r) => ({
            file: r.file,
            version: r.version,
            read: r.transactions.read,
            loaded: r.transactions.loaded,
            rejected: r.transactions.rejected,
            works: r.worksWritten,
            recordings: r.recordingsWritten,
            trailers: r.trailerCheck,
          })),
          ['file', 'version', 'read', 'loaded', 'rejected', 'works', 'recordings', 'trailers'],
        );
        for (const r of reports) {
          for (const x of r.rejected) {
            process.stdout.write(
              `  ${r.file} line ${x.line} (${x.recordType}${x.field ? `, ${x.field}` : ''}): transaction ${x.transactionSequence} rejected: ${x.reason}\n`,
            );
          }
        }
      }
      if (reports.some((r) => r.transactions.rejected > 0 || r.trailerCheck !== 'OK')) process.exitCode = 1;
    });
}
