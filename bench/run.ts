// npm run bench [-- 1000000 5000000]: the pipeline's speed and memory on this machine,
// against the real local stack. Record results in docs/benchmarks.md.
//   npm run bench -- --only ingest|matcher|export|ledger      one section
//   npm run bench -- --ingest-sizes 1000000,5000000 --matcher-sizes 1000000
// Bare numbers are ingest sizes, as before.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config/index.ts';
import { createLogger } from '../core/log/index.ts';
import { stackUp } from '../core/stack/index.ts';
import { benchIngest } from './ingest.ts';
import { benchMatcher, matcherBenchRow } from './matcher.ts';
import { benchExport } from './export.ts';
import { benchLedger } from './ledger.ts';
import { printTable } from '../core/cli/index.ts';

const SECTIONS = ['ingest', 'matcher', 'export', 'ledger'] as const;
const args = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: 'string' },
    'ingest-sizes': { type: 'string' },
    'matcher-sizes': { type: 'string' },
    'matcher-max-seconds': { type: 'string' },
    'export-sizes': { type: 'string' },
    'ledger-sizes': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.values.help) {
  process.stdout.write(
    'npm run bench -- [--only ingest|matcher|export|ledger] [--ingest-sizes N,N] [--matcher-sizes N,N] [--export-sizes N,N] [--ledger-sizes N,N] [N ...]\n' +
      '  ingest: usage lines per report (default 1000000,5000000; bare numbers are ingest sizes)\n' +
      '  matcher: reference recordings and usage lines (default 1000000)\n' +
      '  --matcher-max-seconds S: stop the in-process and the end-to-end match after S seconds each and\n' +
      '    score the lines decided so far (for a matcher too slow to finish)\n' +
      '  export: matched lines on usage.matched (default 1000000)\n' +
      '  ledger: matched lines the ledger applies from Kafka (default 1000000); then its reads at 10M lines\n',
  );
  process.exit(0);
}
const only = args.values.only;
if (only !== undefined && !(SECTIONS as readonly string[]).includes(only)) {
  process.stderr.write(`--only must be one of ${SECTIONS.join(', ')}, got '${only}'\n`);
  process.exit(2);
}
const sizesOf = (list: string[]) =>
  list
    .flatMap((s) => s.split(','))
    .map(Number)
    .filter((n) => n > 0);
const ingestSizes = sizesOf([
  ...args.positionals,
  ...(args.values['ingest-sizes'] ? [args.values['ingest-sizes']] : []),
]);
const matcherSizes = sizesOf(args.values['matcher-sizes'] ? [args.values['matcher-sizes']] : []);
const exportSizes = sizesOf(args.values['export-sizes'] ? [args.values['export-sizes']] : []);
const ledgerSizes = sizesOf(args.values['ledger-sizes'] ? [args.values['ledger-sizes']] : []);
const config = loadConfig();
const logger = createLogger('warn');
await stackUp(config);

process.stdout.write(
  `tallyline bench, ${new Date().toISOString()}: ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
if (only === undefined || only === 'ingest') {
  process.stdout.write('\n== ingest (split DSR BasicAudioProfile, 0.1 % corrupt)\n');
  const results = [];
  for (const usageLines of ingestSizes.length ? ingestSizes : [1_000_000, 5_000_000]) {
    const r = await benchIngest(usageLines, logger);
    results.push(r);
    process.stderr.write(`${JSON.stringify(r)}\n`);
  }
  printTable(results, [
    'engine',
    'usageLines',
    'lines',
    'fileMB',
    'splitSeconds',
    'linesPerSecond',
    'workerPeakRssMB',
    'bridgePeakRssMB',
    'kcatLinesPerSecond',
    'ratioToKcat',
    'countsExact',
  ]);
  process.stdout.write(
    '\n   the same files parsed in the bench process, nothing published (what any split must do at least):\n',
  );
  printTable(results, [
    'usageLines',
    'parseOnlyLinesPerSecond',
    'parseOnlyRatioToKcat',
    'parseEncodeLinesPerSecond',
    'parseEncodeRatioToKcat',
  ]);
}
if (only === undefined || only === 'matcher') {
  process.stdout.write(
    '\n== matcher (N reference recordings on N/2 works, N usage lines; one `match serve` process)\n',
  );
  const rows = [];
  for (const recordings of matcherSizes.length ? matcherSizes : [1_000_000]) {
    const maxSeconds = Number(args.values['matcher-max-seconds'] ?? Infinity);
    const r = await benchMatcher(recordings, logger, maxSeconds > 0 ? { maxSeconds } : {});
    process.stderr.write(`${JSON.stringify(r)}\n`);
    rows.push(matcherBenchRow(r));
  }
  printTable(rows, Object.keys(rows[0] ?? {}));
}
if (only === undefined || only === 'export') {
  process.stdout.write(
    '\n== export (N matched lines of 10 reports on 20000 works; one `export run` process)\n',
  );
  const rows = [];
  for (const n of exportSizes.length ? exportSizes : [1_000_000]) {
    const r = await benchExport(n, logger);
    process.stderr.write(`${JSON.stringify(r)}\n`);
    rows.push(r);
  }
  printTable(rows, [
    'matchedLines',
    'produceSeconds',
    'exportSeconds',
    'readSeconds',
    'computeSeconds',
    'writeSeconds',
    'linesPerSecond',
    'exportPeakRssMB',
    'files',
    'reconciled',
  ]);
}
if (only === undefined || only === 'ledger') {
  process.stdout.write(
    '\n== ledger (N matched lines applied from Kafka to PostgreSQL; reads at 10,000 files / 10M lines / 100,000 dead letters)\n',
  );
  for (const n of ledgerSizes.length ? ledgerSizes : [1_000_000]) {
    const r = await benchLedger(n, logger);
    process.stderr.write(`${JSON.stringify(r)}\n`);
    printTable([r], ['matchedLines', 'applySeconds', 'recordsPerSecond', 'tallyExact']);
    printTable(r.reads, ['read', 'queryMs', 'commandMs']);
  }
}
process.exit(0);
