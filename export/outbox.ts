import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { ExportFileWritten } from '../core/schemas/index.ts';
import type { ExportFile } from './files.ts';
import { overlappingPeriods, periodOverlap } from './period.ts';

/** What the export.statements event says of a file, but its period (the manifest's own). */
export type ManifestEntry = Omit<ExportFileWritten, 'period'>;

export interface Manifest {
  period: string;
  files: ManifestEntry[];
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Writes a file whole or not at all: to a temporary name beside it, flushed to disk, then
 * renamed over it and the folder flushed, so a crash leaves the old file or the new one.
 */
export async function writeAtomically(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

export function manifestPath(outboxDir: string, period: string): string {
  return path.join(outboxDir, period, 'manifest.json');
}

export async function readManifest(outboxDir: string, period: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(manifestPath(outboxDir, period), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

export function entryOf(f: ExportFile): ManifestEntry {
  return {
    path: f.path,
    kind: f.kind,
    rightsHolderId: f.rightsHolderId,
    reportFileId: f.reportFileId,
    sender: f.sender,
    sha256: sha256(f.content),
    sizeBytes: Buffer.byteLength(f.content),
    rows: f.rows,
    totals: f.totals,
  };
}

/** Resolves a manifest path inside the outbox, refusing anything that climbs out of it. */
export function outboxFile(outboxDir: string, relative: string): string {
  const full = path.resolve(outboxDir, relative);
  if (!full.startsWith(path.resolve(outboxDir) + path.sep))
    throw new Error(`${relative}: outside the outbox`);
  return full;
}

/**
 * Refuses a period when a month or quarter overlapping it has an export in the outbox (its
 * manifest, or files a run killed before its manifest left).
 */
export async function refuseOverlap(outboxDir: string, period: string): Promise<void> {
  for (const other of overlappingPeriods(period)) {
    if (await readManifest(outboxDir, other)) throw periodOverlap(period, other);
    for (const sub of ['statements', 'claims']) {
      const names = await readdir(path.join(outboxDir, other, sub)).catch(() => [] as string[]);
      if (names.length > 0) throw periodOverlap(period, other);
    }
  }
}
