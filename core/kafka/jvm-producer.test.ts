import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config/index.ts';
import { javaClientSettings } from './jvm-producer.ts';

const configWith = (overrides: Record<string, unknown>) => loadConfig({ overrides, env: {} });

test('plaintext brokers need only the bootstrap servers', () => {
  const s = javaClientSettings(configWith({ 'kafka.brokers': 'k1:9092,k2:9092' }));
  assert.equal(s['bootstrap.servers'], 'k1:9092,k2:9092');
  assert.equal(s['security.protocol'], undefined);
});

test('TLS with a private CA uses a PEM trust store', () => {
  const s = javaClientSettings(configWith({ 'kafka.ssl': 'true', 'kafka.sslCaFile': '/etc/ca.pem' }));
  assert.equal(s['security.protocol'], 'SSL');
  assert.equal(s['ssl.truststore.type'], 'PEM');
  assert.equal(s['ssl.truststore.location'], '/etc/ca.pem');
});

test('SASL SCRAM over TLS, with a password that needs quoting', () => {
  const s = javaClientSettings(
    configWith({
      'kafka.ssl': 'true',
      'kafka.sasl.mechanism': 'scram-sha-512',
      'kafka.sasl.username': 'svc',
      'kafka.sasl.password': 'p"a\\ss',
    }),
  );
  assert.equal(s['security.protocol'], 'SASL_SSL');
  assert.equal(s['sasl.mechanism'], 'SCRAM-SHA-512');
  assert.equal(
    s['sasl.jaas.config'],
    'org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="p\\"a\\\\ss";',
  );
});

test('SASL PLAIN without TLS, where the configuration says it is meant', () => {
  const s = javaClientSettings(
    configWith({
      'kafka.sasl.mechanism': 'plain',
      'kafka.sasl.username': 'u',
      'kafka.sasl.password': 'p',
      'kafka.allowPlainSaslWithoutTls': 'true',
    }),
  );
  assert.equal(s['security.protocol'], 'SASL_PLAINTEXT');
  assert.match(
    s['sasl.jaas.config']!,
    /^org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule required/,
  );
});
