import { loadConfig, type Config } from '../config/index.ts';
import { createLogger, type Logger } from '../log/index.ts';
import { TallylineError } from '../errors/index.ts';

/** What every command needs, built on first use so that `--help` needs no configuration. */
export class CliContext {
  private cachedConfig: Config | undefined;
  private cachedLogger: Logger | undefined;

  get config(): Config {
    this.cachedConfig ??= loadConfig();
    return this.cachedConfig;
  }

  get logger(): Logger {
    this.cachedLogger ??= createLogger(this.config.log.level);
    return this.cachedLogger;
  }
}

/**
 * A command's own error, whose message is the whole story: printed without a stack trace.
 * Exit code 2 says the command was given wrong input (like a usage error), 1 that it failed.
 */
export class CliError extends TallylineError<'BAD_USAGE' | 'COMMAND_FAILED'> {
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(exitCode === 2 ? 'BAD_USAGE' : 'COMMAND_FAILED', message, exitCode === 2 ? 'invalid' : 'failed');
  }
}
