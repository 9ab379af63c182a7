import type { Command } from 'commander';
import { printJson, printTable, serveUntilSignal, type CliContext } from '../core/cli/index.ts';
import { masked } from '../core/db/index.ts';
import { LedgerError } from './errors.ts';
import { Ledger } from './ledger.ts';
import { rebuildLedger } from './rebuild.ts';

export function registerLedgerCommands(program: Command, ctx: CliContext): void {
  const ledger = program
    .command('ledger')
    .description("tallyline's operational state in PostgreSQL, derived from the topics (docs/ledger.md)");
  ledger
    .command('serve')
    .description('run the ledger consumer: applies the topics to the ledger, exactly once, until stopped')
    .action(async () => {
      const l = await Ledger.open(ctx.config, ctx.logger);
      const serving = l.background(() => ctx.logger.info('ledger caught up with the topics'));
      ctx.logger.info(
        { database: masked(ctx.config.database.url), schema: ctx.config.database.schema },
        'ledger serving',
      );
      await serveUntilSignal([serving], ctx.logger);
    });
  ledger
    .command('status')
    .description('per topic partition: the offset the ledger has applied, the end offset, and the lag')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const l = await Ledger.open(ctx.config, ctx.logger);
      try {
        const rows = await l.lag();
        if (opts.json) return printJson({ schema: l.db.schema, partitions: rows });
        printTable(rows, ['topic', 'partition', 'applied', 'end', 'lag']);
      } finally {
        await l.close();
      }
    });
  ledger
    .command('rebuild')
    .description(
      'build a fresh ledger from the topics alone (schema <schema>_rebuild) and compare it with the live one; exit 1 if they differ',
    )
    .option(
      '--replace',
      "then put the rebuilt ledger in the live one's place (stop the ledger consumer first)",
    )
    .option('--json', 'print JSON')
    .action(async (opts: { replace?: boolean; json?: boolean }) => {
      const result = await rebuildLedger(ctx.config, ctx.logger, {
        replace: !!opts.replace,
        onProgress: opts.json ? undefined : (t) => process.stderr.write(`${t}\n`),
      });
      if (opts.json) printJson(result);
      else {
        const tables = Object.entries(result.diff);
        process.stdout.write(`rebuilt in ${result.seconds.toFixed(1)} s into schema ${result.schema}\n`);
        if (!tables.length) process.stdout.write('the rebuilt ledger equals the live one\n');
        for (const [table, d] of tables)
          process.stdout.write(
            `  ${table}: ${d.onlyLive.length} row(s) only live, ${d.onlyRebuilt.length} only rebuilt, ${d.differ.length} differ (e.g. ${[...d.onlyLive, ...d.onlyRebuilt, ...d.differ].slice(0, 3).join(', ')})\n`,
          );
        if (result.replaced)
          process.stdout.write(`the rebuilt ledger is now schema ${ctx.config.database.schema}\n`);
      }
      if (Object.keys(result.diff).length && !opts.replace)
        throw new LedgerError('LEDGER_DIFFERS', 'the rebuilt ledger differs from the live one (see above)');
    });
}
