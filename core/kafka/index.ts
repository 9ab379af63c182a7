export {
  KafkaClient,
  Producer,
  Consumer,
  Admin,
  chunkBySize,
  MAX_CHUNK_BYTES,
  messageBytes,
} from './kafka.ts';
export type {
  OutgoingMessage,
  IncomingMessage,
  SentRecord,
  TopicDescription,
  TopicSpecInput,
  PartitionOffsets,
  Batch,
  TransactionSender,
  TransactionalProducer,
  ReadToEndOptions,
} from './types.ts';
export { CatchUp } from './catch-up.ts';
export type { CaughtUpBy, CatchUpOptions } from './catch-up.ts';
export { JvmTransactionalProducer, KafkaBridgeError, javaClientSettings } from './jvm-producer.ts';
