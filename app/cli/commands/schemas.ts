import type { Command } from 'commander';
import { checkSchemas, createRegistryClient } from '../../../core/registry/index.ts';
import { type CliContext, printJson, printTable } from '../../../core/cli/index.ts';

export function registerSchemaCommands(program: Command, ctx: CliContext): void {
  const schemas = program
    .command('schemas')
    .description('Avro schemas (core/schemas/*.avsc) in the schema registry');

  schemas
    .command('check')
    .description(
      'register new or changed schemas (BACKWARD compatibility on every subject); ' +
        'exits 1 naming the fields of an incompatible change, which is not registered',
    )
    .option('--dry-run', 'only test against the registry; register nothing')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean; dryRun?: boolean }) => {
      const reports = await checkSchemas(createRegistryClient(ctx.config), {
        prefix: ctx.config.kafka.topicPrefix,
        dryRun: opts.dryRun ?? false,
      });
      if (opts.json) printJson({ subjects: reports });
      else {
        printTable(reports, ['subject', 'schema', 'state', 'id']);
        for (const r of reports) for (const p of r.problems) process.stdout.write(`  ${r.subject}: ${p}\n`);
      }
      if (reports.some((r) => r.state === 'incompatible')) process.exitCode = 1;
    });
}
