import type { Command } from 'commander';
import { serveUntilSignal, type CliContext } from '../../../core/cli/index.ts';
import { DropFolderWatcher, Intake, IngestRuntime } from '../../../ingest/index.ts';
import { buildApi } from '../../http/server.ts';
import { splitWorker } from '../../split-worker.ts';

export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the ingest services: the upload API, a split worker and the drop-folder watcher')
    .option('--no-api', 'do not serve the HTTP API')
    .option('--no-worker', 'do not run a split worker')
    .option('--no-watch', 'do not watch the drop folder')
    .action(async (opts: { api: boolean; worker: boolean; watch: boolean }) => {
      const rt = await IngestRuntime.create(ctx.config, ctx.logger);
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
          dropDir: watcher ? ctx.config.ingest.dropDir : null,
        },
        'tallyline serving',
      );
      await serveUntilSignal(
        [
          { stop: () => rt.close() },
          worker && { stop: () => worker.close() },
          api && { stop: () => api.close() },
          watcher,
        ],
        ctx.logger,
      );
    });
}
