import { loadConfig, type Config } from '../config/index.ts';
import { createLogger, type Logger } from '../log/index.ts';

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

/** An error whose message is the whole story: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
