import type { Producer, TransactionSender } from '../../core/kafka/index.ts';
import type { AvroSerde } from '../../core/registry/index.ts';
import type { FileEvent } from '../../core/schemas/index.ts';
import type { FileRecord } from './file-store.ts';

/** A usage.files event for a file, filled from its record. */
export function fileEvent(
  record: FileRecord,
  type: FileEvent['type'],
  patch: Partial<FileEvent> = {},
): FileEvent {
  return {
    fileId: record.fileId,
    type,
    at: new Date(),
    fileName: record.fileName,
    sender: record.sender,
    sha256: record.sha256,
    sizeBytes: record.contentBytes,
    format: record.format,
    reason: null,
    counts: null,
    footerCheck: null,
    systemic: false,
    warnings: [],
    ...patch,
  };
}

export class FileEvents {
  constructor(
    private readonly topic: string,
    private readonly serde: AvroSerde<'FileEvent'>,
  ) {}

  message(event: FileEvent) {
    return { key: event.fileId, value: this.serde.encode(event) };
  }

  decode(value: Buffer): Promise<FileEvent> {
    return this.serde.decode(value);
  }

  async publish(target: Producer | TransactionSender, event: FileEvent): Promise<void> {
    await target.send(this.topic, [this.message(event)]);
  }
}
