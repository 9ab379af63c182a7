import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { FileRecord } from '../ingest/index.ts';
import { moneyGap, type FileAccount, type MoneyAccount } from './accounting.ts';
import { computeExport } from './compute.ts';
import { exportFiles } from './files.ts';
import { formatMinor, toMinor } from './money.ts';
import { entryOf, outboxFile, readManifest } from './outbox.ts';
import { monthOf } from './period.ts';
import type { InputBuilder } from './sources.ts';
import { ExportError } from './errors.ts';
import type { FileAccounting } from '../ledger/index.ts';

export interface ReconcileStep {
  step: string;
  ok: boolean;
  detail: string;
}

export interface FileReconciliation {
  fileId: string;
  ok: boolean;
  steps: ReconcileStep[];
  /** the gaps, named; empty when every step adds up */
  gaps: string[];
}

const add = (steps: ReconcileStep[], step: string, ok: boolean, detail: string) =>
  steps.push({ step, ok, detail });

/**
 * The accounting chain of one report, each step against the one before:
 * lines → events + dead letters + context (the split's counts and the footer) → events on
 * usage.lines → matched + unmatched + dead letters at match → per currency, the summary
 * totals = money to rights holders + unallocated + unmatched + undecided + never received,
 * and the claim file in the outbox as the export computes it now.
 */
export async function reconcileFile(
  fileId: string,
  file: FileRecord | null,
  built: InputBuilder,
  outboxDir: string,
): Promise<FileReconciliation> {
  const steps = splitSteps(file);
  const c = file?.counts ?? null;
  const events = built.onLinesTopic.get(fileId)?.size ?? 0;
  if (c)
    add(
      steps,
      'events',
      events >= c.emitted,
      `usage.lines holds ${events} distinct line(s) of the file, emitted ${c.emitted}`,
    );
  const input = built.input;
  const lines = [...input.lines.values()].filter((l) => l.fileId === fileId);
  const matched = lines.filter((l) => input.matched.has(l.lineId)).length;
  const unmatched = lines.filter((l) => !input.matched.has(l.lineId) && input.unmatched.has(l.lineId)).length;
  const dead = input.deadAtMatch.get(fileId)?.size ?? 0;
  const decided = matched + unmatched + dead;
  add(
    steps,
    'match',
    decided === Math.max(events, c?.emitted ?? 0),
    `matched ${matched} + unmatched ${unmatched} + dead-lettered at match ${dead} = ${decided} of ${Math.max(events, c?.emitted ?? 0)} event(s)`,
  );
  const months = [...new Set(lines.map((l) => monthOf(l.periodStart, l.periodEnd)))].sort();
  for (const month of months) {
    if (!month) add(steps, 'period', false, 'line(s) without usage dates cannot be exported');
    else steps.push(...(await monthSteps(fileId, input, month, outboxDir)));
  }
  const gaps = steps.filter((s) => !s.ok).map((s) => `${s.step}: ${s.detail}`);
  return { fileId, ok: gaps.length === 0, steps, gaps };
}

/**
 * The same chain from the ledger alone, in a few indexed queries however long the topics:
 * the split's counts, the matcher's decisions each line once, and per exported period the
 * money as the latest export run accounted it, its claim in the outbox as announced, and
 * whether decisions have come since (then the export is out of date).
 */
