export { loadConfig, describeConfig, ConfigError, ENVIRONMENT } from './config.ts';
export type { Config, LoadOptions } from './config.ts';
