import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, describeConfig, loadConfig } from './config.ts';

const noFile = path.join(tmpdir(), 'no-such-tallyline-config.json');
const env = (vars: Record<string, string>) => ({ TALLYLINE_CONFIG: '', ...vars });

test('defaults point at the local stack', () => {
  const c = loadConfig({ env: {}, file: undefined });
  assert.deepEqual(c.kafka.brokers, ['127.0.0.1:19092']);
  assert.equal(c.registry.url, 'http://127.0.0.1:18081/apis/ccompat/v7');
  assert.equal(c.redis.url, 'redis://127.0.0.1:6379');
  assert.equal(c.kafka.topicPrefix, '');
  assert.equal(c.kafka.ssl, false);
});

test('stack ports move the derived addresses', () => {
  const c = loadConfig({ env: env({ TALLYLINE_KAFKA_PORT: '29092', TALLYLINE_REGISTRY_PORT: '28081' }) });
  assert.deepEqual(c.kafka.brokers, ['127.0.0.1:29092']);
  assert.equal(c.registry.url, 'http://127.0.0.1:28081/apis/ccompat/v7');
});

test('remote cluster settings: brokers list, SASL, SSL, registry auth, Redis URL', () => {
  const c = loadConfig({
    env: env({
      TALLYLINE_KAFKA_BROKERS: 'b1.example:9093, b2.example:9093',
      TALLYLINE_KAFKA_SSL: 'true',
      TALLYLINE_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      TALLYLINE_KAFKA_SASL_USERNAME: 'svc',
      TALLYLINE_KAFKA_SASL_PASSWORD: 'secret',
      TALLYLINE_REGISTRY_URL: 'https://registry.example/apis/ccompat/v7',
      TALLYLINE_REGISTRY_USERNAME: 'reg',
      TALLYLINE_REGISTRY_PASSWORD: 'regsecret',
      TALLYLINE_REDIS_URL: 'rediss://cache.example:6380/2',
      TALLYLINE_DATABASE_URL: 'postgres://ledger:dbsecret@db.example:5432/tallyline',
    }),
  });
  assert.deepEqual(c.kafka.brokers, ['b1.example:9093', 'b2.example:9093']);
  assert.equal(c.kafka.ssl, true);
  assert.deepEqual(c.kafka.sasl, { mechanism: 'scram-sha-512', username: 'svc', password: 'secret' });
  assert.equal(c.registry.username, 'reg');
  assert.equal(c.redis.url, 'rediss://cache.example:6380/2');
  assert.equal(c.database.url, 'postgres://ledger:dbsecret@db.example:5432/tallyline');
  const shown = JSON.stringify(describeConfig(c));
  assert.ok(!shown.includes('secret'), 'passwords are masked, in URLs too');
  assert.ok(shown.includes('postgres://ledger:***@db.example:5432/tallyline'));
});

test('a bad value fails with the setting name, its variable and what was expected', () => {
  assert.throws(
    () => loadConfig({ env: env({ TALLYLINE_KAFKA_PORT: 'ninety' }) }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /stack\.kafkaPort \(TALLYLINE_KAFKA_PORT\)/);
      assert.match(err.message, /"ninety"/);
      return true;
    },
  );
  assert.throws(
    () => loadConfig({ env: env({ TALLYLINE_KAFKA_BROKERS: 'nohostport' }) }),
    /kafka\.brokers.*host:port/,
  );
  assert.throws(
    () => loadConfig({ env: env({ TALLYLINE_KAFKA_SSL: 'maybe' }) }),
    /kafka\.ssl \(TALLYLINE_KAFKA_SSL\)/,
  );
  assert.throws(
    () => loadConfig({ env: env({ TALLYLINE_REDIS_URL: 'http://x' }) }),
    /redis\.url.*redis:\/\//,
  );
  assert.throws(
    () => loadConfig({ env: env({ TALLYLINE_KAFKA_SASL_MECHANISM: 'plain' }) }),
    /kafka\.sasl\.username/,
    'a SASL mechanism without credentials is refused',
  );
});

test('a config file is read, and environment variables win over it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tallyline-config-'));
  const file = path.join(dir, 'tallyline.config.json');
  writeFileSync(
    file,
    JSON.stringify({ kafka: { clientId: 'from-file', topicPrefix: 'file.' }, log: { level: 'debug' } }),
  );
  const c = loadConfig({ file, env: env({ TALLYLINE_KAFKA_TOPIC_PREFIX: 'env.' }) });
  assert.equal(c.kafka.clientId, 'from-file');
  assert.equal(c.kafka.topicPrefix, 'env.');
  assert.equal(c.log.level, 'debug');
});

