// A transactional producer that hands the Kafka protocol work to Apache Kafka's own Java
// client in a child process (jvm/ProducerBridge.java). KafkaJS encodes record batches in
// JavaScript and tops out near 35k messages/s inside transactions (docs/kafka-client.md);
// the Java client runs on the other core and keeps up with the parser. The protocol is
// length-prefixed frames on the child's stdin and replies on its stdout.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { chooseJdk, ensureKafka, pinnedVersions } from '../java/index.ts';
import type { OutgoingMessage, TransactionalProducer, TransactionSender } from './types.ts';
import { TallylineError } from '../errors/index.ts';

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'jvm', 'ProducerBridge.java');
/** the Kafka client and what it loads; not the broker's jars, and no log binding (stdout is ours) */
const CLIENT_JARS = ['kafka-clients-', 'lz4-java-', 'snappy-java-', 'zstd-jni-', 'slf4j-api-'];
const WRITE_CHUNK_BYTES = 1 << 20;
/**
 * Send frames are written into buffers of this size, reused once the pipe has taken them:
 * writing into fresh memory costs a page fault every 4 KB, more than the copy itself.
 */
const CHUNK_BUFFER_BYTES = 2 * WRITE_CHUNK_BYTES;
const SPARE_CHUNK_BUFFERS = 4;

/** The bridge's reply statuses (ProducerBridge.java). */
const enum Status {
  Ok = 0,
  /** the transaction failed and was aborted; the producer goes on */
  Aborted = 1,
  /** this bridge process is unusable; a new one with the same id may be started */
  Fatal = 2,
  /** another producer has taken the transactional id */
  Fenced = 3,
}

/** An error of the JVM producer bridge: Kafka's, or the bridge process's. Retried by the caller. */
export class KafkaBridgeError extends TallylineError<
  'KAFKA_FENCED' | 'KAFKA_BRIDGE_FATAL' | 'KAFKA_ABORTED'
> {
  constructor(
    message: string,
    /** this bridge process cannot be used any more (state unknown, not authorised, gone) */
    readonly fatal: boolean,
    /** another producer with the same transactional id has taken over */
    readonly fenced = false,
    options?: ErrorOptions,
  ) {
    super(
      fenced ? 'KAFKA_FENCED' : fatal ? 'KAFKA_BRIDGE_FATAL' : 'KAFKA_ABORTED',
      message,
      'unavailable',
      options,
    );
  }
}

/** The bridge's classes, compiled once per source version into the stack cache. */
async function bridgeClasspath(config: Config): Promise<{ java: string; classpath: string }> {
  const otherwise = 'or set TALLYLINE_KAFKA_PRODUCER_ENGINE=kafkajs (slower, no Java)';
  const jdk = chooseJdk(17, config.stack.javaHome);
  if (!jdk) {
    throw new Error(
      `kafka.producerEngine=jvm needs Java 17 or newer (JAVA_HOME, PATH, /usr/lib/jvm); install one, ${otherwise}`,
    );
  }
  const { libs } = await ensureKafka(config.stack.cacheDir, pinnedVersions().kafka).catch((err: Error) => {
    throw new Error(`kafka.producerEngine=jvm needs the Kafka client jars: ${err.message}; ${otherwise}`, {
      cause: err,
    });
  });
  const jars = readdirSync(libs)
    .filter((f) => CLIENT_JARS.some((p) => f.startsWith(p)))
    .map((f) => path.join(libs, f));
  const source = readFileSync(SOURCE);
  const hash = createHash('sha256').update(source).update(jars.join(':')).digest('hex').slice(0, 16);
  const classes = path.join(config.stack.cacheDir, `producer-bridge-${hash}`);
  if (!existsSync(classes)) {
    const partial = `${classes}.${process.pid}.partial`;
    mkdirSync(partial, { recursive: true });
    const javac = path.join(jdk.home, 'bin', 'javac');
    try {
      execFileSync(javac, ['-nowarn', '-cp', jars.join(':'), '-d', partial, SOURCE], { stdio: 'pipe' });
      renameSync(partial, classes);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      // Another process may have compiled it at the same time.
      if (!existsSync(classes)) {
        const stderr = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message);
        throw new Error(`compiling the Kafka producer bridge with ${javac} failed: ${stderr.trim()}`, {
          cause: err,
        });
      }
    }
  }
  return { java: jdk.java, classpath: [classes, ...jars].join(':') };
}

