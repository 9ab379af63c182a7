#!/usr/bin/env -S node --max-semi-space-size=64
// V8's young generation is capped at 16 MB by default: a matcher allocating ~7 KB per line
// beside a 1 GB reference state then spends ~11 % of its time scavenging; with this flag,
// three paired runs at 1M lines gave 15-20 % more lines/s (docs/benchmarks.md; the bench's
// own two rows do not show it). Processes that allocate little never grow it. `npm run tallyline` and the benchmarks pass the same flag (NODE_FLAGS).
// Runs the TypeScript sources directly through tsx: no build step between a clone and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/main.ts');
const code = await main(process.argv);
// A command is done when main returns; a client library's lingering timer must not keep it alive.
process.exit(code);
