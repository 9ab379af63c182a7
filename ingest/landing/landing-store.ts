import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { IngestError } from '../errors.ts';

export interface IntakeLimits {
  /** most bytes accepted as uploaded */
  maxUploadBytes: number;
  /** most bytes a .gz may expand to */
  maxDecompressedBytes: number;
  /** most times a .gz may expand */
  maxCompressionRatio: number;
}

export interface StoredFile {
  /** where the stored bytes are, for `open` */
  key: string;
  /** SHA-256 of the content (decompressed, for a .gz) */
  sha256: string;
  /** bytes as uploaded */
  storedBytes: number;
  /** bytes of the content (decompressed) */
  contentBytes: number;
  compressed: boolean;
}

/** Where uploaded files are kept, content-addressed. A local folder here; S3 or similar later. */
export interface LandingStore {
  /** Streams the upload in, hashing (and for .gz, checking) its content as it goes. */
  put(source: Readable, options: { compressed: boolean; limits: IntakeLimits }): Promise<StoredFile>;
  /** The stored bytes, as uploaded. */
  open(key: string): Readable;
  exists(key: string): Promise<boolean>;
}

class Counter extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly onLimit: (bytes: number) => Error,
  ) {
    super();
  }
  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(this.onLimit(this.bytes));
    done(null, chunk);
  }
}

export class LocalLandingStore implements LandingStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{64}(\.gz)?$/.test(key)) throw new Error(`not a landing key: ${key}`);
    return path.join(this.root, key.slice(0, 2), key);
  }

  // One pipeline, read once: hashing, the size and gzip-bomb limits and the temp file's rename
  // all act on the same stream, so they stay together.
  async put(source: Readable, options: { compressed: boolean; limits: IntakeLimits }): Promise<StoredFile> {
    const { limits, compressed } = options;
    await mkdir(path.join(this.root, 'tmp'), { recursive: true });
    const temp = path.join(this.root, 'tmp', randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    const raw = new Counter(
      limits.maxUploadBytes,
      (n) => new IngestError('TOO_LARGE', `upload exceeds ${limits.maxUploadBytes} bytes (read ${n})`),
    );
    let contentBytes: number;
    try {
      if (!compressed) {
        const hashing = new Transform({
          transform(chunk: Buffer, _e, done) {
            hash.update(chunk);
            done(null, chunk);
          },
        });
        await pipeline(source, raw, hashing, createWriteStream(temp));
        contentBytes = raw.bytes;
      } else {
        // Keep the upload as it came, and inflate a copy on the side to hash the content and
        // stop a gzip bomb while it is still being received.
        const inflated = new Counter(
          limits.maxDecompressedBytes,
          (n) =>
            new IngestError(
              'GZIP_BOMB',
              `gzip content expands beyond ${limits.maxDecompressedBytes} bytes (${n} so far)`,
            ),
        );
        const gunzip = createGunzip();
        const hashSink = new Writable({
          write(chunk: Buffer, _e, done) {
            hash.update(chunk);
            if (inflated.bytes > limits.maxCompressionRatio * Math.max(raw.bytes, 1024)) {
              return done(
                new IngestError(
                  'GZIP_BOMB',
                  `gzip content expands more than ${limits.maxCompressionRatio} times (${inflated.bytes} bytes from ${raw.bytes})`,
                ),
              );
            }
            done();
          },
        });
        const inflating = pipeline(gunzip, inflated, hashSink).catch((err: Error) => {
          throw err instanceof IngestError
            ? err
            : new IngestError('BAD_GZIP', `not a readable gzip file: ${err.message}`);
        });
        const tee = new Transform({
          transform(chunk: Buffer, _e, done) {
            if (gunzip.write(chunk)) return done(null, chunk);
            gunzip.once('drain', () => done(null, chunk));
          },
          flush(done) {
            gunzip.end();
            done();
          },
        });
        await Promise.all([
          pipeline(source, raw, tee, createWriteStream(temp)).catch((err: Error) => {
            gunzip.destroy();
            throw err;
          }),
          inflating,
        ]);
        contentBytes = inflated.bytes;
      }
      const sha256 = hash.digest('hex');
      const key = compressed ? `${sha256}.gz` : sha256;
      const target = this.pathOf(key);
      if (existsSync(target)) await rm(temp, { force: true });
      else {
        await mkdir(path.dirname(target), { recursive: true });
        await rename(temp, target);
      }
      return { key, sha256, storedBytes: raw.bytes, contentBytes, compressed };
    } catch (err) {
      await rm(temp, { force: true });
      source.resume();
      throw err;
    }
  }

  open(key: string): Readable {
    return createReadStream(this.pathOf(key), { highWaterMark: 64 * 1024 });
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }
}
