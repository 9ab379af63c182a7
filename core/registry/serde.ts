import avro from 'avsc';
import { type SchemaName, type SchemaTypes, loadSchema, logicalTypes } from '../schemas/index.ts';
import { isNotFound, valueSubject, type SchemaRegistryClient } from './client.ts';
import { projectSchema, type Selection } from './projection.ts';
import { RecordEncoder, type RecordEncoderOptions } from './record-encoder.ts';
import { TallylineError } from '../errors/index.ts';

// Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian integer, then
// the Avro binary encoding. Records are encoded with the repo's schema (its registry id is
// looked up once) and decoded into the repo's schema, resolving from whatever schema the
// writer used, so a consumer always sees the shape its code was written for.
//
// The registry is reached through @confluentinc/schemaregistry's client (caching, auth,
// retries); the per-record framing is done here with avsc, synchronously, because the
// library's AvroSerializer is async per record and runs its rule engine on each one
// (measured ~80k records/s on one core, against several times that here). Interop with the
// library's AvroSerializer/AvroDeserializer is proven both ways in serde.test.ts.

const MAGIC = 0;
const HEADER = 5;
/**
 * Records are written straight into a slab and handed out as views of it, until it is full:
 * no copy per record, and one allocation per slab instead of one per few records (a Buffer
 * of a few hundred bytes comes from Node's 8 KB pool, and allocating those pools was ~8 % of
 * the matcher's time). A record kept for long keeps its slab: `Buffer.from` it to keep it.
 * One thread, and encoding is synchronous: shared by all serdes.
 */
const SLAB_BYTES = 256 * 1024;
let slab = Buffer.allocUnsafe(SLAB_BYTES);
let slabUsed = 0;

/** The schema id of a framed record, or null when it is not framed. */
function writerIdOf(payload: Buffer): number | null {
  return payload.length >= HEADER && payload.readUInt8(0) === MAGIC ? payload.readUInt32BE(1) : null;
}

export class SerdeError extends TallylineError<
  'NOT_REGISTERED' | 'BAD_FRAME' | 'UNKNOWN_SCHEMA_ID' | 'UNDECODABLE'
> {
  constructor(code: SerdeError['code'], message: string) {
    // a record that cannot be read is bad data; a schema not registered is a setup fault
    super(code, message, code === 'NOT_REGISTERED' ? 'failed' : 'unprocessable');
  }
}

/** Encodes one schema's records with some fields' bytes cached or given (AvroSerde.recordEncoder). */
export interface FieldEncoder<N extends SchemaName> {
  /** the framed record */
  encode(value: SchemaTypes[N]): Buffer;
  /** the framed record, its spliced fields written as the bytes given for them */
  splice<K extends keyof SchemaTypes[N] & string>(
    value: Omit<SchemaTypes[N], K>,
    given: Record<K, Buffer>,
  ): Buffer;
}

export class AvroSerde<N extends SchemaName> {
  private readonly resolvers = new Map<number, avro.Resolver | null>();

  private constructor(
    private readonly client: SchemaRegistryClient,
    readonly subject: string,
    readonly schemaName: N,
    readonly schemaId: number,
    private readonly type: avro.Type,
  ) {}

  /** The serde of a topic's value; the repo schema must be registered (`tallyline schemas check`). */
  static async forTopic<N extends SchemaName>(
    client: SchemaRegistryClient,
    topic: string,
    schemaName: N,
  ): Promise<AvroSerde<N>> {
    const schema = loadSchema(schemaName);
    const subject = valueSubject(topic);
    const id = await client
      .getId(subject, { schemaType: 'AVRO', schema: schema.text })
      .catch((err: unknown) => {
        if (isNotFound(err)) {
          throw new SerdeError(
            'NOT_REGISTERED',
            `schema ${schemaName} is not registered under ${subject}: run \`tallyline schemas check\``,
          );
        }
        throw err;
      });
    return new AvroSerde(client, subject, schemaName, id, schema.type);
  }

  /**
   * Written once, header and body, into the current slab: avsc's toBuffer writes a record
   * over 1 KB twice, and the header cost another copy.
   */
  encode(value: SchemaTypes[N]): Buffer {
    return this.frame((buf, pos) => this.type.encode(value, buf, pos));
  }

  /**
   * An encoder of this serde's records written field by field (record-encoder.ts): shared
   * fields' objects are encoded once each, spliced fields may be given as bytes.
   */
  recordEncoder(options: RecordEncoderOptions): FieldEncoder<N> {
    const fields = new RecordEncoder(this.type, options);
    const write = (value: object, given?: Record<string, Buffer>) =>
      this.frame((buf, pos) => fields.write(value as Record<string, unknown>, buf, pos, given));
    return { encode: (value) => write(value), splice: (value, given) => write(value, given) };
  }

  /**
   * The Avro body of a framed record written with this serde's own schema, as it is (a view,
   * not a copy): what `recordEncoder`'s spliced fields take. Null when another schema wrote it.
   */
  ownBody(payload: Buffer): Buffer | null {
    return writerIdOf(payload) === this.schemaId ? payload.subarray(HEADER) : null;
  }

  private frame(write: (buf: Buffer, pos: number) => number): Buffer {
    let start = slabUsed;
    let end = write(slab, start + HEADER);
    // A negative end: the record did not fit, at least -end more bytes were needed (a new
    // slab; one larger than usual for a record larger than a slab).
    while (end < 0) {
      slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (slab.length - start - end)));
      start = 0;
      end = write(slab, HEADER);
    }
    slab[start] = MAGIC;
    slab.writeUInt32BE(this.schemaId, start + 1);
    slabUsed = end;
    return slab.subarray(start, end);
  }

  async decode(payload: Buffer): Promise<SchemaTypes[N]> {
    return this.read(this.type, this.resolvers, payload) as Promise<SchemaTypes[N]>;
  }

  /**
   * A reader of this serde's records that decodes only the selected fields (projection.ts):
   * the others are skipped, not turned into strings. `T` is the caller's type of the
   * selection.
   */
  projection<T>(selection: Selection): { decode(payload: Buffer): Promise<T> } {
    const type = avro.Type.forSchema(projectSchema(this.type.schema(), selection), { logicalTypes });
    const resolvers = new Map<number, avro.Resolver | null>();
    return { decode: (payload) => this.read(type, resolvers, payload) as Promise<T> };
  }

  private async read(reader: avro.Type, resolvers: Map<number, avro.Resolver | null>, payload: Buffer) {
    const writerId = writerIdOf(payload);
    if (writerId === null) {
      throw new SerdeError('BAD_FRAME', `not a schema-registry framed Avro record (${payload.length} bytes)`);
    }
    let resolver = resolvers.get(writerId);
    if (resolver === undefined) {
      const writer = writerId === this.schemaId ? this.type : await this.writerType(writerId);
      resolver = reader.equals(writer) ? null : reader.createResolver(writer);
      resolvers.set(writerId, resolver);
    }
    try {
      return reader.fromBuffer(payload.subarray(HEADER), resolver ?? undefined) as unknown;
    } catch (err) {
      throw new SerdeError('UNDECODABLE', `schema id ${writerId}: ${(err as Error).message}`);
    }
  }

  private async writerType(id: number): Promise<avro.Type> {
    const info = await this.client.getBySubjectAndId(this.subject, id).catch((err: unknown) => {
      throw new SerdeError('UNKNOWN_SCHEMA_ID', `schema id ${id}: ${(err as Error).message}`);
    });
    return avro.Type.forSchema(JSON.parse(info.schema) as avro.Schema, { logicalTypes });
  }
}
