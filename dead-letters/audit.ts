import { userInfo } from 'node:os';
import type { Producer } from '../core/kafka/index.ts';
import { auditMessage, type AuditRecord } from '../core/topics/index.ts';

// Who did what to which dead letters, as records on dlq.audit (the format is core/topics'
// dlq-audit.ts). A record per action or per batch, so an interrupted run still leaves the
// part it did.

/** The person running a command. */
export function operator(env: NodeJS.ProcessEnv = process.env): string {
  return env.TALLYLINE_USER || env.USER || userInfo().username;
}

export async function writeAudit(
  producer: Producer,
  topic: string,
  record: Omit<AuditRecord, 'at'>,
  key = '*',
): Promise<AuditRecord> {
  const message = auditMessage(record, key);
  await producer.send(topic, [message]);
  return JSON.parse(message.value!.toString()) as AuditRecord;
}
