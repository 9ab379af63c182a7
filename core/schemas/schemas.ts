import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import type { SchemaName } from './types.ts';

// The .avsc files beside this module are the source of truth. A schema may refer to a
// named type defined in another file (MatchedUsage embeds dev.tallyline.UsageLine); for
// the registry each schema is made self-contained by inlining the first reference to
// each such type, as Avro IDL tools do.

const schemaDir = path.dirname(fileURLToPath(import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LoadedSchema {
  name: SchemaName;
  /** the self-contained schema, as registered */
  text: string;
  type: avro.Type;
}

function readAll(): Map<string, { file: string; json: Json }> {
  const byFullName = new Map<string, { file: string; json: Json }>();
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.avsc'))) {
    const json = JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as Json;
    const record = json as { name: string; namespace?: string };
    byFullName.set(record.namespace ? `${record.namespace}.${record.name}` : record.name, {
      file: file.replace(/\.avsc$/, ''),
      json,
    });
    // Named types nested inside a file can be referenced from other files too.
    collectNested(json, record.namespace ?? '', (full, node) => {
      if (!byFullName.has(full)) byFullName.set(full, { file: '', json: node });
    });
  }
  return byFullName;
}

function collectNested(node: Json, namespace: string, add: (fullName: string, node: Json) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => collectNested(n, namespace, add));
  if (node === null || typeof node !== 'object') return;
  const ns = typeof node.namespace === 'string' ? node.namespace : namespace;
  if (typeof node.name === 'string' && ['record', 'enum', 'fixed'].includes(node.type as string)) {
    add(node.name.includes('.') ? node.name : `${ns}.${node.name}`, node);
  }
  for (const key of ['fields', 'type', 'items', 'values'] as const) {
    if (key in node) collectNested(node[key] as Json, ns, add);
  }
}

function inline(
  node: Json,
  known: Map<string, { json: Json }>,
  defined: Set<string>,
  namespace: string,
): Json {
  if (typeof node === 'string') {
    const full = node.includes('.') ? node : `${namespace}.${node}`;
    const target = known.get(full);
    if (target && !defined.has(full)) {
      return inline(structuredClone(target.json), known, defined, namespace);
    }
    return node;
  }
  if (Array.isArray(node)) return node.map((n) => inline(n, known, defined, namespace));
  if (node === null || typeof node !== 'object') return node;
  const ns = typeof node.namespace === 'string' ? node.namespace : namespace;
  if (typeof node.name === 'string' && ['record', 'enum', 'fixed'].includes(node.type as string)) {
    defined.add(node.name.includes('.') ? node.name : `${ns}.${node.name}`);
  }
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = ['fields', 'type', 'items', 'values'].includes(key)
      ? inline(value, known, defined, ns)
      : value;
  }
  return out;
}

let cache: Map<SchemaName, LoadedSchema> | undefined;

/** Every schema of the repo, self-contained and parsed. */
export function loadSchemas(): Map<SchemaName, LoadedSchema> {
  if (cache) return cache;
  const known = readAll();
  const result = new Map<SchemaName, LoadedSchema>();
  for (const { file, json } of known.values()) {
    if (!file) continue;
    const self = inline(json, known, new Set(), '');
    const text = JSON.stringify(self);
    result.set(file as SchemaName, {
      name: file as SchemaName,
      text,
      type: avro.Type.forSchema(self as avro.Schema, {
        logicalTypes: { 'timestamp-millis': TimestampMillis },
      }),
    });
  }
  cache = result;
  return result;
}

export function loadSchema(name: SchemaName): LoadedSchema {
  const schema = loadSchemas().get(name);
  if (!schema) throw new Error(`no schema ${name}.avsc in ${schemaDir}`);
  return schema;
}

/** timestamp-millis as a JavaScript Date. */
class TimestampMillis extends avro.types.LogicalType {
  override _fromValue(value: number): Date {
    return new Date(value);
  }
  override _toValue(value: unknown): number | undefined {
    return value instanceof Date ? value.getTime() : typeof value === 'number' ? value : undefined;
  }
  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis')) return this._fromValue.bind(this);
    return undefined;
  }
}

export const logicalTypes = { 'timestamp-millis': TimestampMillis };
