// The shapes the Kafka module speaks in, apart from the clients that speak them (kafka.ts,
// jvm-producer.ts, catch-up.ts all use them; none imports another for its types).

export interface OutgoingMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | undefined>;
  timestamp: string;
}

export interface SentRecord {
  topic: string;
  partition: number;
  baseOffset?: string;
}

export interface TopicDescription {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** every config entry in force, defaults included, by name */
  configs: Record<string, string>;
}

export interface TopicSpecInput {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

export interface ReadToEndOptions {
  /** the read ends once nothing has arrived for this long (default 1.5 s) */
  idleMs?: number;
  /** fail if not at the end after this long waiting on Kafka (default 120 s) */
  timeoutMs?: number;
}

export interface TransactionSender {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** commit consumed offsets as part of this transaction (consume-transform-produce) */
  sendOffsets(
    groupId: string,
    topic: string,
    offsets: { partition: number; offset: string }[],
  ): Promise<void>;
}

/** What the split and the matcher need: transactions, nothing else. */
export interface TransactionalProducer {
  /** Runs `work` in a Kafka transaction: committed if it resolves, aborted if it throws. */
  transaction<T>(work: (tx: TransactionSender) => Promise<T>): Promise<T>;
  disconnect(): Promise<void>;
}

export interface Batch {
  topic: string;
  partition: number;
  messages: IncomingMessage[];
  /**
   * the last offset the fetch covered: the last message's, or past it a transaction marker or
   * aborted records that are never handed over (resolving the last message resolves those too)
   */
  lastOffset: string;
  /** keeps the group membership alive during long work on one batch */
  heartbeat(): Promise<void>;
  /** marks an offset as processed, to be committed */
  resolveOffset(offset: string): void;
  isRunning(): boolean;
}
