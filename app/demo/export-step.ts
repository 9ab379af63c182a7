import type { Config } from '../../core/config/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import type { Logger } from '../../core/log/index.ts';
import type { FileRecord } from '../../ingest/index.ts';
import { printRun, monthOf, reconcileFile, exportRun, readExportInput } from '../../export/index.ts';

/**
 * The demo's last step: export every period the demo reports fall in, print the files
 * written, then reconcile each report and say where the files are.
 */
export async function demoExport(
  config: Config,
  logger: Logger,
  files: { fileId: string; fileName: string }[],
  fileRecord: (fileId: string) => Promise<FileRecord | null>,
  say: (text: string) => void,
): Promise<void> {
  const input = await readExportInput(config, logger, new KafkaClient(config, logger));
  const wanted = new Set(files.map((f) => f.fileId));
  const months = new Set<string>();
  for (const l of input.input.lines.values()) {
    const m = wanted.has(l.fileId) ? monthOf(l.periodStart, l.periodEnd) : null;
    if (m) months.add(m);
  }
  say('\n== export: statements per rights holder, claims per report');
  for (const month of [...months].sort()) {
    printRun(await exportRun(config, logger, month, { input }), say);
  }
  say('\n== reconcile per file');
  for (const f of files) {
    const r = await reconcileFile(f.fileId, await fileRecord(f.fileId), input, config.export.outboxDir);
    say(`  ${f.fileName.slice(0, 60)}: ${r.ok ? 'reconciled' : `${r.gaps.length} gap(s)`}`);
    for (const s of r.steps) say(`    ${s.ok ? 'ok ' : 'GAP'} ${s.step}: ${s.detail}`);
  }
  say(
    `\nStatements and claims are in ${config.export.outboxDir}/<period>/ (manifest.json lists them); ` +
      'npx tallyline reconcile --file <fileId> for one report, GET /v1/exports to download.',
  );
}
