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
//   reply  = byte status (0 ok, 1 error, 2 fatal: the producer is unusable), string message
// Errors of 'B', 'S' and 'O' are kept and reported by the next 'C', which then aborts.
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class ProducerBridge {
  private final DataInputStream in;
  private final DataOutputStream out;
  private KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  private ProducerBridge(DataInputStream in, DataOutputStream out) {
    this.in = in;
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 12));
    // Anything a library prints goes to stderr, never into the reply stream.
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 20));
    new ProducerBridge(in, out).serve();
  }

  private void serve() throws IOException {
    try {
      for (;;) {
        in.readInt(); // frame length: the fields are read in order, so it only guards framing
        byte op = in.readByte();
        switch (op) {
          case 'I' -> reply(init());
          case 'B' -> guard(() -> producer.beginTransaction());
          case 'S' -> send();
          case 'O' -> offsets();
          case 'C' -> reply(commit());
          case 'A' -> reply(abort());
          case 'Q' -> {
            close(Duration.ofSeconds(30));
            reply(null);
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

  private Exception init() throws IOException {
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
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private void send() throws IOException {
    String topic = readString();
    int partition = in.readInt();
    byte[] key = readBytes();
    byte[] value = readBytes();
    int n = in.readInt();
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < n; i++) headers.add(readString(), readBytes());
    if (failure.get() != null) return; // the transaction is lost already; commit reports why
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, partition < 0 ? null : partition, key, value, headers);
    guard(
        () ->
            producer.send(
                record,
                (meta, err) -> {
                  if (err != null) failure.compareAndSet(null, err);
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

  private Exception commit() {
    Exception err = failure.getAndSet(null);
    if (err == null) {
      try {
        producer.commitTransaction();
        return null;
      } catch (Exception e) {
        err = e;
      }
    }
    Exception abortErr = abort();
    return abortErr != null && isFatal(abortErr) ? abortErr : err;
  }

  private Exception abort() {
    failure.set(null);
    try {
      producer.abortTransaction();
      return null;
    } catch (Exception e) {
      return e;
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

  private static boolean isFatal(Exception e) {
    return e instanceof ProducerFencedException
        || e instanceof AuthorizationException
        || e instanceof UnsupportedVersionException
        || (e instanceof KafkaException && e.getMessage() != null && e.getMessage().contains("fatal"));
  }

  private void reply(Exception err) throws IOException {
    out.writeByte(err == null ? 0 : isFatal(err) ? 2 : 1);
    byte[] message =
        (err == null ? "" : err.getClass().getSimpleName() + ": " + err.getMessage())
            .getBytes(StandardCharsets.UTF_8);
    out.writeInt(message.length);
    out.write(message);
    out.flush();
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
}
