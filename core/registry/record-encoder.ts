import avro from 'avsc';

// A record's Avro binary encoding is its fields' encodings one after the other, so a record
// can be written field by field and some fields' bytes can come from elsewhere:
// - shared fields hold immutable objects that many records share (a DSR block's resources,
//   release and summary are the same objects for every usage line of the block): each object
//   is encoded once and its bytes are kept, by identity, for as long as the object lives;
// - spliced fields are handed over already encoded (a usage line as it came off its topic,
//   carried whole inside a MatchedUsage).
// The bytes are exactly what the record's own type writes (record-encoder.test.ts).

interface FieldLike {
  name: string;
  type: avro.Type;
}

type Step =
  | { kind: 'plain'; type: avro.Type }
  | { kind: 'shared'; name: string; write: (value: unknown, out: Writer) => void }
  | { kind: 'spliced'; name: string; type: avro.Type };

/** Where a record is written: a buffer, and how far it is written. */
interface Writer {
  buf: Buffer;
  pos: number;
}

export interface RecordEncoderOptions {
  /** fields whose values (objects, or arrays of objects) are shared by many records, never changed */
  shared?: readonly string[];
  /** fields whose encoding may be passed to `write` as bytes */
  spliced?: readonly string[];
}

export class RecordEncoder {
  private readonly steps: Step[] = [];

  constructor(type: avro.Type, options: RecordEncoderOptions = {}) {
    const fields = (type as unknown as { fields?: FieldLike[] }).fields;
    if (!fields) throw new Error(`${type.name ?? type.typeName} is not a record type`);
    const shared = new Set(options.shared ?? []);
    const spliced = new Set(options.spliced ?? []);
    for (const name of [...shared, ...spliced]) {
      if (!fields.some((f) => f.name === name)) throw new Error(`${type.name} has no field ${name}`);
    }
    let run: FieldLike[] = [];
    const endRun = () => {
      if (run.length === 0) return;
      const schema = { type: 'record', name: `${type.name}Part${this.steps.length}`, fields: run };
      this.steps.push({ kind: 'plain', type: avro.Type.forSchema(schema as avro.Schema) });
      run = [];
    };
    for (const f of fields) {
      if (shared.has(f.name)) {
        endRun();
        this.steps.push({ kind: 'shared', name: f.name, write: sharedWriter(f.type) });
      } else if (spliced.has(f.name)) {
        endRun();
        this.steps.push({ kind: 'spliced', name: f.name, type: f.type });
      } else run.push({ name: f.name, type: f.type });
    }
    endRun();
  }

  /**
   * Writes `value` into `buf` from `pos`; a spliced field named in `given` is written as those
   * bytes (its value in `value` is not read). Returns the end, or a negative number when `buf`
   * is too small: at least the bytes missing so far (more may be missing after them).
   */
  write(value: Record<string, unknown>, buf: Buffer, pos: number, given?: Record<string, Buffer>): number {
    const out: Writer = { buf, pos };
    for (const step of this.steps) {
      if (step.kind === 'plain') {
        const end = step.type.encode(value, buf, out.pos);
        if (end < 0) return end;
        out.pos = end;
      } else if (step.kind === 'shared') {
        step.write(value[step.name], out);
      } else {
        const bytes = given?.[step.name];
        if (bytes) copy(bytes, out);
        else {
          const end = step.type.encode(value[step.name], buf, out.pos);
          if (end < 0) return end;
          out.pos = end;
        }
      }
      if (out.pos > buf.length) return buf.length - out.pos;
    }
    return out.pos;
  }
}

/** Copies bytes to the writer; past the buffer's end only the position moves (the caller grows it). */
function copy(bytes: Buffer, out: Writer): void {
  if (out.pos + bytes.length <= out.buf.length) bytes.copy(out.buf, out.pos);
  out.pos += bytes.length;
}

/** One object's encoding, once per object: by identity, dropped with the object. */
function memo(type: avro.Type): (value: unknown) => Buffer {
  const cache = new WeakMap<object, Buffer>();
  let nullBytes: Buffer | null = null;
  return (value) => {
    if (value === null || typeof value !== 'object') {
      // null in a union, or a plain value: cheap, and not a WeakMap key
      if (value === null) return (nullBytes ??= type.toBuffer(null));
      return type.toBuffer(value);
    }
    let bytes = cache.get(value);
    if (!bytes) cache.set(value, (bytes = type.toBuffer(value)));
    return bytes;
  };
}

/** The writer of a shared field: an object (or null) by identity; an array item by item. */
function sharedWriter(type: avro.Type): (value: unknown, out: Writer) => void {
  if (type.typeName === 'array') {
    const item = memo((type as unknown as { itemsType: avro.Type }).itemsType);
    return (value, out) => {
      const items = value as unknown[];
      // An array is written as one block: its count, the items, then an empty block.
      if (items.length > 0) {
        writeLong(items.length, out);
        for (const v of items) copy(item(v), out);
      }
      writeLong(0, out);
    };
  }
  const whole = memo(type);
  return (value, out) => copy(whole(value), out);
}

/** Avro's long: zig-zag, then base-128 varint (counts here are small and non-negative). */
function writeLong(n: number, out: Writer): void {
  let z = n * 2;
  while (z >= 0x80) {
    if (out.pos < out.buf.length) out.buf[out.pos] = (z & 0x7f) | 0x80;
    out.pos++;
    z = Math.floor(z / 128);
  }
  if (out.pos < out.buf.length) out.buf[out.pos] = z;
  out.pos++;
}
