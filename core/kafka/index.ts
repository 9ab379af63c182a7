export { KafkaClient, Producer, Consumer, Admin } from './kafka.ts';
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
