import { SchemaRegistryClient } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';
import type { Config } from '../config/index.ts';

// Deep imports: the package's index also loads every KMS driver (AWS, Azure, GCP, Vault),
// which costs about a second at start-up and is not used here.
export { SchemaRegistryClient };
export { Compatibility } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';

/** Long enough for a registration on a busy machine, short of a hang. */
const REQUEST_TIMEOUT_MS = 15000;

export function createRegistryClient(config: Config): SchemaRegistryClient {
  const { url, username, password } = config.registry;
  return new SchemaRegistryClient({
    baseURLs: [url],
    ...(username
      ? {
          basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${username}:${password ?? ''}` },
        }
      : {}),
    // A request Apicurio took but never answered (seen once in a while under load: the
    // connection open, nothing coming back) hung its caller for ever; timed out, the client
    // retries it like any network error.
    createAxiosDefaults: { timeout: REQUEST_TIMEOUT_MS },
    maxRetries: 3,
    retriesWaitMs: 200,
    retriesMaxWaitMs: 2000,
  });
}

/** The registry answered 404 (no such subject or version). */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: number }).status === 404;
}

/** Topic-name strategy: the value subject of a topic. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
