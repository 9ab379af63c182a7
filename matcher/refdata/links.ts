import type { Link } from '../../core/schemas/index.ts';

/**
 * An ISRC's links after a source asserts its own: every other source's links are kept,
 * this source's are replaced (each source keeps its latest word; the source priority
 * decides between sources when matching).
 */
export function mergeSourceLinks(current: Link[], source: string, links: Link[]): Link[] {
  return [...current.filter((l) => l.source !== source), ...links];
}