/** Java client settings equivalent to the KafkaJS client's (brokers, TLS, SASL). */
export function javaClientSettings(config: Config): Record<string, string> {
  const k = config.kafka;
  const settings: Record<string, string> = {
    'bootstrap.servers': k.brokers.join(','),
    'client.id': `${k.clientId}-bridge`,
    // the one limit the split checks its records against (ingest/split/record-size.ts)
    'max.request.size': String(k.maxMessageBytes),
  };
  if (k.sasl) {
    const mechanism = k.sasl.mechanism.toUpperCase();
    const module =
      mechanism === 'PLAIN'
        ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
        : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    settings['security.protocol'] = k.ssl ? 'SASL_SSL' : 'SASL_PLAINTEXT';
    settings['sasl.mechanism'] = mechanism;
    settings['sasl.jaas.config'] =
      `${module} required username=${quote(k.sasl.username)} password=${quote(k.sasl.password)};`;
  } else if (k.ssl) settings['security.protocol'] = 'SSL';
  if (k.ssl && k.sslCaFile) {
    settings['ssl.truststore.type'] = 'PEM';
    settings['ssl.truststore.location'] = k.sslCaFile;
  }
  return settings;
}

/** Encodes frames into one buffer per call, sized up front. */
class FrameEncoder {
  private buf: Buffer;
  private pos = 0;

  constructor(sizeOrBuffer: number | Buffer) {
    this.buf = typeof sizeOrBuffer === 'number' ? Buffer.allocUnsafe(sizeOrBuffer) : sizeOrBuffer;
  }

  static stringSize(s: string): number {
    return 4 + Buffer.byteLength(s);
  }

  int(n: number): this {
    const b = this.buf;
    const p = this.pos;
    b[p] = n >>> 24;
    b[p + 1] = n >>> 16;
    b[p + 2] = n >>> 8;
    b[p + 3] = n;
    this.pos = p + 4;
    return this;
  }

  long(n: bigint): this {
    this.pos = this.buf.writeBigInt64BE(n, this.pos);
    return this;
  }

  byte(c: string): this {
    this.buf[this.pos++] = c.charCodeAt(0);
    return this;
  }

