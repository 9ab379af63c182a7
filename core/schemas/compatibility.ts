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

function compare(reader: avro.Type, writer: avro.Type, path: string, out: string[]): void {
  if (reader instanceof avro.types.RecordType && writer instanceof avro.types.RecordType) {
    for (const field of reader.fields) {
      const names = [field.name, ...field.aliases];
      const old = writer.fields.find((f) => names.includes(f.name));
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
  try {
    reader.createResolver(writer);
  } catch (err) {
    out.push(`${path}: ${(err as Error).message}`);
  }
}
