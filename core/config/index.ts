export { loadConfig, describeConfig, ConfigError, ENVIRONMENT, API_ROLES } from './config.ts';
export type { Config, LoadOptions, ApiKey, ApiRole } from './config.ts';
