import type avro from 'avsc';

// A projection of a record schema: the same named records with only some of their fields.
// Read through Avro schema resolution, a record written with the whole schema decodes into
// the projection and the fields left out are skipped, never decoded (the matcher needs a
// few fields of a usage line, not its 35 strings).

/** Fields to keep, by name; a nested selection keeps some fields of a record field's record. */
export interface Selection {
  [field: string]: true | Selection;
}

type SchemaNode = avro.Schema | SchemaNode[];

interface RecordNode {
  type: 'record';
  name: string;
  namespace?: string;
  fields: { name: string; type: SchemaNode; default?: unknown }[];
}

function isRecord(node: SchemaNode): node is SchemaNode & RecordNode {
  return typeof node === 'object' && !Array.isArray(node) && (node as { type?: unknown }).type === 'record';
}

/** The schema with only the selected fields of its record (and of nested records). */
export function projectSchema(schema: avro.Schema, selection: Selection): avro.Schema {
  return projectNode(schema, selection, 'the schema') as avro.Schema;
}

function projectNode(node: SchemaNode, selection: Selection, where: string): SchemaNode {
  if (Array.isArray(node))
    return node.map((branch) => (branch === 'null' ? branch : projectNode(branch, selection, where)));
  if (typeof node === 'object' && (node as { type?: unknown }).type === 'array') {
    const array = node as { type: 'array'; items: SchemaNode };
    return { ...array, items: projectNode(array.items, selection, where) } as avro.Schema;
  }
  if (!isRecord(node))
    throw new Error(`${where} is not a record (nor an array or union of one): cannot select its fields`);
  const fields = Object.entries(selection).map(([name, sub]) => {
    const field = node.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${node.name} has no field ${name}`);
    return sub === true ? field : { ...field, type: projectNode(field.type, sub, `${node.name}.${name}`) };
  });
  const record: RecordNode = node;
  return { ...record, fields } as avro.Schema;
}
