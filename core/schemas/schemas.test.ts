import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { backwardProblems } from './compatibility.ts';
import { sampleFileEvent, sampleMatchedUsage, sampleUsageLine, sampleWork } from './samples.ts';
import { loadSchema, loadSchemas, logicalTypes } from './schemas.ts';

test('every .avsc loads, under its file name', () => {
  assert.deepEqual([...loadSchemas().keys()].sort(), [
    'ExportFileWritten',
    'FileEvent',
    'MatchedUsage',
    'RecordingLink',
    'UnmatchedUsage',
    'UsageLine',
    'Work',
  ]);
});

test('a schema that refers to another file is made self-contained', () => {
  const text = loadSchema('MatchedUsage').text;
  const parsed = avro.Type.forSchema(JSON.parse(text) as avro.Schema, { logicalTypes });
  assert.ok(text.includes('"name":"UsageLine"'), 'UsageLine is inlined');
  assert.ok(text.includes('"name":"Writer"'), 'Writer from Work.avsc is inlined');
  assert.equal((text.match(/"name":"Resource"/g) ?? []).length, 1, 'each named type is defined once');
  assert.equal(parsed.name, 'dev.tallyline.MatchedUsage');
});

test('sample values round-trip through their schemas', () => {
  const cases = [
    ['UsageLine', sampleUsageLine()],
    ['FileEvent', sampleFileEvent()],
    ['Work', sampleWork()],
    ['MatchedUsage', sampleMatchedUsage()],
  ] as const;
  for (const [name, value] of cases) {
    const type = loadSchema(name).type;
    // structuredClone drops avsc's record classes, leaving plain objects to compare.
    assert.deepEqual(structuredClone(type.fromBuffer(type.toBuffer(value))), value, name);
  }
});

test('timestamps decode as Dates', () => {
  const type = loadSchema('FileEvent').type;
  const back = type.fromBuffer(type.toBuffer(sampleFileEvent())) as { at: Date };
  assert.ok(back.at instanceof Date);
  assert.equal(back.at.toISOString(), '2026-11-22T10:00:00.000Z');
});

const usageLine = loadSchema('UsageLine');
function variant(change: (fields: { name: string; type: unknown; default?: unknown }[]) => void): avro.Type {
  const schema = JSON.parse(usageLine.text) as {
    fields: { name: string; type: unknown; default?: unknown }[];
  };
  change(schema.fields);
  return avro.Type.forSchema(schema as avro.Schema, { logicalTypes });
}

test('backward check: an optional field with a default is compatible', () => {
  const next = variant((f) => f.push({ name: 'note', type: ['null', 'string'], default: null }));
  assert.deepEqual(backwardProblems(next, usageLine.type), []);
});

test('backward check names a new field without a default', () => {
  const next = variant((f) => f.push({ name: 'mandatory', type: 'string' }));
  assert.deepEqual(backwardProblems(next, usageLine.type), [
    'dev.tallyline.UsageLine.mandatory: new field without a default, so records written before cannot be read',
  ]);
});

test('backward check names a changed field type, nested fields too', () => {
  const next = variant((fields) => {
    fields.find((x) => x.name === 'usages')!.type = 'string';
    const resources = fields.find((x) => x.name === 'resources')!.type as {
      items: { fields: { name: string; type: unknown }[] };
    };
    resources.items.fields.find((x) => x.name === 'durationSeconds')!.type = ['null', 'string'];
  });
  const problems = backwardProblems(next, usageLine.type);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^dev\.tallyline\.UsageLine\.usages: /);
  assert.match(problems[1]!, /^dev\.tallyline\.UsageLine\.resources\.durationSeconds: /);
});
