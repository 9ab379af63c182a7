import avro from 'avsc';

/**
 * Why a reader schema cannot read data written with a writer schema (BACKWARD:
 * the new schema reads the old data), one problem per field, with the field's path.
 * The registry gives a yes or no (Apicurio ignores `?verbose=true`); this names the field.
 */
export function backwardProblems(reader: avro.Type, writer: avro.Type, path = reader.name ?? ''): string[] {
  const problems: string[] = [];
  compare(reader, writer, path, problems);
  return problems;
}

type Field = { name: string; aliases: string[]; type: avro.Type; defaultValue(): unknown };

function compare(reader: avro.Type, writer: avro.Type, path: string, out: string[]): void {
  const kind = reader.typeName;
  if (kind === 'record' && writer.typeName === 'record') {
    const writerFields = (writer as unknown as { fields: Field[] }).fields;
    for (const field of (reader as unknown as { fields: Field[] }).fields) {
      const names = [field.name, ...field.aliases];
      const old = writerFields.find((f) => names.includes(f.name));
      const fieldPath = `${path}.${field.name}`;
      if (!old) {
        if (field.defaultValue() === undefined) {
          out.push(`${fieldPath}: new field without a default, so records written before cannot be read`);
        }
      } else {
        compare(field.type, old.type, fieldPath, out);
      }
    }
    return;
  }
  if (kind === 'array' && writer.typeName === 'array') {
    const items = (t: avro.Type) => (t as unknown as { itemsType: avro.Type }).itemsType;
    return compare(items(reader), items(writer), path, out);
  }
  if (kind === 'map' && writer.typeName === 'map') {
    const values = (t: avro.Type) => (t as unknown as { valuesType: avro.Type }).valuesType;
    return compare(values(reader), values(writer), path, out);
  }
  const readerOptional = optionalOf(reader);
  const writerOptional = optionalOf(writer);
  if (readerOptional && writerOptional) return compare(readerOptional, writerOptional, path, out);
  try {
    reader.createResolver(writer);
  } catch (err) {
    out.push(`${path}: ${(err as Error).message}`);
  }
}

/** The non-null branch of a ["null", T] union. */
function optionalOf(type: avro.Type): avro.Type | null {
  if (!type.typeName.startsWith('union')) return null;
  const types = (type as unknown as { types: avro.Type[] }).types;
  const branches = types.filter((t) => t.typeName !== 'null');
  return types.length === 2 && branches.length === 1 ? branches[0]! : null;
}
