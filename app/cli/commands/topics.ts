import type { Command } from 'commander';
import { KafkaClient } from '../../../core/kafka/index.ts';
import { applyTopics, TOPICS } from '../../../core/topics/index.ts';
import { type CliContext, printJson, printTable } from '../../../core/cli/index.ts';

export function registerTopicCommands(program: Command, ctx: CliContext): void {
  const topics = program.command('topics').description("tallyline's Kafka topics (core/topics/catalog.ts)");

  topics
    .command('apply')
    .description('create missing topics and report drift from the catalog; exits 1 on drift')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const admin = await new KafkaClient(ctx.config, ctx.logger).admin();
      try {
        const reports = await applyTopics(admin, {
          prefix: ctx.config.kafka.topicPrefix,
          replicationFactor: ctx.config.kafka.replicationFactor,
        });
        if (opts.json) printJson({ topics: reports });
        else
          printTable(
            reports.map((r) => ({ ...r, drift: r.drift.join('; ') })),
            ['topic', 'state', 'drift'],
          );
        if (reports.some((r) => r.state === 'drift')) process.exitCode = 1;
      } finally {
        await admin.disconnect();
      }
    });

  topics
    .command('list')
    .description('the catalog: each topic, its key, partitions, cleanup and value schema')
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }) => {
      const rows = TOPICS.map((t) => ({
        topic: `${ctx.config.kafka.topicPrefix}${t.name}`,
        key: t.key,
        partitions: t.partitions,
        cleanup: t.configs['cleanup.policy'],
        value: t.valueSchema ?? 'raw bytes',
        purpose: t.purpose,
      }));
      if (opts.json) printJson({ topics: rows });
      else printTable(rows, ['topic', 'key', 'partitions', 'cleanup', 'value', 'purpose']);
    });
}
