// A chaos scenario: faults injected into the running pipeline, then the promise checked from
// the topics. Each returns one row of the table `npm run chaos` prints.

export interface ChaosOptions {
  /** `npm test`'s reduced run: one round, small files, short outages */
  reduced: boolean;
  /** rounds of the scenarios that repeat (full run: 5) */
  rounds: number;
  log: (text: string) => void;
}

export interface ScenarioResult {
  scenario: string;
  rounds: number;
  /** usage lines (or, for the hostile corpus, inputs) the scenario put through */
  lines: number;
  lost: number;
  duplicated: number;
  /** files not at an end when the scenario's time was up */
  stuck: number;
  /** from the end of the last fault to everything decided; the slowest round */
  recoverSeconds: number | null;
  /** what went wrong, in words; empty when the promise held */
  problems: string[];
  notes: string[];
}

export interface Scenario {
  name: string;
  title: string;
  run(options: ChaosOptions): Promise<ScenarioResult>;
}

export function passed(r: ScenarioResult): boolean {
  return r.lost === 0 && r.duplicated === 0 && r.stuck === 0 && r.problems.length === 0;
}

export function table(results: ScenarioResult[]): string {
  const head = [
    'scenario',
    'rounds',
    'lines',
    'lost',
    'duplicated',
    'files stuck',
    'time to recover (s)',
    'result',
  ];
  const rows = results.map((r) => [
    r.scenario,
    String(r.rounds),
    String(r.lines),
    String(r.lost),
    String(r.duplicated),
    String(r.stuck),
    r.recoverSeconds === null ? '—' : r.recoverSeconds.toFixed(1),
    passed(r) ? 'pass' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** An empty row for a scenario, to fill in as it runs. */
export function resultOf(scenario: string, rounds: number): ScenarioResult {
  return {
    scenario,
    rounds,
    lines: 0,
    lost: 0,
    duplicated: 0,
    stuck: 0,
    recoverSeconds: 0,
    problems: [],
    notes: [],
  };
}

/** Folds the topics' tally into the row. */
export function addTally(
  r: ScenarioResult,
  t: { lines: number; lost: number; duplicated: number; stuck: number; problems: string[] },
): void {
  r.lines += t.lines;
  r.lost += t.lost;
  r.duplicated += t.duplicated;
  r.stuck = Math.max(r.stuck, t.stuck);
  r.problems.push(...t.problems);
}

/** A recovery measured (null: it did not happen in time, the file is stuck). */
export function addRecovery(r: ScenarioResult, seconds: number | null): void {
  if (seconds === null) r.stuck = Math.max(r.stuck, 1);
  else r.recoverSeconds = Math.max(r.recoverSeconds ?? 0, seconds);
}
