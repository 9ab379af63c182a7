// Throughput of the CSV splitter on generated files, on one core:
//   node --import tsx bench/csv-parser.ts [rows] [--quote-all] [--csv-parse]
// Prints rows/s by wall clock and by CPU time (the process's user+system time, which is
// what counts on a shared machine). --csv-parse measures csv-parse's streaming parser alone
// on the same bytes, for comparison.

import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { generateCsvBuffer } from '../fixtures/index.ts';
import { parseCsvStream } from '../ingest/index.ts';

const args = process.argv.slice(2);
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 500_000);
const quoteAll = args.includes('--quote-all');
const { content, mapping, truth } = generateCsvBuffer({
  seed: 'bench',
  rows,
  corruptionRate: 0.01,
  quoteAll,
});
const CHUNK = 64 * 1024;

function chunks(): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < content.length; i += CHUNK) parts.push(content.subarray(i, i + CHUNK));
  return Readable.from(parts, { objectMode: false });
}

async function splitter(): Promise<{ records: number; check: number }> {
  let check = 0;
  let records = 0;
  for await (const o of parseCsvStream(chunks(), { fileId: 'bench', sender: mapping.sender, mapping })) {
    records++;
    if (o.kind === 'usage') check += o.value.usages;
  }
  if (check !== truth.emittedPlays) throw new Error(`plays ${check} != truth ${truth.emittedPlays}`);
  return { records, check };
}

async function csvParseOnly(): Promise<{ records: number; check: number }> {
  let records = 0;
  const parser = parse({
    relax_column_count: true,
    relax_quotes: true,
    info: true,
    raw: true,
    from_line: truth.headerLine,
    bom: true,
  });
  chunks().pipe(parser);
  for await (const _ of parser) records++;
  return { records, check: 0 };
}

const run = args.includes('--csv-parse') ? csvParseOnly : splitter;
console.log(
  `${rows} rows, ${(content.length / 1e6).toFixed(1)} MB${quoteAll ? ', every field quoted' : ''}: ${run === splitter ? 'parseCsvStream' : 'csv-parse alone (info, raw)'}`,
);
for (let rep = 0; rep < 3; rep++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { records } = await run();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  console.log(
    `  run ${rep + 1}: ${records} outcomes, ${Math.round(rows / wall).toLocaleString('en')} rows/s wall, ` +
      `${Math.round(rows / cpu).toLocaleString('en')} rows/s CPU, ${(content.length / 1e6 / cpu).toFixed(1)} MB/s CPU`,
  );
}
