import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  checkSchemas,
  Compatibility,
  createRegistryClient,
  valueSubject,
} from '../../core/registry/index.ts';
import { loadSchema } from '../../core/schemas/index.ts';
import { TOPICS } from '../../core/topics/index.ts';
import { dropPrefix, testConfig } from '../support/harness.ts';

const config = testConfig('registry');
const client = createRegistryClient(config);
const prefix = config.kafka.topicPrefix;

after(() => dropPrefix(config));

test('schemas check registers every value schema with BACKWARD compatibility, then finds them unchanged', async () => {
  const first = await checkSchemas(client, { prefix });
  const withSchema = TOPICS.filter((t) => t.valueSchema);
  assert.deepEqual(
    first.map((r) => [r.subject, r.state]),
    withSchema.map((t) => [valueSubject(`${prefix}${t.name}`), 'registered']),
  );
  for (const r of first) {
    assert.ok(typeof r.id === 'number' && r.id > 0);
    assert.equal(await client.getCompatibility(r.subject), Compatibility.BACKWARD, r.subject);
  }
  const second = await checkSchemas(client, { prefix });
  assert.deepEqual(
    second.map((r) => [r.subject, r.state, r.id]),
    first.map((r) => [r.subject, 'unchanged', r.id]),
  );
});

test('the registry refuses an incompatible schema, and the check names the field', async () => {
  // An earlier UsageLine under a fresh subject in which `usages` was a string: the repo's
  // schema (usages: long) cannot read such records, so it must not be registered.
  const subject = valueSubject(`${prefix}evolving`);
  const old = JSON.parse(loadSchema('UsageLine').text) as { fields: { name: string; type: unknown }[] };
  old.fields.find((f) => f.name === 'usages')!.type = 'string';
  await client.updateCompatibility(subject, Compatibility.BACKWARD);
  await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(old) });

  const topics = [
    {
      name: 'evolving',
      partitions: 1,
      configs: {},
      valueSchema: 'UsageLine' as const,
      key: 'k',
      purpose: 'test',
    },
  ];
  const dry = await checkSchemas(client, { prefix, topics, dryRun: true });
  assert.equal(dry[0]!.state, 'incompatible');
  const [report] = await checkSchemas(client, { prefix, topics });
  assert.equal(report!.state, 'incompatible');
  assert.deepEqual(report!.problems, ['dev.tallyline.UsageLine.usages: cannot read "string" as "long"']);
  assert.deepEqual(await client.getAllVersions(subject), [1], 'nothing was registered');

  // The registry itself enforces the rule, whatever the client does.
  await assert.rejects(
    client.register(subject, { schemaType: 'AVRO', schema: loadSchema('UsageLine').text }),
    (err: Error & { status?: number }) => err.status === 409,
  );
});

test('a compatible change is registered as a new version', async () => {
  const subject = valueSubject(`${prefix}growing`);
  const old = JSON.parse(loadSchema('UsageLine').text) as { fields: { name: string }[] };
  old.fields = old.fields.filter((f) => f.name !== 'extra');
  await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(old) });
  const topics = [
    {
      name: 'growing',
      partitions: 1,
      configs: {},
      valueSchema: 'UsageLine' as const,
      key: 'k',
      purpose: 'test',
    },
  ];
  assert.equal((await checkSchemas(client, { prefix, topics, dryRun: true }))[0]!.state, 'would-register');
  assert.deepEqual(await client.getAllVersions(subject), [1], 'a dry run registers nothing');
  const [report] = await checkSchemas(client, { prefix, topics });
  assert.equal(report!.state, 'new-version');
  assert.deepEqual(await client.getAllVersions(subject), [1, 2]);
  assert.equal(await client.getCompatibility(subject), Compatibility.BACKWARD);
});
