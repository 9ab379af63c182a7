export { KafkaClient, Producer, Consumer, Admin, chunkBySize, MAX_CHUNK_BYTES } from './kafka.ts';
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
} from './kafka.ts';
export { JvmTransactionalProducer, KafkaBridgeError, javaClientSettings } from './jvm-producer.ts';
