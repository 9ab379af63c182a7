import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FileRecord } from '../files/file-store.ts';
import type { IngestRuntime } from '../runtime.ts';

/** A file's content from the landing store, decompressed, counting the bytes read. */
export function openContent(
  rt: IngestRuntime,
  record: FileRecord,
  onBytes: (n: number) => void = () => undefined,
): AsyncIterable<Uint8Array> {
  const raw = rt.landing.open(record.landingKey);
  const counting = new Transform({
    transform(chunk: Buffer, _e, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const content = record.compressed ? raw.pipe(createGunzip()) : raw;
  content.on('error', (err) => counting.destroy(err));
  return content.pipe(counting);
}
