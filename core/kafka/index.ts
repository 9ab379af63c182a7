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
} from './kafka.ts';
