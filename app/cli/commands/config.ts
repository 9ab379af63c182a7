import type { Command } from 'commander';
import { describeConfig, ENVIRONMENT } from '../../../core/config/index.ts';
import { type CliContext, printJson } from '../../../core/cli/index.ts';

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('the configuration in force');
  config
    .command('show')
    .description('print the resolved configuration (secrets masked)')
    .action(() => printJson(describeConfig(ctx.config)));
  config
    .command('env')
    .description('list the environment variables that set it')
    .action(() => {
      for (const [name, dotted] of Object.entries(ENVIRONMENT))
        process.stdout.write(`${name.padEnd(38)} ${dotted}\n`);
    });
}
