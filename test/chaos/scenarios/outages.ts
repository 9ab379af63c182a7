import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../../../core/stack/index.ts';
import { Pipeline, type Report } from '../pipeline.ts';
import { addRecovery, addTally, resultOf, type ChaosOptions, type Scenario } from '../scenario.ts';
import { startChaosServices, stopChaosService } from '../stack.ts';
import { groupCaughtUp } from '../wait.ts';

// 2. The broker, then the schema registry, stopped for a minute while a file splits, and
// again while the matcher and the export work; nothing is dead-lettered because a service
// was down, and everything finishes without an operator step. 3. Redis restarted empty
// mid-run: the split jobs come back from the ledger.

const RECOVERY_MS = 5 * 60_000;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** The matcher has decided some of the file's lines but not all: matching is under way. */
async function matching(p: Pipeline): Promise<boolean> {
  return (
    (await p.matcherCommitted()) > 0 &&
    !(await groupCaughtUp(p.config, p.config.matcher.groupId, 'usage.lines', 0))
  );
}

function outage(service: ServiceName): Scenario {
  return {
    name: `${service}-outage`,
    title: `${service === 'kafka' ? 'the broker' : 'the schema registry'} stopped during a split, and during matching and export`,
    async run(o: ChaosOptions) {
      const seconds = o.reduced ? 15 : 60;
      const lines = o.reduced ? 20000 : 200000;
      const r = resultOf(`${service} stopped ${seconds} s`, 1);
      const p = await Pipeline.create(`outage-${service}`);
      try {
        p.start('worker');
        p.start('export');
        const generated = await p.generate('match', lines, `outage-${service}`);
        // During a split.
        const a = await p.upload(generated, 'CHAOS-A');
        await until(async () => (await p.splitLine(a.fileId)) > 0, 120_000, 'the split starting');
        await down(service, seconds, o);
        addRecovery(r, await p.settle([a], { decisions: false, timeoutMs: RECOVERY_MS }));
        // During matching (and the export, which follows the matched lines).
        p.start('matcher');
        const b = await p.upload(generated, 'CHAOS-B');
        await until(() => matching(p), 180_000, 'matching starting');
        await down(service, seconds, o);
        const reports: Report[] = [a, b];
        addRecovery(r, await p.settle(reports, { decisions: true, timeoutMs: RECOVERY_MS }));
        addTally(r, await p.check(reports, { decisions: true }));
        await p.reconciled(reports, r);
      } finally {
        await startChaosServices();
        await p.close();
      }
      return r;
    },
  };
}

async function down(service: ServiceName, seconds: number, o: ChaosOptions): Promise<void> {
  o.log(`  ${service} stopped for ${seconds} s`);
  await stopChaosService(service);
  await sleep(seconds * 1000);
  await startChaosServices();
  o.log(`  ${service} back`);
}

export const kafkaOutage = outage('kafka');
export const registryOutage = outage('registry');

export const redisRestart: Scenario = {
  name: 'redis-restart',
  title: 'Redis restarted empty while files split and wait in the queue',
  async run(o: ChaosOptions) {
    const r = resultOf('Redis restarted empty', 1);
    const p = await Pipeline.create('redis');
    try {
      p.start('worker');
      const reports: Report[] = [];
      for (let i = 0; i < 3; i++)
        reports.push(
          await p.upload(await p.generate('dsr', o.reduced ? 15000 : 100000, `redis-${i}`, 0.01), 'CHAOS'),
        );
      await until(async () => (await p.splitLine(reports[0]!.fileId)) > 0, 120_000, 'the split starting');
      await stopChaosService('redis');
      await startChaosServices();
      o.log('  Redis restarted (it keeps nothing on disk)');
      addRecovery(r, await p.settle(reports, { decisions: false, timeoutMs: RECOVERY_MS }));
      addTally(r, await p.check(reports, { decisions: false }));
    } finally {
      await p.close();
    }
    return r;
  },
};
