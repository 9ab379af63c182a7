import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OPERATOR_KEY, Pipeline, type Report } from '../pipeline.ts';
import { addRecovery, addTally, resultOf, type ChaosOptions, type Scenario } from '../scenario.ts';
import { startChaosServices, stopChaosService } from '../stack.ts';
import { groupCaughtUp } from '../wait.ts';
import type { GroundTruth } from '../../../fixtures/index.ts';

// 4. The same bytes uploaded 20 times at once by each of two senders while the broker is
// down, so that the first publish of every RECEIVED event fails. 5. Two matcher instances,
// one paused (SIGSTOP) past its session timeout and resumed as a zombie, the other killed.

const RECOVERY_MS = 5 * 60_000;

async function live(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`the API at ${url} did not start`);
}

export const duplicateUploads: Scenario = {
  name: 'duplicate-uploads',
  title: 'the same bytes uploaded 20 times at once by two senders, the first RECEIVED publish failing',
  async run(o: ChaosOptions) {
    const r = resultOf('20 × 2 same uploads, publish failing', 1);
    const p = await Pipeline.create('dupes');
    try {
      const url = `http://127.0.0.1:${p.config.ingest.apiPort}`;
      p.start('api');
      p.start('worker');
      await live(url);
      const generated = await p.generate('dsr', o.reduced ? 5000 : 50000, 'dupes', 0.01);
      const bytes = readFileSync(generated.path);
      await stopChaosService('kafka');
      o.log('  broker stopped; 40 uploads at once');
      const answers = await Promise.all(
        ['CHAOS-A', 'CHAOS-B'].flatMap((sender) =>
          Array.from({ length: 20 }, async () => {
            const res = await fetch(`${url}/v1/files?sender=${sender}`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${OPERATOR_KEY}`,
                'x-file-name': path.basename(generated.path),
                'content-type': 'application/octet-stream',
              },
              body: bytes,
            });
            return {
              sender,
              status: res.status,
              body: (await res.json()) as { status?: string; fileId?: string },
            };
          }),
        ),
      );
      await startChaosServices();
      const accepted = answers.filter((a) => a.body.status === 'accepted');
      const duplicate = answers.filter((a) => a.body.status === 'duplicate');
      const other = answers.filter((a) => a.status !== 202);
      r.notes.push(
        `${accepted.length} accepted, ${duplicate.length} duplicate, ${other.length} other answers`,
      );
      if (accepted.length !== 2 || duplicate.length !== 38)
        r.problems.push(
          `expected 2 accepted and 38 duplicates: ${JSON.stringify(answers.map((a) => [a.sender, a.status, a.body.status ?? a.body]))}`,
        );
      const ids = [...new Set(answers.map((a) => a.body.fileId).filter((id): id is string => !!id))];
      if (ids.length !== 2) r.problems.push(`expected 2 file ids (one per sender), got ${ids.length}`);
      const truth = generated.truth as GroundTruth;
      const reports: Report[] = ids.map((fileId) => ({
        fileId,
        generated,
        expected: { fileId, emitted: truth.expected.emitted, deadLettered: truth.expected.deadLettered },
      }));
      addRecovery(r, await p.settle(reports, { decisions: false, timeoutMs: RECOVERY_MS }));
      addTally(r, await p.check(reports, { decisions: false }));
    } finally {
      await startChaosServices();
      await p.close();
    }
    return r;
  },
};

export const matcherZombie: Scenario = {
  name: 'matcher-zombie',
  title: 'two matchers: one paused past its session timeout then resumed, the other killed',
  async run(o: ChaosOptions) {
    const r = resultOf('2 matchers: SIGSTOP 40 s + SIGKILL', o.rounds);
    const p = await Pipeline.create('matchers');
    try {
      p.start('worker');
      const a = p.start('matcher');
      const b = p.start('matcher');
      const reports: Report[] = [];
      for (let round = 0; round < o.rounds; round++) {
        const report = await p.upload(
          await p.generate('match', o.reduced ? 60000 : 200000, `matchers-${round}`),
          `CHAOS-${round}`,
        );
        reports.push(report);
        const before = await p.matcherCommitted();
        for (let i = 0; (await p.matcherCommitted()) <= before; i++) {
          if (i > 1200) throw new Error(`round ${round + 1}: matching never started`);
          await sleep(100);
        }
        // Mid-batch, both at work: one stalls past the session timeout (30 s), the group
        // gives its partitions to the other; then it wakes as a zombie, and the other dies.
        a.pause();
        o.log(`  round ${round + 1}: matcher A paused`);
        await sleep(40_000);
        a.resume();
        await sleep(Math.random() * 2000);
        await b.kill();
        o.log(`  round ${round + 1}: A resumed, B killed and started again`);
        const t0 = Date.now();
        b.restart();
        const seconds = await p.settle(reports, { decisions: true, timeoutMs: RECOVERY_MS });
        addRecovery(r, seconds === null ? null : (Date.now() - t0) / 1000);
      }
      if (!(await groupCaughtUp(p.config, p.config.matcher.groupId, 'usage.lines', Date.now() + 60_000)))
        r.problems.push('the matcher group is not caught up');
      addTally(r, await p.check(reports, { decisions: true }));
    } finally {
      await p.close();
    }
    return r;
  },
};
