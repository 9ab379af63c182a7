import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../core/log/index.ts';
import type { Intake, IntakeResult } from '../intake/intake.ts';

// The drop-folder intake, after the DDEX delivery choreography: a sender puts a batch
// folder under its own folder, `<drop>/<sender>/<batch>/`, writes the report's files into
// it, and last a zero-byte `*.ctrl` file that says the upload is complete. Only then is
// the batch taken: each file goes through the same intake as an upload, and the batch
// folder moves to `<drop>/<sender>/.done/<batch>/` with a `result.json` of what happened.

export interface DropResult {
  sender: string;
  batch: string;
  files: {
    fileName: string;
    status: IntakeResult['status'] | 'error';
    fileId: string | null;
    message: string | null;
  }[];
}

export class DropFolderWatcher {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly root: string,
    private readonly intake: Intake,
    private readonly logger: Logger,
    private readonly onBatch: (result: DropResult) => void = () => undefined,
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.scan(), intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
  }

  /** One pass over the drop folder; returns the batches taken. */
  async scan(): Promise<DropResult[]> {
    if (this.busy) return [];
    this.busy = true;
    try {
      await mkdir(this.root, { recursive: true });
      const results: DropResult[] = [];
      for (const sender of await subfolders(this.root)) {
        for (const batch of await subfolders(path.join(this.root, sender))) {
          const dir = path.join(this.root, sender, batch);
          const names = await readdir(dir);
          if (!names.some((n) => n.endsWith('.ctrl'))) continue;
          const result = await this.take(
            sender,
            batch,
            dir,
            names.filter((n) => !n.endsWith('.ctrl')).sort(),
          );
          results.push(result);
          this.onBatch(result);
        }
      }
      return results;
    } finally {
      this.busy = false;
    }
  }

  private async take(sender: string, batch: string, dir: string, names: string[]): Promise<DropResult> {
    const result: DropResult = { sender, batch, files: [] };
    for (const fileName of names) {
      try {
        const r = await this.intake.accept(createReadStream(path.join(dir, fileName)), fileName, sender);
        result.files.push({ fileName, status: r.status, fileId: r.file.fileId, message: r.file.reason });
      } catch (err) {
        result.files.push({ fileName, status: 'error', fileId: null, message: (err as Error).message });
      }
    }
    const done = path.join(this.root, sender, '.done');
    await mkdir(done, { recursive: true });
    let target = path.join(done, batch);
    if (existsSync(target)) target = `${target}.${Date.now()}`;
    await rename(dir, target);
    await writeFile(path.join(target, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    this.logger.info({ sender, batch, files: result.files.length }, 'drop-folder batch taken');
    return result;
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if ((await stat(path.join(dir, name))).isDirectory()) out.push(name);
  }
  return out.sort();
}
