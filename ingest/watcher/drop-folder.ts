import { createReadStream, existsSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TallylineError } from '../../core/errors/index.ts';
import type { Logger } from '../../core/log/index.ts';
import type { Intake, IntakeResult } from '../intake/intake.ts';

// The drop-folder intake, after the DDEX delivery choreography: a sender puts a batch
// folder under its own folder, `<drop>/<sender>/<batch>/`, writes the report's files into
// it, and last a zero-byte `*.ctrl` file that says the upload is complete. Only then is
// the batch taken: each file goes through the same intake as an upload, and the batch
// folder moves to `<drop>/<sender>/.done/<batch>/` with a `result.json` of what happened.
// Symbolic links are never followed (a sender's folder must not reach another's files, or any
// file on the server), and a batch that meets an outage (Kafka, the database…) stays where it
// is and is taken again at the next scan: only what is wrong with a file is final.

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
    this.timer = setInterval(
      () => void this.scan().catch((err: unknown) => this.logger.error({ err }, 'drop-folder scan failed')),
      intervalMs,
    );
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
          ).catch((err: unknown) => {
            if (err instanceof BatchDeferred) return null;
            throw err;
          });
          if (!result) continue;
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
      const file = path.join(dir, fileName);
      if (!(await lstat(file)).isFile()) {
        const message = 'not a regular file (a symbolic link, a folder…): not taken';
        result.files.push({ fileName, status: 'error', fileId: null, message });
        continue;
      }
      try {
        const r = await this.intake.accept(createReadStream(file), fileName, sender);
        result.files.push({ fileName, status: r.status, fileId: r.file.fileId, message: r.file.reason });
      } catch (err) {
        if (!isFinal(err)) {
          // Taken again at the next scan; files already taken answer `duplicate` then.
          this.logger.warn({ sender, batch, fileName, err }, 'drop-folder batch left for the next scan');
          throw new BatchDeferred();
        }
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

/** A batch left in place for the next scan (an outage, not a fault of the files). */
class BatchDeferred extends Error {}

/** What is wrong with the file itself is final; an outage or anything unforeseen is tried again. */
function isFinal(err: unknown): boolean {
  return err instanceof TallylineError && err.kind !== 'unavailable' && err.kind !== 'failed';
}

async function subfolders(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    // lstat: a symbolic link to a folder is not one of ours
    if ((await lstat(path.join(dir, name))).isDirectory()) out.push(name);
  }
  return out.sort();
}