  bytes(b: Uint8Array | null): this {
    if (b === null) return this.int(-1);
    this.int(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  string(s: string): this {
    const n = this.buf.write(s, this.pos + 4);
    this.int(n);
    this.pos += n;
    return this;
  }

  /** a string or bytes, as the bytes field of a frame */
  value(v: string | Buffer | null): this {
    return typeof v === 'string' ? this.string(v) : this.bytes(v);
  }

  /** where the next frame starts, for patchLength */
  mark(): number {
    return this.pos;
  }

  /** Sets the length of the frame that starts at `start` to what has been written since. */
  patchLength(start: number): void {
    const end = this.pos;
    this.pos = start;
    this.int(end - start - 4);
    this.pos = end;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** At least the bytes a string takes as UTF-8 (at most 3 per UTF-16 unit), without measuring it. */
const utf8Bound = (s: string) => 3 * s.length;

function frame(op: string, payloadSize: number, write: (e: FrameEncoder) => void = () => undefined): Buffer {
  const e = new FrameEncoder(5 + payloadSize).int(1 + payloadSize).byte(op);
  write(e);
  return e.done();
}

/**
 * An upper bound of a message's 'S' frame without its topic: the frame is written into a
 * buffer of at least this size and cut to what was written, so strings are not measured
 * first (Buffer.byteLength is a call into C++ per string).
 */
function sendFrameBound(m: OutgoingMessage): number {
  // length, op, (topic), partition, key, value, header count
  let size = 4 + 1 + 4 + 4 + 4 + 4;
  if (m.key !== null) size += typeof m.key === 'string' ? utf8Bound(m.key) : m.key.length;
  if (m.value !== null) size += typeof m.value === 'string' ? utf8Bound(m.value) : m.value.length;
  if (m.headers) {
    for (const k of Object.keys(m.headers)) {
      const v = m.headers[k]!;
      size += 4 + utf8Bound(k) + 4 + (typeof v === 'string' ? utf8Bound(v) : v.length);
    }
  }
  return size;
}

/**
 * A transactional producer on the JVM bridge. When a bridge process fails beyond one
 * transaction (it died, or a commit's outcome stayed unknown), the next transaction starts a
 * new process with the same transactional id, whose initialisation aborts whatever the old
 * one left open. A fenced producer stays failed: another one owns the id now.
 */
export class JvmTransactionalProducer implements TransactionalProducer {
  private starting: Promise<void> | null = null;

  private constructor(
    private bridge: BridgeProcess,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly transactionalId: string,
  ) {}

  static async start(
    config: Config,
    logger: Logger,
    transactionalId: string,
  ): Promise<JvmTransactionalProducer> {
    const log = logger.child({ component: 'kafka-bridge' });
    const bridge = await BridgeProcess.start(config, log, transactionalId);
    return new JvmTransactionalProducer(bridge, config, log, transactionalId);
  }

  /** Transactions may overlap (BridgeProcess.transaction): they commit in the order called. */
  transaction<T>(work: (tx: TransactionSender) => Promise<T>): Promise<T> {
    const failed = this.bridge.failure;
    if (!failed && !this.starting) return this.bridge.transaction(work);
    if (failed?.fenced) return Promise.reject(failed);
    // One new bridge for all the transactions that find the old one failed.
    this.starting ??= (async () => {
      this.logger.warn({ reason: failed?.message }, 'starting a new Kafka producer bridge');
      this.bridge = await BridgeProcess.start(this.config, this.logger, this.transactionalId);
    })().finally(() => (this.starting = null));
    return this.starting.then(() => this.transaction(work));
  }

  async disconnect(): Promise<void> {
    await this.bridge.disconnect();
  }

  /** the current bridge process, for tests */
  get process(): ChildProcessWithoutNullStreams {
    return this.bridge.child;
  }
}

/** One bridge child process and the protocol spoken with it. */
class BridgeProcess {
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  /** chunk buffers the pipe has taken, for the next send frames */
  private readonly spareChunks: Buffer[] = [];
  /** resolves when the last transaction's frames, to its commit or abort, are all written */
  private lastWritten: Promise<void> = Promise.resolve();
  /** the last transaction's commit, until it has settled */
  private lastCommitted: Promise<void> | null = null;
  private received: Buffer = Buffer.alloc(0);
  private dead: KafkaBridgeError | null = null;
  private stderrTail = '';
  /** rejects with the reason once the child has exited */
  private readonly exited: Promise<never>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    private readonly logger: Logger,
    private readonly transactionalId: string,
  ) {
    child.stdout.on('data', (chunk: Buffer) => this.onReplyBytes(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      for (const line of text.split('\n').filter((l) => l.trim()))
        this.logger.debug({ bridge: line }, 'bridge');
    });
    child.stdin.on('error', () => undefined); // reported through 'exit'
    this.exited = new Promise<never>((_, reject) =>
      child.on('exit', (code, signal) => {
        const tail = this.stderrTail.trim().split('\n').slice(-5).join(' | ');
        const err = new KafkaBridgeError(
          `the Kafka producer bridge exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`,
          true,
        );
        this.fail(err);
        reject(err);
      }),
    );
    this.exited.catch(() => undefined);
  }

  static async start(config: Config, logger: Logger, transactionalId: string): Promise<BridgeProcess> {
    const { java, classpath } = await bridgeClasspath(config);
    const child = spawn(
      java,
      ['-Xmx256m', '-XX:+UseSerialGC', '-Xshare:auto', '-cp', classpath, 'ProducerBridge'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const bridge = new BridgeProcess(child, logger, transactionalId);
    const settings = Object.entries(javaClientSettings(config));
    let size = FrameEncoder.stringSize(transactionalId) + 4;
    for (const [k, v] of settings) size += FrameEncoder.stringSize(k) + FrameEncoder.stringSize(v);
    try {
      await bridge.request(
        frame('I', size, (e) => {
          e.string(transactionalId).int(settings.length);
          for (const [k, v] of settings) e.string(k).string(v);
        }),
      );
    } catch (err) {
      // A bridge that could not start must not outlive the attempt (nor keep Node alive).
      child.kill('SIGKILL');
      throw err;
    }
    return bridge;
  }

  /** why this process cannot be used any more, if it cannot */
  get failure(): KafkaBridgeError | null {
    return this.dead;
  }

  /**
   * Transactions may overlap: one begun while the one before it is still open or committing
   * writes its frames once the other's are all written, and so is sent (and parsed by the
   * bridge) while the other commits; it commits only once the other has, and is aborted if the
   * other failed. The bridge reads frames in order, so commits keep their order. One begun
   * after the other has settled does not depend on it.
   */
  transaction<T>(work: (tx: TransactionSender) => Promise<T>): Promise<T> {
    const before = { written: this.lastWritten, committed: this.lastCommitted ?? Promise.resolve() };
    let written!: () => void;
    this.lastWritten = new Promise<void>((resolve) => (written = resolve));
    const outcome = this.runTransaction(work, before, written);
    // Once settled, a transaction no longer decides the fate of the next one begun.
    const settled = () => {
      if (this.lastCommitted === committed) this.lastCommitted = null;
    };
    const committed: Promise<void> = outcome.then(settled, (err: unknown) => {
      settled();
      throw err;
    });
    committed.catch(() => undefined); // the caller of that transaction has its error
    this.lastCommitted = committed;
    return outcome;
  }

  private async runTransaction<T>(
    work: (tx: TransactionSender) => Promise<T>,
    before: { written: Promise<void>; committed: Promise<void> },
    written: () => void,
  ): Promise<T> {
    let result: T;
    try {
      await before.written;
      await this.write(frame('B', 0));
      result = await work({
        send: (topic, messages) => this.sendFrames(topic, messages),
        sendOffsets: (groupId, topic, offsets) =>
          this.write(
            frame(
              'O',
              FrameEncoder.stringSize(groupId) + FrameEncoder.stringSize(topic) + 4 + offsets.length * 12,
              (e) => {
                e.string(groupId).string(topic).int(offsets.length);
                for (const o of offsets) e.int(o.partition).long(BigInt(o.offset));
              },
            ),
          ),
      });
      await before.committed.catch((err: Error) => {
        const bridge = err instanceof KafkaBridgeError ? err : null;
        throw new KafkaBridgeError(
          `the transaction before this one failed: ${err.message}`,
          bridge?.fatal ?? false,
          bridge?.fenced ?? false,
          { cause: err },
        );
      });
    } catch (err) {
      // The abort is queued before the next transaction's frames.
      const aborted = this.dead ? null : this.request(frame('A', 0));
      written();
      await aborted?.catch(() => undefined);
      throw err;
    }
    const committed = this.request(frame('C', 0));
    written();
    await committed;
    return result;
  }

  async disconnect(): Promise<void> {
    await this.lastWritten; // a quit between a transaction's frames would be read as one of them
    if (!this.dead) await this.request(frame('Q', 0)).catch(() => undefined);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000).unref();
      await exited;
      clearTimeout(timer);
    }
  }

  /**
   * Writes the messages' 'S' frames straight into buffers of about WRITE_CHUNK_BYTES each,
   * no intermediate buffer per message: fewer, larger writes to the child's stdin.
   */
  private async sendFrames(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const topicBytes = Buffer.from(topic);
    const topicSize = 4 + topicBytes.length;
    let from = 0;
    while (from < messages.length) {
      let bound = 0;
      let to = from;
      while (to < messages.length && bound < WRITE_CHUNK_BYTES)
        bound += topicSize + sendFrameBound(messages[to++]!);
      const pooled = bound <= CHUNK_BUFFER_BYTES;
      const chunk = pooled ? (this.spareChunks.pop() ?? Buffer.allocUnsafe(CHUNK_BUFFER_BYTES)) : null;
      const e = new FrameEncoder(chunk ?? bound);
      for (let i = from; i < to; i++) {
        const m = messages[i]!;
        const start = e.mark();
        e.int(0)
          .byte('S')
          .bytes(topicBytes)
          .int(m.partition ?? -1)
          .value(m.key)
          .value(m.value);
        if (m.headers) {
          const names = Object.keys(m.headers);
          e.int(names.length);
          for (const k of names) e.string(k).value(m.headers[k]!);
        } else e.int(0);
        e.patchLength(start);
      }
      from = to;
      await this.write(e.done(), () => {
        if (chunk && this.spareChunks.length < SPARE_CHUNK_BUFFERS) this.spareChunks.push(chunk);
      });
    }
  }

  /** `written` is called once the pipe has taken all of `buf` (not if the write fails). */
  private async write(buf: Buffer, written?: () => void): Promise<void> {
    if (this.dead) throw this.dead;
    const callback = written && ((err?: Error | null) => err || written());
    if (!this.child.stdin.write(buf, callback)) {
      await Promise.race([once(this.child.stdin, 'drain'), this.exited]);
    }
  }

  private async request(buf: Buffer): Promise<void> {
    const reply = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    // A write that fails (the bridge died while the pipe was full) throws before the reply is
    // awaited, and the bridge's exit then rejects the reply too: that second rejection must
    // not go unhandled, or it ends the whole process (found by the chaos suite).
    reply.catch(() => undefined);
    await this.write(buf);
    await reply;
  }

  private onReplyBytes(chunk: Buffer): void {
    this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    while (this.received.length >= 5) {
      const len = this.received.readInt32BE(1);
      if (this.received.length < 5 + len) return;
      const status = this.received[0]!;
      const message = this.received.subarray(5, 5 + len).toString('utf8');
      this.received = this.received.subarray(5 + len);
      const waiter = this.waiting.shift();
      if (!waiter) continue;
      if (status === Status.Ok) waiter.resolve();
      else {
        const err =
          status === Status.Fenced
            ? new KafkaBridgeError(
                `another producer has taken over transactional id ${this.transactionalId}: ${message}`,
                true,
                true,
              )
            : new KafkaBridgeError(message, status !== Status.Aborted);
        if (err.fatal) this.dead = err;
        waiter.reject(err);
      }
    }
  }

  private fail(err: KafkaBridgeError): void {
    this.dead ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}