export async function reconcileFromLedger(
  fileId: string,
  file: FileRecord | null,
  facts: FileAccounting,
  outboxDir: string,
): Promise<FileReconciliation> {
  const steps = splitSteps(file);
  const c = file?.counts ?? null;
  const t = facts.tallies;
  const events = (c?.emitted ?? 0) + t.replayed;
  if (c)
    add(
      steps,
      'events',
      true,
      `usage.lines holds ${events} line(s) of the file: emitted ${c.emitted} + ${t.replayed} brought back by replays or corrections`,
    );
  const decided = t.matched + t.unmatched + t.matchDead;
  add(
    steps,
    'match',
    decided === events,
    `matched ${t.matched} + unmatched ${t.unmatched} + dead-lettered at match ${t.matchDead} = ${decided} of ${events} event(s)`,
  );
  const sum = (k: 'matchedLines' | 'unmatchedLines' | 'deadAtMatch' | 'pendingLines') =>
    facts.exports.reduce((n, e) => n + e[k], 0);
  const current =
    sum('matchedLines') === t.matched &&
    sum('unmatchedLines') === t.unmatched &&
    sum('deadAtMatch') === t.matchDead &&
    sum('pendingLines') === 0;
  if (!facts.exports.length && c)
    add(steps, 'exported', false, 'not exported yet: run `tallyline export run --period <period>`');
  for (const e of facts.exports) {
    const money = e.money.map((m) => ({
      currency: m.currency,
      reported: toMinor(m.reported, m.currency),
      allocated: toMinor(m.allocated, m.currency),
      unallocated: toMinor(m.unallocated, m.currency),
      unmatched: toMinor(m.unmatched, m.currency),
      pending: toMinor(m.pending, m.currency),
      notValued: toMinor(m.notValued, m.currency),
    }));
    steps.push(...moneySteps(money, [], e.period));
    steps.push(await claimStep(e, current, outboxDir));
  }
  const gaps = steps.filter((s) => !s.ok).map((s) => `${s.step}: ${s.detail}`);
  return { fileId, ok: gaps.length === 0, steps, gaps };
}

/** The period's claim file: in the outbox as announced, and no decision since the export. */
async function claimStep(
  e: FileAccounting['exports'][number],
  current: boolean,
  outboxDir: string,
): Promise<ReconcileStep> {
  const step = `exported ${e.period}`;
  const rerun = `run \`tallyline export run --period ${e.period}\``;
  if (!e.claim) return { step, ok: false, detail: `no claim file announced for ${e.period}: ${rerun}` };
  const onDisk = await readFile(outboxFile(outboxDir, e.claim.path)).then(
    (b) => createHash('sha256').update(b).digest('hex'),
    () => null,
  );
  if (onDisk === null) return { step, ok: false, detail: `${e.claim.path} is not in the outbox: ${rerun}` };
  if (onDisk !== e.claim.sha256)
    return {
      step,
      ok: false,
      detail: `${e.claim.path} is not the file announced (SHA-256 differs): ${rerun}`,
    };
  if (!current)
    return { step, ok: false, detail: `${e.claim.path}: lines were decided since the export: ${rerun}` };
  return {
    step,
    ok: true,
    detail: `${e.claim.path} is current (${e.matchedLines} matched line(s), exported ${e.exportedAt.toISOString()})`,
  };
}

/** What ingest says of the file: split, its footer, its dead letters corrected. */
function splitSteps(file: FileRecord | null): ReconcileStep[] {
  const steps: ReconcileStep[] = [];
  const c = file?.counts ?? null;
  if (!file) add(steps, 'file', false, 'not known to ingest (no file record)');
  else if (!c) add(steps, 'split', false, `state ${file.state}: not split (yet)`);
  else {
    add(
      steps,
      'split',
      c.lines === c.emitted + c.deadLettered + c.context,
      `lines ${c.lines} = emitted ${c.emitted} + dead-lettered ${c.deadLettered} + context ${c.context}`,
    );
    if (file.footerCheck !== null)
      add(steps, 'footer', file.footerCheck === 'OK', `footer check: ${file.footerCheck}`);
    if (c.deadLettered > 0) {
      const corrected = file.corrected ?? 0;
      add(
        steps,
        'dead letters at split',
        corrected >= c.deadLettered,
        `${c.deadLettered} line(s) dead-lettered at split, ${corrected} corrected since`,
      );
    }
  }
  return steps;
}