test('an unreadable config file names the file', () => {
  assert.throws(() => loadConfig({ file: noFile, env: {} }), /no-such-tallyline-config\.json/);
  const dir = mkdtempSync(path.join(tmpdir(), 'tallyline-config-'));
  const file = path.join(dir, 'bad.json');
  writeFileSync(file, '[1,2]');
  assert.throws(() => loadConfig({ file, env: {} }), /bad\.json: expected a JSON object/);
});

test('structured settings come from the environment as JSON, and are validated', () => {
  const key = { sender: 'S1', sha256: 'a'.repeat(64) };
  const c = loadConfig({
    env: env({ TALLYLINE_API_KEYS: JSON.stringify([key]), TALLYLINE_CSV_MAPPINGS: '{"S1":{"columns":{}}}' }),
  });
  assert.deepEqual(c.ingest.apiKeys, [{ ...key, role: 'sender', name: 'S1' }]);
  assert.deepEqual(Object.keys(c.ingest.csvMappings), ['S1']);
  assert.throws(
    () => loadConfig({ env: env({ TALLYLINE_API_KEYS: '[{"sender":"S1","sha256":"not-hex"}]' }) }),
    /ingest\.apiKeys\.0\.sha256.*64 lower-case hex digits/,
  );
  assert.throws(
    () => loadConfig({ env: env({ TALLYLINE_API_KEYS: 'not json' }) }),
    /ingest\.apiKeys \(TALLYLINE_API_KEYS\)/,
  );
});

test("an API key's role: sender by default, admin: true is an operator, a rights holder names its holder", () => {
  const sha256 = 'b'.repeat(64);
  const keys = (entries: unknown[]) =>
    loadConfig({ env: env({ TALLYLINE_API_KEYS: JSON.stringify(entries) }) }).ingest.apiKeys;
  assert.deepEqual(
    keys([
      { sender: 'S1', sha256 },
      { sender: 'ops', sha256, admin: true },
      { role: 'operator', name: 'ana', sha256 },
      { role: 'rightsHolder', holder: 'SOC-PRS', sha256 },
    ]),
    [
      { role: 'sender', sender: 'S1', name: 'S1', sha256 },
      { role: 'operator', name: 'ops', sha256 },
      { role: 'operator', name: 'ana', sha256 },
      { role: 'rightsHolder', holder: 'SOC-PRS', name: 'SOC-PRS', sha256 },
    ],
  );
  assert.throws(
    () => keys([{ role: 'admin', sender: 'S1', sha256 }]),
    /ingest\.apiKeys\.0\.role: one of sender, rightsHolder, operator/,
  );
  assert.throws(() => keys([{ role: 'rightsHolder', sha256 }]), /apiKeys\.0\.holder.*names its holder/);
  assert.throws(() => keys([{ role: 'rightsHolder', holder: 'PRS', sha256 }]), /PUB-<IPI or NAME> or SOC-/);
  assert.throws(
    () => keys([{ role: 'sender', admin: true, sender: 'S1', sha256 }]),
    /admin: true means role operator/,
  );
  assert.throws(() => keys([{ sha256 }]), /apiKeys\.0\.sender.*a sender key names its sender/);
});

test('SASL PLAIN without TLS is refused, naming the ways out; with TLS, or said on purpose, it is taken', () => {
  const plain = {
    TALLYLINE_KAFKA_SASL_MECHANISM: 'plain',
    TALLYLINE_KAFKA_SASL_USERNAME: 'svc',
    TALLYLINE_KAFKA_SASL_PASSWORD: 'secret',
  };
  assert.throws(
    () => loadConfig({ env: env(plain) }),
    (err: unknown) =>
      err instanceof ConfigError &&
      /plain sends the password in clear/.test(err.message) &&
      /TALLYLINE_KAFKA_SSL=true/.test(err.message) &&
      /TALLYLINE_KAFKA_ALLOW_PLAIN_SASL_WITHOUT_TLS=true/.test(err.message),
  );
  assert.equal(
    loadConfig({ env: env({ ...plain, TALLYLINE_KAFKA_SSL: 'true' }) }).kafka.sasl?.mechanism,
    'plain',
  );
  assert.equal(
    loadConfig({ env: env({ ...plain, TALLYLINE_KAFKA_ALLOW_PLAIN_SASL_WITHOUT_TLS: 'true' }) }).kafka.ssl,
    false,
  );
  // SCRAM never sends the password itself.
  assert.equal(
    loadConfig({ env: env({ ...plain, TALLYLINE_KAFKA_SASL_MECHANISM: 'scram-sha-256' }) }).kafka.sasl
      ?.mechanism,
    'scram-sha-256',
  );
});
