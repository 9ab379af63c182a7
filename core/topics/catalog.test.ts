import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSchemas } from '../schemas/index.ts';
import { TOPICS, topicName } from './catalog.ts';

test('the catalog holds the topics of the architecture, once each', () => {
  const names = TOPICS.map((t) => t.name);
  assert.deepEqual(new Set(names).size, names.length);
  for (const name of [
    'usage.files',
    'usage.lines',
    'usage.lines.dlq',
    'ref.works',
    'ref.recordings',
    'usage.matched',
    'usage.unmatched',
    'export.statements',
  ]) {
    assert.ok(names.includes(name as (typeof names)[number]), name);
  }
});

test('reference topics are compacted; event topics are not', () => {
  for (const t of TOPICS) {
    const policy = t.configs['cleanup.policy'];
    assert.equal(policy, t.name.startsWith('ref.') ? 'compact' : 'delete', t.name);
  }
});

test('every value schema named in the catalog exists; the dead-letter topic keeps raw bytes', () => {
  const schemas = loadSchemas();
  for (const t of TOPICS)
    if (t.valueSchema) assert.ok(schemas.has(t.valueSchema), `${t.name}: ${t.valueSchema}`);
  assert.equal(TOPICS.find((t) => t.name === 'usage.lines.dlq')!.valueSchema, null);
});

test('the prefix goes in front of the name', () => {
  assert.equal(topicName('staging.', 'usage.lines'), 'staging.usage.lines');
});
