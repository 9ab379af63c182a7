import type { Release, Resource } from '../../core/schemas/index.ts';
import { key, pos } from './layout-cells.ts';
import type { RecordLayout } from './record-types.ts';
import type { DsrErrorClass } from './types.ts';

/** A dead-lettered line that later lines may depend on (they become ORPHANED, naming it). */
export interface DeadRef {
  lineNumber: number;
  errorClass: DsrErrorClass;
  message: string;
  recordType: string;
}

export interface ResourceEntry {
  resource: Resource;
  lineNumber: number;
  /** a dead-lettered MW01 line describing this resource's work */
  workDead: DeadRef | null;
}

export interface ReleaseEntry {
  release: Release;
  lineNumber: number;
  recordType: string;
  /** RE02 sub-releases list their resources; RE01 (head release) covers the whole block */
  usedResources: string[] | null;
}

/** A block of the file: the releases, resources and works its usage lines refer to. */
export class Block {
  readonly releases = new Map<string, ReleaseEntry>();
  headRelease: ReleaseEntry | null = null;
  headReleaseDead: DeadRef | null = null;
  readonly resources = new Map<string, ResourceEntry>();
  readonly order: ResourceEntry[] = [];
  readonly deadReleases = new Map<string, DeadRef>();
  readonly deadResources = new Map<string, DeadRef>();
  /** a dead line of this block whose own reference could not be read */
  unkeyedDead: DeadRef | null = null;
  lastResource: ResourceEntry | null = null;
  lastResourceDead: DeadRef | null = null;

  constructor(
    readonly id: string,
    readonly firstLine: number,
  ) {}
}
/** The resource a musical-work record describes: named by ResourceReference (MW01.02) or the preceding one. */
export function workTarget(b: Block, L: RecordLayout, vals: string[]): ResourceEntry | null {
  const ref = key(vals, pos(L, 'ResourceReference'));
  if (ref !== '') return b.resources.get(ref) ?? null;
  return b.lastResource;
}
