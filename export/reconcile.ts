import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { FileRecord } from '../ingest/files/file-store.ts';
import { moneyGap, type FileAccount } from './accounting.ts';
import { computeExport } from './compute.ts';
import { exportFiles } from './files.ts';
import { formatMinor, toMinor } from './money.ts';
import { entryOf, readManifest } from './outbox.ts';
import { monthOf } from './period.ts';
import type { InputBuilder } from './sources.ts';

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
  const steps: ReconcileStep[] = [];
  const input = built.input;
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
  const events = built.onLinesTopic.get(fileId)?.size ?? 0;
  if (c)
    add(
      steps,
      'events',
      events >= c.emitted,
      `usage.lines holds ${events} distinct line(s) of the file, emitted ${c.emitted}`,
    );
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
    if (!month) {
      add(steps, 'period', false, 'line(s) without usage dates cannot be exported');
      continue;
    }
    const model = computeExport(input, month);
    const account = model.accounts.find((a) => a.fileId === fileId);
    if (!account) continue;
    for (const step of moneySteps(account, month)) steps.push(step);
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
  }
  const gaps = steps.filter((s) => !s.ok).map((s) => `${s.step}: ${s.detail}`);
  return { fileId, ok: gaps.length === 0, steps, gaps };
}

function moneySteps(a: FileAccount, month: string): ReconcileStep[] {
  const steps: ReconcileStep[] = [];
  for (const m of a.money) {
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
  if (a.unvaluable.length) {
    add(
      steps,
      `value ${month}`,
      false,
      `${a.unvaluable.length} line(s) without a value, e.g. ${a.unvaluable[0]!.lineId}: ${a.unvaluable[0]!.reason}`,
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

export class LegacyError extends Error {
  constructor(
    readonly code: 'BAD_LEGACY_CELL' | 'CURRENCY_NEEDED',
    message: string,
  ) {
    super(message);
    this.name = 'LegacyError';
  }
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
  const text = await readFile(legacyCsv, 'utf8');
  const firstLine = text.split('\n', 1)[0]!;
  const delimiter = firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  const rows = parse(text, {
    delimiter,
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as string[][];
  const model = computeExport(built.input, period);
  const ourCurrencies = [...new Set(model.works.map((w) => w.currency))].sort();
  const given = options.currency?.toUpperCase();
  if (given !== undefined && !CURRENCY.test(given))
    throw new LegacyError(
      'CURRENCY_NEEDED',
      `--currency ${JSON.stringify(options.currency)} is not an ISO 4217 code`,
    );
  const key = (workId: string, currency: string) => `${workId}\t${currency}`;
  const ours = new Map<string, { workId: string; currency: string; usages: number; amount: bigint }>();
  for (const w of model.works) {
    const o = ours.get(key(w.workId, w.currency)) ?? {
      workId: w.workId,
      currency: w.currency,
      usages: 0,
      amount: 0n,
    };
    o.usages += w.usages;
    o.amount += w.amount;
    ours.set(key(w.workId, w.currency), o);
  }
  const legacy = new Map<string, { workId: string; currency: string; usages: number; amount: bigint }>();
  rows.forEach((r, i) => {
    if (i === 0 && !/^-?\d+$/.test(r[1] ?? '')) return;
    const [workId = '', usages = '', amount = '', currencyCell = ''] = r;
    const where = (cell: number) => `${legacyCsv} line ${i + 1}, cell ${cell}`;
    if (!/^-?\d+$/.test(usages))
      throw new LegacyError(
        'BAD_LEGACY_CELL',
        `${where(2)}: usage ${JSON.stringify(usages)} is not a whole number`,
      );
    let currency: string;
    if (currencyCell !== '') {
      currency = currencyCell.toUpperCase();
      if (!CURRENCY.test(currency))
        throw new LegacyError(
          'BAD_LEGACY_CELL',
          `${where(4)}: currency ${JSON.stringify(currencyCell)} is not an ISO 4217 code`,
        );
    } else if (given) currency = given;
    else if (ourCurrencies.length <= 1) currency = ourCurrencies[0] ?? '';
    else
      throw new LegacyError(
        'CURRENCY_NEEDED',
        `${where(4)}: no currency cell, and ${period} has amounts in ${ourCurrencies.join(', ')}: give the legacy amounts' currency with --currency (or a 4th column)`,
      );
    let minor: bigint;
    try {
      minor = toMinor(amount, currency || null);
    } catch {
      throw new LegacyError(
        'BAD_LEGACY_CELL',
        `${where(3)}: amount ${JSON.stringify(amount)} is not a decimal`,
      );
    }
    const l = legacy.get(key(workId, currency)) ?? { workId, currency, usages: 0, amount: 0n };
    l.usages += Number(usages);
    l.amount += minor;
    legacy.set(key(workId, currency), l);
  });
  const show = (v: { currency: string; usages: number; amount: bigint } | undefined) =>
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
  const worksOf = (m: Map<string, { workId: string }>) => new Set([...m.values()].map((v) => v.workId)).size;
  return { period, works: worksOf(ours), legacyWorks: worksOf(legacy), differences };
}
