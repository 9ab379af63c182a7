// What a usage line refers to in its block (resources, release), and the dead letters for
// references that do not resolve: ORPHANED when the definition was dead-lettered.
import type { Release, Resource } from '../../../core/schemas/index.ts';
import { quoteValue as q } from '../../../core/values/index.ts';
import type { DsrFileState } from '../parser-state.ts';
import type { Block, DeadRef, ReleaseEntry, ResourceEntry } from '../block.ts';
import { key, listFirst } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { DeadOutcome, InputLine } from '../types.ts';
import type { UsageCells } from './usage.ts';

/** A kind of reference a usage line makes into its block, for `unresolved`. */
export interface RefKind {
  noun: 'resource' | 'release';
  /** the usage cell holding the reference */
  cell: 'TransactedResource' | 'TransactedRelease';
  /** the cell of the referenced record that defines it */
  refName: 'ResourceReference' | 'ReleaseReference';
  known: 'resources' | 'releases';
  dead: 'deadResources' | 'deadReleases';
}

export const RESOURCE_REF: RefKind = {
  noun: 'resource',
  cell: 'TransactedResource',
  refName: 'ResourceReference',
  known: 'resources',
  dead: 'deadResources',
};
export const RELEASE_REF: RefKind = {
  noun: 'release',
  cell: 'TransactedRelease',
  refName: 'ReleaseReference',
  known: 'releases',
  dead: 'deadReleases',
};

export function orphan(
  s: DsrFileState,

  line: InputLine,
  L: RecordLayout,
  what: string,
  root: DeadRef,
  cellName: string,
): DeadOutcome {
  return s.dead(line, L.written, {
    stage: 'validate',
    errorClass: 'ORPHANED',
    cell: cellName,
    rootCauseLine: root.lineNumber,
    message: `${what} is line ${root.lineNumber} (${root.recordType || 'unreadable record'}), which was dead-lettered as ${root.errorClass}: ${root.message} — this line can be replayed once line ${root.lineNumber} is corrected`,
  });
}

export function unresolved(
  s: DsrFileState,

  line: InputLine,
  L: RecordLayout,
  b: Block,
  kind: RefKind,
  ref: string,
  where: string,
): DeadOutcome {
  const { noun, cell } = kind;
  const dead = b[kind.dead].get(ref);
  if (dead !== undefined) return orphan(s, line, L, `${noun} ${ref} (${where}) in block ${b.id}`, dead, cell);
  if (b.unkeyedDead !== null) {
    return orphan(
      s,
      line,
      L,
      `${noun} ${ref} (${where}) is not defined by any readable line of block ${b.id}; the likely definition`,
      b.unkeyedDead,
      cell,
    );
  }
  const known = b[kind.known];
  return s.dead(line, L.written, {
    stage: 'validate',
    errorClass: 'UNKNOWN_REFERENCE',
    cell,
    message: `${L.written} refers to ${noun} ${q(ref)} (${where}), but block ${b.id} has no ${noun} with that ${kind.refName}${
      known.size > 0 ? ` (its ${noun}s: ${listFirst(known.keys())})` : ` (the block has no ${noun} records)`
    }`,
  });
}

export function findRelease(
  s: DsrFileState,

  line: InputLine,
  L: RecordLayout,
  b: Block,
  ref: string,
  u: UsageCells,
): ReleaseEntry | DeadOutcome {
  const entry = b.releases.get(ref);
  if (entry !== undefined) return entry;
  return unresolved(s, line, L, b, RELEASE_REF, ref, `TransactedRelease, cell ${u.rel + 1}`);
}

/** All resources of a release in its block: the whole block for a head release, UsedResources for a sub-release. */
export function releaseResources(
  s: DsrFileState,

  line: InputLine,
  L: RecordLayout,
  b: Block,
  rel: ReleaseEntry,
): Resource[] | DeadOutcome {
  const out: Resource[] = [];
  if (rel.usedResources === null) {
    for (const dead of b.deadResources.values()) {
      return orphan(
        s,
        line,
        L,
        `a resource of release ${rel.release.releaseRef} (usage reported at release level) in block ${b.id}`,
        dead,
        'TransactedRelease',
      );
    }
    for (const e of b.order) {
      if (e.workDead !== null) {
        return orphan(
          s,
          line,
          L,
          `the musical work of resource ${e.resource.resourceRef} of release ${rel.release.releaseRef}`,
          e.workDead,
          'TransactedRelease',
        );
      }
      out.push(e.resource);
    }
    return out;
  }
  for (const ref of rel.usedResources) {
    const e = b.resources.get(ref);
    if (e === undefined)
      return unresolved(
        s,
        line,
        L,
        b,
        RESOURCE_REF,
        ref,
        `UsedResources of sub-release ${rel.release.releaseRef}, line ${rel.lineNumber}`,
      );
    if (e.workDead !== null) {
      return orphan(
        s,
        line,
        L,
        `the musical work of resource ${ref} of sub-release ${rel.release.releaseRef}`,
        e.workDead,
        'TransactedRelease',
      );
    }
    out.push(e.resource);
  }
  return out;
}

