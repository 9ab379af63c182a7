import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../core/config/index.ts';
import { hashKey } from '../../core/http/index.ts';
import { repoRoot } from '../../core/paths/index.ts';
import { deleteKeys } from '../../core/stack/index.ts';
import { dropSchema } from '../../core/db/index.ts';
import { runGenerate, type GenerateResult, type GroundTruth } from '../../fixtures/index.ts';
import { Intake, IngestRuntime, checkpointGroup } from '../../ingest/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import { topicName } from '../../core/topics/index.ts';
import { logger } from '../support/harness.ts';
import { provision } from '../support/ingest.ts';
import { checkTopics, type ExpectedFile, type Tally } from './invariants.ts';
import { Service } from './procs.ts';
import { configOf, scenarioEnv } from './stack.ts';
import { filesEnded, groupCaughtUp } from './wait.ts';

// One scenario's pipeline on the chaos stack: its own topics, ledger schema and folders; the
// services as processes (`serve` for the split worker, relay and ledger; `match serve`;
// `export serve`); reports generated with their ground truth and taken in through the intake.

export const OPERATOR_KEY = 'chaos-operator-key';

export interface Report {
  fileId: string;
  generated: GenerateResult;
  expected: ExpectedFile;
}

export class Pipeline {
  readonly services: Service[] = [];
  private rtOpen: IngestRuntime | null = null;
  readonly workDir = mkdtempSync(path.join(tmpdir(), 'tallyline-chaos-'));

  private constructor(
    readonly env: Record<string, string>,
    readonly config: Config,
  ) {}

  static async create(label: string, extra: Record<string, string> = {}): Promise<Pipeline> {
    const env = scenarioEnv(label, {
      TALLYLINE_API_KEYS: JSON.stringify([
        { sender: 'chaos-operator', sha256: hashKey(OPERATOR_KEY), admin: true },
      ]),
      ...extra,
    });
    const config = configOf(env);
    await provision(config);
    return new Pipeline(env, config);
  }

  /** A runtime in this process, for the intake (as the API would take uploads). */
  async rt(): Promise<IngestRuntime> {
    this.rtOpen ??= await IngestRuntime.create(this.config, logger);
    return this.rtOpen;
  }

  start(name: 'worker' | 'matcher' | 'export' | 'api', extraEnv: Record<string, string> = {}): Service {
    const args = {
      worker: ['serve', '--no-api', '--no-watch'],
      api: ['serve', '--no-worker', '--no-watch', '--no-ledger'],
      matcher: ['match', 'serve'],
      export: ['export', 'serve'],
    }[name];
    const service = new Service(name, args, { ...this.env, ...extraEnv });
    this.services.push(service);
    return service;
  }

  /** A generated report; `match` also writes a catalog, loaded with `tallyline refdata load`. */
  async generate(
    kind: 'dsr' | 'match',
    lines: number,
    seed: string,
    corruption = 0,
  ): Promise<GenerateResult> {
    const out = mkdtempSync(path.join(this.workDir, `${kind}-`));
    const generated = await runGenerate({
      kind,
      lines,
      seed,
      out,
      ...(kind === 'dsr' ? { corruption } : {}),
    });
    if (generated.catalog) {
      await this.cli([
        'refdata',
        'load',
        '--source',
        generated.catalog.source,
        generated.catalog.cwrPath,
        generated.catalog.linksPath,
      ]);
    }
    return generated;
  }

  /** Takes a generated report in for `sender`, as an upload would. */
  async upload(generated: GenerateResult, sender: string): Promise<Report> {
    const intake = new Intake(await this.rt());
    const { file } = await intake.accept(
      createReadStream(generated.path),
      path.basename(generated.path),
      sender,
    );
    const truth = generated.truth as GroundTruth;
    return {
      fileId: file.fileId,
      generated,
      expected: {
        fileId: file.fileId,
        emitted: truth.expected.emitted,
        deadLettered: truth.expected.deadLettered,
      },
    };
  }

  /** Runs a tallyline command to its end; rejects with its stderr on a non-zero exit. */
  cli(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'bin/tallyline.js'), ...args], {
        env: { ...process.env, ...this.env },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code) =>
        code === 0
          ? resolve(out)
          : reject(new Error(`tallyline ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`)),
      );
    });
  }

  /** Until the files are split and (with `decisions`) every event decided; seconds taken, or null. */
  async settle(
    reports: Report[],
    options: { decisions: boolean; timeoutMs: number },
  ): Promise<number | null> {
    const t0 = Date.now();
    const deadline = t0 + options.timeoutMs;
    if (
      !(await filesEnded(
        this.config,
        reports.map((r) => r.fileId),
        deadline,
      ))
    )
      return null;
    if (
      options.decisions &&
      !(await groupCaughtUp(this.config, this.config.matcher.groupId, 'usage.lines', deadline))
    )
      return null;
    return (Date.now() - t0) / 1000;
  }

  /** The file's split checkpoint: the last line committed (0 before the first commit). */
  async splitLine(fileId: string): Promise<number> {
    const admin = await new KafkaClient(this.config, logger).admin();
    try {
      const group = checkpointGroup(await this.rt(), fileId);
      const offsets = await admin.groupOffsets(
        group,
        topicName(this.config.kafka.topicPrefix, 'usage.files'),
      );
      return Math.max(0, Number(offsets.find((o) => o.partition === 0)?.offset ?? -1));
    } finally {
      await admin.disconnect();
    }
  }

  /** Records of usage.lines the matcher group has committed past, over all partitions. */
  async matcherCommitted(): Promise<number> {
    const admin = await new KafkaClient(this.config, logger).admin();
    try {
      const offsets = await admin.groupOffsets(
        this.config.matcher.groupId,
        topicName(this.config.kafka.topicPrefix, 'usage.lines'),
      );
      return offsets.reduce((a, o) => a + Math.max(0, Number(o.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Once the export has followed every matched line, `tallyline reconcile --file` checks each
   * report's accounting chain to the cent; a gap is a problem of the scenario.
   */
  async reconciled(reports: Report[], r: { problems: string[] }): Promise<void> {
    const deadline = Date.now() + 5 * 60_000;
    if (!(await groupCaughtUp(this.config, this.config.export.groupId, 'usage.matched', deadline))) {
      r.problems.push('the export did not follow every matched line within 5 minutes');
      return;
    }
    for (const report of reports) {
      await this.cli(['reconcile', '--file', report.fileId]).catch((err: Error) =>
        r.problems.push(`reconcile --file ${report.fileId}: ${err.message}`),
      );
    }
  }

  check(reports: Report[], options: { decisions: boolean }): Promise<Tally> {
    return checkTopics(
      this.config,
      reports.map((r) => r.expected),
      options,
    );
  }

  async close(): Promise<void> {
    for (const s of this.services) await s.kill();
    await this.rtOpen?.close();
    await deleteKeys(this.config.redis.url, `${this.config.redis.prefix}:*`).catch(() => 0);
    if (!process.env.TALLYLINE_CHAOS_KEEP) await dropSchema(this.config.database).catch(() => undefined);
  }
}