/** One month of the file: its money, and its claim in the outbox against the one computed now. */
async function monthSteps(
  fileId: string,
  input: InputBuilder['input'],
  month: string,
  outboxDir: string,
): Promise<ReconcileStep[]> {
  const model = computeExport(input, month);
  const account = model.accounts.find((a) => a.fileId === fileId);
  if (!account) return [];
  const steps = moneySteps(account.money, account.unvaluable, month);
  const claim = exportFiles(model).find((f) => f.kind === 'CLAIM' && f.reportFileId === fileId);
  const written = (await readManifest(outboxDir, month))?.files.find((f) => f.reportFileId === fileId);
  const now = claim ? entryOf(claim).sha256 : null;
  add(
    steps,
    `exported ${month}`,
    written !== undefined && written.sha256 === now,
    written === undefined
      ? `no claim file in the outbox for ${month}: run \`tallyline export run --period ${month}\``
      : written.sha256 === now
        ? `${written.path} is current (${account.matchedUsages} usage(s) on ${account.matchedLines} matched line(s))`
        : `${written.path} is out of date: run \`tallyline export run --period ${month}\``,
  );
  return steps;
}

function moneySteps(
  money: readonly MoneyAccount[],
  unvaluable: FileAccount['unvaluable'],
  month: string,
): ReconcileStep[] {
  const steps: ReconcileStep[] = [];
  for (const m of money) {
    const f = (v: bigint) => formatMinor(v, m.currency);
    const gap = moneyGap(m);
    add(
      steps,
      `money ${month} ${m.currency}`,
      gap === 0n && m.pending === 0n && m.notValued === 0n,
      `report totals ${f(m.reported)} = to rights holders ${f(m.allocated)} + unallocated ${f(m.unallocated)} + unmatched ${f(m.unmatched)}` +
        (m.pending ? ` + not yet matched ${f(m.pending)}` : '') +
        (m.notValued ? ` + on lines never received (dead letters) ${f(m.notValued)}` : '') +
        (gap ? `; ${f(gap)} unaccounted` : ''),
    );
  }
  if (unvaluable.length) {
    add(
      steps,
      `value ${month}`,
      false,
      `${unvaluable.length} line(s) without a value, e.g. ${unvaluable[0]!.lineId}: ${unvaluable[0]!.reason}`,
    );
  }
  return steps;
}

