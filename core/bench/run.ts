// npm run bench [-- 1000000 5000000]: the pipeline's speed and memory on this machine,
// against the real local stack. Record results in docs/benchmarks.md.
import { cpus, totalmem } from 'node:os';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { stackUp } from '../stack/index.ts';
import { benchIngest } from '../../ingest/bench.ts';
import { printTable } from '../cli/output.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const config = loadConfig();
const logger = createLogger('warn');
await stackUp(config);

process.stdout.write(
  `tallyline bench, ${new Date().toISOString()}: ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n\n== ingest (split DSR BasicAudioProfile, 0.1 % corrupt)\n`,
);
const results = [];
for (const usageLines of sizes.length ? sizes : [1_000_000, 5_000_000]) {
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
process.exit(0);
