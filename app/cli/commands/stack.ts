import type { Command } from 'commander';
import { stackDown, stackReset, stackStatus, stackUp } from '../../../core/stack/index.ts';
import { type CliContext, printJson, printTable } from '../../../core/cli/index.ts';

export function registerStackCommands(program: Command, ctx: CliContext): void {
  const stack = program
    .command('stack')
    .description(
      'the local stack: Apache Kafka (KRaft), Apicurio Registry, Redis and PostgreSQL on this machine',
    );

  stack
    .command('up')
    .description(
      'download what is missing, start what is not running, wait until all are healthy, migrate the ledger',
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const progress = opts.json ? undefined : (text: string) => process.stderr.write(`${text}\n`);
      const results = await stackUp(ctx.config, progress);
      if (opts.json) return printJson({ services: results });
      printTable(
        results.map((r) => ({
          service: r.name,
          state: r.healthy ? 'healthy' : 'unhealthy',
          action: r.action === 'started' ? `started (pid ${r.pid})` : 'already running',
          seconds: r.seconds.toFixed(1),
          address: r.address,
          log: r.logFile ?? '',
        })),
        ['service', 'state', 'action', 'seconds', 'address', 'log'],
      );
      for (const r of results) for (const note of r.notes) process.stdout.write(`  ${r.name}: ${note}\n`);
    });

  stack
    .command('status')
    .description('health of each service; exits 1 if any is unhealthy')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const services = await stackStatus(ctx.config);
      if (opts.json) printJson({ services });
      else
        printTable(
          services.map((s) => ({
            service: s.name,
            healthy: s.healthy,
            address: s.address,
            managed: s.managed ? `pid ${s.pid}` : 'no',
            detail: s.detail,
          })),
          ['service', 'healthy', 'address', 'managed', 'detail'],
        );
      if (services.some((s) => !s.healthy)) process.exitCode = 1;
    });

  stack
    .command('down')
    .description('stop the services that `stack up` started; others are left running')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const results = await stackDown(ctx.config);
      if (opts.json) printJson({ services: results });
      else
        printTable(
          results.map((r) => ({ service: r.name, result: r.result })),
          ['service', 'result'],
        );
    });

  stack
    .command('reset')
    .description("stop the managed services and wipe their data and tallyline's Redis keys (downloads stay)")
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await stackReset(ctx.config);
      if (opts.json) return printJson(result);
      printTable(
        result.down.map((r) => ({ service: r.name, result: r.result })),
        ['service', 'result'],
      );
      for (const dir of result.removed) process.stdout.write(`removed ${dir}\n`);
      if (result.schemaDropped) process.stdout.write(`dropped schema ${result.schemaDropped}\n`);
      process.stdout.write(
        `deleted ${result.redisKeysDeleted} Redis keys\nrun \`tallyline stack up\` to start afresh\n`,
      );
    });
}
