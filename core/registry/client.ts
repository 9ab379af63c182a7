import { SchemaRegistryClient } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';
import type { Config } from '../config/index.ts';

// Deep imports: the package's index also loads every KMS driver (AWS, Azure, GCP, Vault),
// which costs about a second at start-up and is not used here.
export { SchemaRegistryClient };
export { Compatibility } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';

export function createRegistryClient(config: Config): SchemaRegistryClient {
  const { url, username, password } = config.registry;
  return new SchemaRegistryClient({
    baseURLs: [url],
    ...(username
      ? {
          basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${username}:${password ?? ''}` },
        }
      : {}),
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
