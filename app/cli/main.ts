import { Command, CommanderError } from 'commander';
import { CliContext } from '../../core/cli/index.ts';
import { exitCodeOf, TallylineError } from '../../core/errors/index.ts';
import { registerConfigCommands } from './commands/config.ts';
import { registerDemoCommand } from '../demo/demo.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerSchemaCommands } from './commands/schemas.ts';
import { registerStackCommands } from './commands/stack.ts';
import { registerTopicCommands } from './commands/topics.ts';
import { registerIngestCommands } from '../../ingest/index.ts';
import { registerDlqCommands, splitCorrection } from '../../dead-letters/index.ts';
import { registerMatcherCommands } from '../../matcher/index.ts';
import { registerFixtureCommands } from '../../fixtures/index.ts';
import { registerExportCommands } from '../../export/index.ts';
import { registerLedgerCommands } from '../../ledger/index.ts';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('tallyline')
    .description('Usage reports in, record-level events on Kafka, matched usage out to rights holders.')
    .addHelpText(
      'after',
      "\nThe CLI holds the database and broker credentials: its commands are an operator's (the API's\nroles, for senders and rights holders, are in docs/api.md).",
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStackCommands(program, ctx);
  registerTopicCommands(program, ctx);
  registerSchemaCommands(program, ctx);
  registerConfigCommands(program, ctx);
  registerServeCommand(program, ctx);
  registerIngestCommands(program, ctx, { splitCorrection });
  registerDlqCommands(program, ctx);
  registerMatcherCommands(program, ctx);
  registerExportCommands(program, ctx);
  registerLedgerCommands(program, ctx);
  registerDemoCommand(program, ctx);
  registerFixtureCommands(program);
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const ctx = new CliContext();
  try {
    await buildProgram(ctx).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof TallylineError) {
      // A coded error's message is the whole story; its code is for scripts.
      process.stderr.write(`tallyline: ${err.message} [${err.code}]\n`);
      return exitCodeOf(err.kind);
    }
    // The message is the story; the stack is for whoever debugs tallyline itself.
    const debug = process.env.TALLYLINE_LOG_LEVEL === 'debug' || process.env.TALLYLINE_LOG_LEVEL === 'trace';
    process.stderr.write(
      `tallyline: ${debug ? ((err as Error).stack ?? String(err)) : (err as Error).message}\n`,
    );
    if (!debug) process.stderr.write('(TALLYLINE_LOG_LEVEL=debug shows where)\n');
    return 1;
  }
}
