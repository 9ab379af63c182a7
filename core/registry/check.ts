import avro from 'avsc';
import { TOPICS, type TopicSpec } from '../topics/index.ts';
import { loadSchema, logicalTypes, backwardProblems } from '../schemas/index.ts';
import { Compatibility, isNotFound, valueSubject, type SchemaRegistryClient } from './client.ts';

export type SchemaState = 'registered' | 'new-version' | 'unchanged' | 'incompatible' | 'would-register';

export interface SchemaReport {
  subject: string;
  schema: string;
  state: SchemaState;
  /** the registry's id of the repo schema, once registered */
  id: number | null;
  /** for an incompatible change: each field at fault and why */
  problems: string[];
}

/**
 * Registers each topic's value schema from the repo (topic-name strategy, BACKWARD
 * compatibility on every subject), or with `dryRun` only tests them. An incompatible
 * schema is never registered; its report names the fields at fault.
 */
export async function checkSchemas(
  client: SchemaRegistryClient,
  options: { prefix: string; dryRun?: boolean; topics?: readonly TopicSpec[] },
): Promise<SchemaReport[]> {
  const reports: SchemaReport[] = [];
  for (const topic of options.topics ?? TOPICS) {
    if (!topic.valueSchema) continue;
    const subject = valueSubject(`${options.prefix}${topic.name}`);
    const schema = loadSchema(topic.valueSchema);
    const info = { schemaType: 'AVRO', schema: schema.text };
    const report: SchemaReport = {
      subject,
      schema: topic.valueSchema,
      state: 'unchanged',
      id: null,
      problems: [],
    };
    reports.push(report);

    const exists = await client.getAllVersions(subject).then(
      (versions) => versions.length > 0,
      (err: unknown) => {
        if (isNotFound(err)) return false;
        throw err;
      },
    );
    if (!exists) {
      if (options.dryRun) {
        report.state = 'would-register';
        continue;
      }
      // Compatibility first, so that the subject never exists without its rule.
      await client.updateCompatibility(subject, Compatibility.BACKWARD);
      report.id = await client.register(subject, info);
      report.state = 'registered';
      continue;
    }
    if (!options.dryRun) await ensureBackward(client, subject);

    const knownId = await client.getId(subject, info).catch((err: unknown) => {
      if (isNotFound(err)) return null;
      throw err;
    });
    if (knownId !== null) {
      report.id = knownId;
      continue;
    }
    if (!(await client.testSubjectCompatibility(subject, info))) {
      const latest = await client.getLatestSchemaMetadata(subject);
      const writer = avro.Type.forSchema(JSON.parse(latest.schema ?? '{}') as avro.Schema, { logicalTypes });
      report.state = 'incompatible';
      report.problems = backwardProblems(schema.type, writer);
      if (report.problems.length === 0) {
        report.problems.push(`the registry refuses ${topic.valueSchema} against version ${latest.version}`);
      }
      continue;
    }
    if (options.dryRun) {
      report.state = 'would-register';
      continue;
    }
    report.id = await client.register(subject, info);
    report.state = 'new-version';
  }
  return reports;
}

async function ensureBackward(client: SchemaRegistryClient, subject: string): Promise<void> {
  const current = await client.getCompatibility(subject).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw err;
  });
  if (current !== Compatibility.BACKWARD) await client.updateCompatibility(subject, Compatibility.BACKWARD);
}
