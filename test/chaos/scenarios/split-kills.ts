import { setTimeout as sleep } from 'node:timers/promises';
import { Pipeline } from '../pipeline.ts';
import { killQuietly } from '../procs.ts';
import type { ChaosOptions, Scenario, ScenarioResult } from '../scenario.ts';

// 1. SIGKILL of the split worker (the `serve` process), and separately of its producer (the
// JVM bridge it writes its transactions through), at random points of a large report; in
// the first round within 50 ms of a commit (the checkpoint moving is the commit).

type Target = 'worker' | 'producer';

function splitKills(target: Target): Scenario {
  return {
    name: `split-${target}-kill`,
    title: `SIGKILL of the split ${target === 'worker' ? 'worker' : "worker's producer process"}`,
    async run(o: ChaosOptions): Promise<ScenarioResult> {
      const lines = o.reduced ? 30000 : 200000;
      const p = await Pipeline.create(`kill-${target}`, { TALLYLINE_SPLIT_LOCK_MS: '10000' });
      const result: ScenarioResult = {
        scenario: `split ${target} SIGKILL`,
        rounds: o.rounds,
        lines: 0,
        lost: 0,
        duplicated: 0,
        stuck: 0,
        recoverSeconds: 0,
        problems: [],
        notes: [],
      };
      try {
        const worker = p.start('worker');
        const reports = [];
        for (let round = 0; round < o.rounds; round++) {
          const generated = await p.generate('dsr', lines, `kill-${target}-${round}`, 0.01);
          const report = await p.upload(generated, 'CHAOS');
          reports.push(report);
          const total = (generated.truth as { lines: number }).lines;
          const nearCommit = round === 0;
          const at = Math.floor(total * (0.1 + Math.random() * 0.7));
          // Watch the checkpoint; kill at the chosen point, or just after a commit moved it.
          let seen = await p.splitLine(report.fileId);
          // The file's producer bridge, found before the moment of the kill (/proc is slow to walk).
          let bridges: number[] = [];
          while (target === 'producer' && !bridges.length) {
            bridges = worker.producerBridges();
            await sleep(10);
          }
          let killedAfterCommitMs: number | null = null;
          for (let i = 0; ; i++) {
            const now = await p.splitLine(report.fileId);
            const t = performance.now();
            const moved = now !== seen && now > 0;
            seen = now;
            if (nearCommit ? moved && now < total * 0.9 : now >= at) {
              if (!nearCommit) await sleep(Math.random() * 200);
              const exited = target === 'worker' ? worker.signal('SIGKILL') : null;
              if (!exited) for (const pid of bridges) killQuietly(pid);
              killedAfterCommitMs = performance.now() - t;
              await exited;
              break;
            }
            if (i > 20000) throw new Error(`round ${round}: the split never reached line ${at}`);
            await sleep(5);
          }
          const killedAt = Date.now();
          if (target === 'worker') worker.restart();
          const seconds = await p.settle([report], { decisions: false, timeoutMs: 5 * 60_000 });
          if (seconds === null) result.stuck++;
          else result.recoverSeconds = Math.max(result.recoverSeconds!, (Date.now() - killedAt) / 1000);
          o.log(
            `  round ${round + 1}: killed at line ${seen} of ${total}` +
              (nearCommit ? `, ${killedAfterCommitMs!.toFixed(0)} ms after a commit` : '') +
              `; recovered in ${seconds === null ? 'never' : ((Date.now() - killedAt) / 1000).toFixed(1)} s`,
          );
          if (nearCommit) {
            result.notes.push(`round 1 killed ${killedAfterCommitMs!.toFixed(0)} ms after a commit`);
            if (killedAfterCommitMs! > 50)
              result.problems.push(
                `the near-commit kill came ${killedAfterCommitMs!.toFixed(0)} ms after the commit`,
              );
          }
        }
        const tally = await p.check(reports, { decisions: false });
        Object.assign(result, {
          lines: tally.lines,
          lost: tally.lost,
          duplicated: tally.duplicated,
          stuck: Math.max(result.stuck, tally.stuck),
          problems: [...result.problems, ...tally.problems],
        });
      } finally {
        await p.close();
      }
      return result;
    },
  };
}

export const splitWorkerKill = splitKills('worker');
export const splitProducerKill = splitKills('producer');