export interface LegacyDifference {
  workId: string;
  currency: string;
  ours: { usages: number; amount: string } | null;
  legacy: { usages: number; amount: string } | null;
  what: string;
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * Our per-work totals of a period (usages and the whole value of the work's lines) against
 * a legacy system's CSV of work id, usage, amount[, currency], per (work, currency): amounts
 * in different currencies are never added. A header row is skipped when its usage cell is
 * not a number. A row without a currency cell takes `currency`; without that, the one
 * currency of our side (several on our side and none given is an error).
 */
export async function compareWithLegacy(
  legacyCsv: string,
  built: InputBuilder,
  period: string,
  options: { currency?: string } = {},
): Promise<{ period: string; works: number; legacyWorks: number; differences: LegacyDifference[] }> {
  const rows = await readLegacyRows(legacyCsv);
  const model = computeExport(built.input, period);
  const ourCurrencies = [...new Set(model.works.map((w) => w.currency))].sort();
  const given = options.currency?.toUpperCase();
  if (given !== undefined && !CURRENCY.test(given))
    throw new ExportError(
      'CURRENCY_NEEDED',
      `--currency ${JSON.stringify(options.currency)} is not an ISO 4217 code`,
    );
  const ours = new Map<string, WorkCurrencyTotal>();
  for (const w of model.works) addTotal(ours, w.workId, w.currency, w.usages, w.amount);
  const legacy = legacyTotals(rows, { legacyCsv, period, given, ourCurrencies });
  const worksOf = (m: Map<string, { workId: string }>) => new Set([...m.values()].map((v) => v.workId)).size;
  return {
    period,
    works: worksOf(ours),
    legacyWorks: worksOf(legacy),
    differences: differencesOf(ours, legacy),
  };
}

interface WorkCurrencyTotal {
  workId: string;
  currency: string;
  usages: number;
  amount: bigint;
}

function addTotal(
  totals: Map<string, WorkCurrencyTotal>,
  workId: string,
  currency: string,
  usages: number,
  amount: bigint,
): void {
  const key = `${workId}\t${currency}`;
  const t = totals.get(key) ?? { workId, currency, usages: 0, amount: 0n };
  t.usages += usages;
  t.amount += amount;
  totals.set(key, t);
}

/** The legacy CSV's rows; its delimiter (`;`, tab or `,`) guessed from its first line. */
async function readLegacyRows(legacyCsv: string): Promise<string[][]> {
  const text = await readFile(legacyCsv, 'utf8');
  const firstLine = text.split('\n', 1)[0]!;
  const delimiter = firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  return parse(text, {
    delimiter,
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as string[][];
}

/** The legacy rows added up per (work, currency); a bad cell stops it, naming the line. */
function legacyTotals(
  rows: string[][],
  o: { legacyCsv: string; period: string; given: string | undefined; ourCurrencies: string[] },
): Map<string, WorkCurrencyTotal> {
  const legacy = new Map<string, WorkCurrencyTotal>();
  rows.forEach((r, i) => {
    if (i === 0 && !/^-?\d+$/.test(r[1] ?? '')) return;
    const [workId = '', usages = '', amount = '', currencyCell = ''] = r;
    const where = (cell: number) => `${o.legacyCsv} line ${i + 1}, cell ${cell}`;
    if (!/^-?\d+$/.test(usages))
      throw new ExportError(
        'BAD_LEGACY_CELL',
        `${where(2)}: usage ${JSON.stringify(usages)} is not a whole number`,
      );
    const currency = legacyCurrency(currencyCell, o, where);
    let minor: bigint;
    try {
      minor = toMinor(amount, currency || null);
    } catch {
      throw new ExportError(
        'BAD_LEGACY_CELL',
        `${where(3)}: amount ${JSON.stringify(amount)} is not a decimal`,
      );
    }
    addTotal(legacy, workId, currency, Number(usages), minor);
  });
  return legacy;
}

/** A legacy row's currency: its own cell, else --currency, else our side's only currency. */
function legacyCurrency(
  cell: string,
  o: { period: string; given: string | undefined; ourCurrencies: string[] },
  where: (cell: number) => string,
): string {
  if (cell !== '') {
    const currency = cell.toUpperCase();
    if (!CURRENCY.test(currency))
      throw new ExportError(
        'BAD_LEGACY_CELL',
        `${where(4)}: currency ${JSON.stringify(cell)} is not an ISO 4217 code`,
      );
    return currency;
  }
  if (o.given) return o.given;
  if (o.ourCurrencies.length <= 1) return o.ourCurrencies[0] ?? '';
  throw new ExportError(
    'CURRENCY_NEEDED',
    `${where(4)}: no currency cell, and ${o.period} has amounts in ${o.ourCurrencies.join(', ')}: give the legacy amounts' currency with --currency (or a 4th column)`,
  );
}

/** Per (work, currency) in key order: what is only on one side, or how usages and amounts differ. */
function differencesOf(
  ours: Map<string, WorkCurrencyTotal>,
  legacy: Map<string, WorkCurrencyTotal>,
): LegacyDifference[] {
  const show = (v: WorkCurrencyTotal | undefined) =>
    v ? { usages: v.usages, amount: formatMinor(v.amount, v.currency || null) } : null;
  const differences: LegacyDifference[] = [];
  for (const k of [...new Set([...ours.keys(), ...legacy.keys()])].sort()) {
    const o = ours.get(k);
    const l = legacy.get(k);
    const { workId, currency } = (o ?? l)!;
    const what = !o
      ? 'only in legacy'
      : !l
        ? 'only in tallyline'
        : [
            o.usages !== l.usages ? `usage ${o.usages - l.usages > 0 ? '+' : ''}${o.usages - l.usages}` : '',
            o.amount !== l.amount
              ? `amount ${o.amount - l.amount > 0n ? '+' : ''}${formatMinor(o.amount - l.amount, currency || null)}`
              : '',
          ]
            .filter(Boolean)
            .join(', ');
    if (what) differences.push({ workId, currency, ours: show(o), legacy: show(l), what });
  }
  return differences;
}
