import { parseArgs } from 'node:util';
import { chaosStackDown, chaosStackUp } from './stack.ts';
import { passed, table, type Scenario, type ScenarioResult } from './scenario.ts';
import { SCENARIOS } from './scenarios/index.ts';

// `npm run chaos`: every scenario against a chaos stack of its own (started here, removed at
// the end), then the table. Exit 1 if any scenario lost, duplicated or left a file stuck.

const HELP = `Usage: npm run chaos -- [--reduced] [--rounds N] [--only name,name] [--keep-stack]

Runs the chaos scenarios against a local stack of their own (Kafka 29092, registry 28081,
Redis 26379; PostgreSQL shared, a schema per scenario) and prints, per scenario: rounds,
usage lines, lines lost, lines duplicated, files stuck and the time to recover.

  --reduced      one round each, small files, short outages (what npm test runs)
  --rounds N     rounds of the repeating scenarios (default 5)
  --only LIST    only these scenarios: ${'{names}'}
  --keep-stack   leave the chaos stack running afterwards
`;

export async function runChaos(
  scenarios: Scenario[],
  options: { reduced: boolean; rounds: number; log?: (text: string) => void },
): Promise<ScenarioResult[]> {
  const log = options.log ?? ((text: string) => process.stderr.write(`${text}\n`));
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    log(`${s.name}: ${s.title}`);
    const t0 = Date.now();
    try {
      results.push(await s.run({ reduced: options.reduced, rounds: options.rounds, log }));
    } catch (err) {
      results.push({
        scenario: s.name,
        rounds: 0,
        lines: 0,
        lost: 0,
        duplicated: 0,
        stuck: 0,
        recoverSeconds: null,
        problems: [`the scenario failed: ${(err as Error).stack ?? String(err)}`],
        notes: [],
      });
    }
    const r = results.at(-1)!;
    log(`${s.name}: ${passed(r) ? 'pass' : 'FAIL'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    for (const p of r.problems) log(`  problem: ${p}`);
    for (const n of r.notes) log(`  note: ${n}`);
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reduced: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      only: { type: 'string' },
      'keep-stack': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP.replace('{names}', SCENARIOS.map((s) => s.name).join(', ')));
    return;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !SCENARIOS.some((s) => s.name === n)) ?? [];
  if (unknown.length)
    throw new Error(
      `unknown scenario ${unknown.join(', ')}: one of ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  const rounds = values.rounds ? Number(values.rounds) : values.reduced ? 1 : 5;
  const started = new Date();
  process.stderr.write('starting the chaos stack…\n');
  await chaosStackUp();
  let results: ScenarioResult[];
  try {
    results = await runChaos(scenarios, { reduced: values.reduced, rounds });
  } finally {
    if (!values['keep-stack']) await chaosStackDown();
  }
  const minutes = ((Date.now() - started.getTime()) / 60000).toFixed(1);
  process.stdout.write(
    `\nchaos run ${started.toISOString()} (${values.reduced ? 'reduced' : 'full'}, ${minutes} min)\n\n`,
  );
  process.stdout.write(`${table(results)}\n`);
  if (!results.every(passed)) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(2);
    },
  );
}
