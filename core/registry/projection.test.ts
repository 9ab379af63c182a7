import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { sampleUsageLine, loadSchema } from '../schemas/index.ts';
import { projectSchema } from './projection.ts';

const usageType = loadSchema('UsageLine').type;

test('a record written whole decodes into a projection with only the selected fields', () => {
  const line = sampleUsageLine('f9', 12);
  line.resources.push({ ...line.resources[0]!, isrc: 'USRC17607839', title: 'Second', composers: [] });
  const projected = avro.Type.forSchema(
    projectSchema(usageType.schema(), {
      lineId: true,
      sender: true,
      resources: { isrc: true, title: true, composers: true },
    }),
  );
  const decoded = projected.fromBuffer(
    usageType.toBuffer(line),
    projected.createResolver(usageType),
  ) as object;
  assert.deepEqual(JSON.parse(JSON.stringify(decoded)), {
    lineId: 'f9:12',
    sender: line.sender,
    resources: line.resources.map((r) => ({ isrc: r.isrc, title: r.title, composers: r.composers })),
  });
});

test('a field that is not there, or not a record, cannot be selected', () => {
  assert.throws(() => projectSchema(usageType.schema(), { nope: true }), /UsageLine has no field nope/);
  assert.throws(
    () => projectSchema(usageType.schema(), { sender: { x: true } }),
    /UsageLine\.sender is not a record/,
  );
});
