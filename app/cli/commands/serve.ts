import type { Command } from 'commander';
import { serveUntilSignal, type CliContext } from '../../../core/cli/index.ts';
import { DropFolderWatcher, Intake, IngestRuntime } from '../../../ingest/index.ts';
import { buildApi } from '../../http/server.ts';
import { Ledger } from '../../../ledger/index.ts';
import { splitWorker } from '../../split-worker.ts';

export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'run the services: the upload API, a split worker, the drop-folder watcher, the outbox relay and the ledger consumer',
    )
    .option('--no-api', 'do not serve the HTTP API')
    .option('--no-ledger', 'do not run the ledger consumer (run `tallyline ledger serve` elsewhere)')
    .option('--no-worker', 'do not run a split worker')
    .option('--no-watch', 'do not watch the drop folder')
    .action(async (opts: { api: boolean; worker: boolean; watch: boolean; ledger: boolean }) => {
      const rt = await IngestRuntime.create(ctx.config, ctx.logger);
      rt.relay.start();
      const ledger = opts.ledger
        ? (await Ledger.open(ctx.config, ctx.logger)).background(() => ctx.logger.info('ledger caught up'))
        : null;
      const worker = opts.worker ? splitWorker(rt) : null;
      const api = opts.api ? await buildApi(rt) : null;
      const watcher = opts.watch
        ? new DropFolderWatcher(ctx.config.ingest.dropDir, new Intake(rt), ctx.logger)
        : null;
      if (api) await api.listen({ host: ctx.config.ingest.apiHost, port: ctx.config.ingest.apiPort });
      watcher?.start();
      ctx.logger.info(
        {
          api: api ? `http://${ctx.config.ingest.apiHost}:${ctx.config.ingest.apiPort}` : null,
          worker: !!worker,
          ledger: !!ledger,
          dropDir: watcher ? ctx.config.ingest.dropDir : null,
        },
        'tallyline serving',
      );
      await serveUntilSignal(
        [
          { stop: () => rt.close() },
          ledger,
          worker && { stop: () => worker.close() },
          api && { stop: () => api.close() },
          watcher,
        ],
        ctx.logger,
      );
    });
}
