import { userInfo } from 'node:os';
import type { OutgoingMessage, Producer } from '../core/kafka/index.ts';

// Who did what to which dead letters, as JSON records on dlq.audit (key: the file, or `*`
// for actions across files). A record per action or per batch of one, so an interrupted
// run still leaves the part it did.

export type AuditAction = 'replay' | 'correction' | 'purge';

export interface AuditRecord {
  action: AuditAction;
  at: string;
  /** a person (TALLYLINE_USER, else the OS user) or `sender:<id>` for a sender's correction */
  by: string;
  /** the filter or file the action was asked for */
  scope: Record<string, unknown>;
  lineIds: string[];
  /** what happened, e.g. counts by outcome */
  result: Record<string, unknown>;
}

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

/** An audit record as a message, for a caller that sends it in its own transaction. */
export function auditMessage(record: Omit<AuditRecord, 'at'>, key = '*'): OutgoingMessage {
  return { key, value: JSON.stringify({ ...record, at: new Date().toISOString() }) };
}
