import { printTable } from '../../core/cli/index.ts';
import type { FileCounts } from './file-store.ts';

export interface AccountedFile {
  fileId: string;
  fileName: string;
  sender: string;
  state: string;
  counts: FileCounts | null;
  /** dead-lettered lines since resolved by a replay or a correction */
  corrected?: number;
  footerCheck: string | null;
  deadByClass: Record<string, number>;
  warnings: string[];
  reason: string | null;
}

/** States after which nothing more happens to a file without someone acting. */
export const FINAL_STATES = new Set(['split', 'rejected', 'failed']);

/** Each file's line accounting as a table, then what a person should know about each. */
export function printAccounting(files: AccountedFile[], options: { warnings?: boolean } = {}): void {
  const say = (text: string) => process.stdout.write(`${text}\n`);
  printTable(
    files.map((s) => ({
      file: s.fileName.length > 60 ? `${s.fileName.slice(0, 57)}...` : s.fileName,
      fileId: s.fileId,
      sender: s.sender,
      state: s.state,
      lines: s.counts?.lines,
      emitted: s.counts?.emitted,
      deadLettered: s.counts?.deadLettered,
      context: s.counts?.context,
      parked: s.counts?.parked ?? '',
      corrected: s.corrected ?? 0,
      balanced: s.counts
        ? s.counts.lines ===
          s.counts.emitted + s.counts.deadLettered + (s.counts.parked ?? 0) + s.counts.context
        : '',
      footer: s.footerCheck ?? '',
    })),
    [
      'file',
      'fileId',
      'sender',
      'state',
      'lines',
      'emitted',
      'deadLettered',
      'context',
      'parked',
      'corrected',
      'balanced',
      'footer',
    ],
  );
  for (const s of files) {
    if (s.reason) say(`  ${s.fileName}: ${s.state}: ${s.reason}`);
    const dead = Object.entries(s.deadByClass).map(([c, n]) => `${c} ${n}`);
    if (dead.length) say(`  ${s.fileName}: dead letters by reason: ${dead.join(', ')}`);
    if (options.warnings) for (const w of s.warnings) say(`  ${s.fileName}: ${w}`);
  }
}