export function ugcResources(
  s: DsrFileState,

  line: InputLine,
  L: RecordLayout,
  u: UsageCells,
  vals: string[],
  b: Block,
): { resources: Resource[]; release: Release | null } | DeadOutcome {
  const dspId = key(vals, u.dsp);
  let chosen: ResourceEntry[] = [];
  if (dspId !== '') {
    for (const e of b.order) {
      if (e.resource.dspResourceId === dspId || e.resource.resourceRef === dspId) chosen.push(e);
    }
    if (chosen.length === 0) {
      const dead = b.deadResources.get(dspId);
      if (dead !== undefined)
        return orphan(s, line, L, `resource ${dspId} in block ${b.id}`, dead, L.names[u.dsp] as string);
    }
  }
  if (chosen.length === 0) {
    // The cell may hold the id of the UGC video rather than of the resource: the block's
    // resources are what the usage is about.
    for (const dead of b.deadResources.values()) {
      return orphan(s, line, L, `a resource of block ${b.id}`, dead, L.names[u.dsp] as string);
    }
    if (b.order.length === 0) {
      if (b.unkeyedDead !== null)
        return orphan(
          s,
          line,
          L,
          `the resource of block ${b.id}; the likely definition`,
          b.unkeyedDead,
          'BlockId',
        );
      return s.dead(line, L.written, {
        stage: 'validate',
        errorClass: 'UNKNOWN_REFERENCE',
        cell: L.names[u.dsp] ?? 'BlockId',
        message: `${L.written} reports usage in block ${b.id}, which has no resource record (${L.names[u.dsp] ?? 'DspResourceId'} is ${q(dspId)})`,
      });
    }
    chosen = b.order;
  }
  const resources: Resource[] = [];
  for (const e of chosen) {
    if (e.workDead !== null)
      return orphan(
        s,
        line,
        L,
        `the musical work of resource ${e.resource.resourceRef} in block ${b.id}`,
        e.workDead,
        'BlockId',
      );
    resources.push(e.resource);
  }
  if (b.headReleaseDead !== null && b.headRelease === null) {
    return orphan(s, line, L, `the release of block ${b.id}`, b.headReleaseDead, 'BlockId');
  }
  return { resources, release: b.headRelease?.release ?? null };
}

/** Reused for every usage line (no allocation per line): what the line links to. */
const linked: { resources: Resource[]; release: Release | null } = { resources: [], release: null };

/**
 * The resources and release a usage line names by TransactedResource / TransactedRelease (a
 * release alone means all its resources), or the line's dead letter. The result is reused by
 * the next call: read it at once.
 */
export function linkedResources(
  s: DsrFileState,
  line: InputLine,
  L: RecordLayout,
  u: UsageCells,
  vals: string[],
  b: Block,
): { resources: Resource[]; release: Release | null } | DeadOutcome {
  const resRef = key(vals, u.res);
  const relRef = key(vals, u.rel);
  if (resRef === '' && relRef === '') {
    return s.dead(line, L.written, {
      stage: 'validate',
      errorClass: 'MISSING_REQUIRED_CELL',
      cell: 'TransactedResource',
      message: `${L.written} names neither a release (TransactedRelease, cell ${u.rel + 1}) nor a resource (TransactedResource, cell ${u.res + 1}); one of them is required`,
    });
  }
  if (resRef !== '') {
    const entry = b.resources.get(resRef);
    if (entry === undefined)
      return unresolved(s, line, L, b, RESOURCE_REF, resRef, `TransactedResource, cell ${u.res + 1}`);
    if (entry.workDead !== null) {
      return orphan(
        s,
        line,
        L,
        `the musical work of resource ${resRef} in block ${b.id}`,
        entry.workDead,
        'TransactedResource',
      );
    }
    linked.resources = [entry.resource];
    if (relRef !== '') {
      const rel = findRelease(s, line, L, b, relRef, u);
      if ('kind' in rel) return rel;
      linked.release = rel.release;
    } else if (b.headRelease !== null) {
      linked.release = b.headRelease.release;
    } else if (b.headReleaseDead !== null) {
      return orphan(s, line, L, `the release of block ${b.id}`, b.headReleaseDead, 'TransactedResource');
    } else linked.release = null;
  } else {
    const rel = findRelease(s, line, L, b, relRef, u);
    if ('kind' in rel) return rel;
    linked.release = rel.release;
    const all = releaseResources(s, line, L, b, rel);
    if (!Array.isArray(all)) return all;
    linked.resources = all;
  }
  return linked;
}
