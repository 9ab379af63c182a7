// A transactional Kafka producer for tallyline's Node processes, run as a child process
// (core/kafka/jvm-producer.ts). KafkaJS encodes record batches in JavaScript and tops out
// near 35k messages/s inside transactions; Apache Kafka's own Java client does this work
// natively in another process, on the machine's other core.
//
// Protocol: frames on stdin, replies on stdout (stdout carries nothing else).
//   frame  = int32 length, byte op, payload           (big-endian, as DataInput reads)
//   string = int32 length + UTF-8;  bytes = int32 length (-1 for null) + bytes
//   'I' init: string transactionalId, int32 n, n × (string key, string value) → reply
//   'B' begin                                                                → no reply
//   'S' send: string topic, int32 partition (-1: by key), bytes key, bytes value,
//             int32 n, n × (string name, bytes value)                        → no reply
//   'O' offsets: string group, string topic, int32 n, n × (int32 partition, int64 offset)
//   'C' commit                                                              → reply
//   'A' abort                                                               → reply
//   'Q' quit                                                                → reply, exit
//   reply  = byte status, string message. Status: 0 ok; 1 the transaction failed and was
//            aborted, the producer goes on; 2 fatal, this producer is unusable (a new one with
//            the same id may be started); 3 fenced, another producer has taken the id.
// Errors of 'B', 'S' and 'O' are kept and reported by the next 'C', which then aborts. Each
// transaction has a generation: a late send callback of an aborted one cannot fail the next.
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class ProducerBridge {
  private static final int OK = 0;
  private static final int ABORTED = 1;
  private static final int FATAL = 2;
  private static final int FENCED = 3;
  /** commitTransaction may be retried after a timeout; then the producer is given up */
  private static final int COMMIT_ATTEMPTS = 3;

  private record Result(int status, Exception error) {
    static final Result SUCCESS = new Result(OK, null);
  }

  private final FrameInput in;
  private final DataOutputStream out;
  private KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private volatile int generation = 0;

  private ProducerBridge(FrameInput in, DataOutputStream out) {
    this.in = in;
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 12));
    // Anything a library prints goes to stderr, never into the reply stream.
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    new ProducerBridge(new FrameInput(System.in), out).serve();
  }

  private void serve() throws IOException {
    try {
      for (;;) {
        in.readInt(); // frame length: the fields are read in order, so it only guards framing
        byte op = in.readByte();
        switch (op) {
          case 'I' -> reply(init());
          case 'B' -> begin();
          case 'S' -> send();
          case 'O' -> offsets();
          case 'C' -> reply(commit());
          case 'A' -> reply(abort(null));
          case 'Q' -> {
            close(Duration.ofSeconds(30));
            reply(Result.SUCCESS);
            return;
          }
          default -> throw new IOException("unknown op " + op);
        }
      }
    } catch (EOFException eof) {
      // The Node process went away: an open transaction is aborted by the broker
      // (or fenced by the next producer with the same transactional id).
      close(Duration.ZERO);
    }
  }

  private Result init() throws IOException {
    String transactionalId = readString();
    int n = in.readInt();
    Map<String, String> settings = new HashMap<>();
    for (int i = 0; i < n; i++) settings.put(readString(), readString());
    Properties props = new Properties();
    props.putAll(settings);
    props.put("transactional.id", transactionalId);
    props.put("enable.idempotence", "true");
    props.put("acks", "all");
    props.putIfAbsent("linger.ms", "5");
    props.putIfAbsent("batch.size", Integer.toString(256 * 1024));
    // No compression: KafkaJS consumers read only uncompressed and gzip batches.
    props.putIfAbsent("compression.type", "none");
    try {
      producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
      producer.initTransactions();
      return Result.SUCCESS;
    } catch (Exception e) {
      return new Result(classify(e, FATAL), e);
    }
  }

  private void begin() {
    generation++;
    failure.set(null);
    guard(() -> producer.beginTransaction());
  }

  private void send() throws IOException {
    String topic = in.readTopic();
    int partition = in.readInt();
    byte[] key = readBytes();
    byte[] value = readBytes();
    int n = in.readInt();
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < n; i++) headers.add(readString(), readBytes());
    if (failure.get() != null) return; // the transaction is lost already; commit reports why
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, partition < 0 ? null : partition, key, value, headers);
    int sentIn = generation;
    guard(
        () ->
            producer.send(
                record,
                (meta, err) -> {
                  if (err != null && sentIn == generation) failure.compareAndSet(null, err);
                }));
  }

  private void offsets() throws IOException {
    String group = readString();
    String topic = readString();
    int n = in.readInt();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int partition = in.readInt();
      long offset = in.readLong();
      offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset));
    }
    guard(() -> producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(group)));
  }

  private Result commit() {
    Exception err = failure.get();
    if (err == null) {
      for (int attempt = 1; ; attempt++) {
        try {
          producer.commitTransaction();
          return Result.SUCCESS;
        } catch (TimeoutException e) {
          // The commit's outcome is unknown; Kafka allows retrying it, and nothing else.
          if (attempt == COMMIT_ATTEMPTS) return new Result(FATAL, e);
        } catch (Exception e) {
          err = e;
          break;
        }
      }
    }
    return abort(err);
  }

  /** Aborts; `cause` is what failed the transaction, reported unless the abort fails worse. */
  private Result abort(Exception cause) {
    int status = cause == null ? OK : classify(cause, ABORTED);
    if (status == FENCED || status == FATAL) return new Result(status, cause);
    try {
      producer.abortTransaction();
      return cause == null ? Result.SUCCESS : new Result(ABORTED, cause);
    } catch (Exception e) {
      return new Result(classify(e, FATAL), cause != null ? cause : e);
    }
  }

  private void close(Duration timeout) {
    if (producer != null) producer.close(timeout);
    producer = null;
  }

  private void guard(Runnable action) {
    if (failure.get() != null) return;
    try {
      action.run();
    } catch (Exception e) {
      failure.compareAndSet(null, e);
    }
  }

  /** How bad an exception is for this producer; `otherwise` for the ordinary ones. */
  private static int classify(Exception e, int otherwise) {
    if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) return FENCED;
    if (e instanceof AuthorizationException
        || e instanceof UnsupportedVersionException
        || e instanceof OutOfOrderSequenceException
        || e instanceof IllegalStateException) return FATAL;
    return otherwise;
  }

  private void reply(Result result) throws IOException {
    Exception err = result.error();
    out.writeByte(result.status());
    byte[] message = describe(err).getBytes(StandardCharsets.UTF_8);
    out.writeInt(message.length);
    out.write(message);
    out.flush();
  }

  /** The exception and its causes, each as "Class: message". */
  private static String describe(Throwable err) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (text.length() > 0) text.append(", caused by ");
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return text.toString();
  }

  private String readString() throws IOException {
    byte[] b = readBytes();
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  private byte[] readBytes() throws IOException {
    int n = in.readInt();
    if (n < 0) return null;
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /**
   * The frames' fields, read from stdin through one buffer. DataInputStream over a
   * BufferedInputStream takes a lock per byte of every int, six ints per record; and a send
   * frame's topic, the same in every frame of a batch, is decoded once, not once per record.
   */
  private static final class FrameInput {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 20];
    private int pos;
    private int limit;
    private byte[] topicBytes = new byte[0];
    private String topic = "";

    FrameInput(InputStream in) {
      this.in = in;
    }

    /** Makes `n` bytes (at most the buffer's size) readable at `pos`. */
    private void need(int n) throws IOException {
      if (limit - pos >= n) return;
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
      while (limit < n) {
        int read = in.read(buf, limit, buf.length - limit);
        if (read < 0) throw new EOFException();
        limit += read;
      }
    }

    byte readByte() throws IOException {
      need(1);
      return buf[pos++];
    }

    int readInt() throws IOException {
      need(4);
      int p = pos;
      pos = p + 4;
      return (buf[p] & 0xff) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8 | (buf[p + 3] & 0xff);
    }

    long readLong() throws IOException {
      long high = readInt();
      return high << 32 | (readInt() & 0xffffffffL);
    }

    void readFully(byte[] b) throws IOException {
      int done = 0;
      while (done < b.length) {
        if (pos == limit) need(1);
        int n = Math.min(b.length - done, limit - pos);
        System.arraycopy(buf, pos, b, done, n);
        pos += n;
        done += n;
      }
    }

    /** A string field that is most often the same as the last one read here. */
    String readTopic() throws IOException {
      int n = readInt();
      if (n < 0) return "";
      if (n > buf.length) {
        byte[] b = new byte[n];
        readFully(b);
        return new String(b, StandardCharsets.UTF_8);
      }
      need(n);
      if (!Arrays.equals(buf, pos, pos + n, topicBytes, 0, topicBytes.length)) {
        topicBytes = Arrays.copyOfRange(buf, pos, pos + n);
        topic = new String(topicBytes, StandardCharsets.UTF_8);
      }
      pos += n;
      return topic;
    }
  }
}
