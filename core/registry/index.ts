export { createRegistryClient, isNotFound, valueSubject, Compatibility } from './client.ts';
export type { SchemaRegistryClient } from './client.ts';
export { checkSchemas } from './check.ts';
export type { SchemaReport, SchemaState } from './check.ts';
export { AvroSerde, SerdeError, type FieldEncoder } from './serde.ts';
export type { RecordEncoderOptions } from './record-encoder.ts';
export type { Selection } from './projection.ts';
