import type { Admin } from '../kafka/index.ts';
import { TOPICS, type TopicSpec } from './catalog.ts';

export type TopicState = 'created' | 'unchanged' | 'drift';

export interface TopicReport {
  topic: string;
  state: TopicState;
  /** what differs from the catalog, e.g. "partitions: catalog 6, cluster 3" */
  drift: string[];
}

/**
 * Creates the catalog's missing topics and compares existing ones with it. Drift is
 * reported, not repaired: changing partitions remaps keys and changing cleanup policy
 * changes retention semantics, so a person decides.
 */
export async function applyTopics(
  admin: Admin,
  options: { prefix: string; replicationFactor: number; topics?: readonly TopicSpec[] },
): Promise<TopicReport[]> {
  const specs = (options.topics ?? TOPICS).map((t) => ({ ...t, name: `${options.prefix}${t.name}` }));
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  await admin.createTopics(
    missing.map((s) => ({
      name: s.name,
      partitions: s.partitions,
      replicationFactor: options.replicationFactor,
      configs: s.configs,
    })),
  );
  const described = new Map(
    (await admin.describeTopics(specs.filter((s) => existing.has(s.name)).map((s) => s.name))).map((d) => [
      d.name,
      d,
    ]),
  );
  return specs.map((spec) => {
    const actual = described.get(spec.name);
    if (!actual) return { topic: spec.name, state: 'created', drift: [] };
    const drift: string[] = [];
    if (actual.partitions !== spec.partitions) {
      drift.push(`partitions: catalog ${spec.partitions}, cluster ${actual.partitions}`);
    }
    if (actual.replicationFactor !== options.replicationFactor) {
      drift.push(
        `replication factor: wanted ${options.replicationFactor}, cluster ${actual.replicationFactor}`,
      );
    }
    for (const [name, wanted] of Object.entries(spec.configs)) {
      const got = actual.configs[name];
      if (got !== wanted) drift.push(`${name}: catalog ${wanted}, cluster ${got ?? '(broker default)'}`);
    }
    return { topic: spec.name, state: drift.length ? 'drift' : 'unchanged', drift };
  });
}
