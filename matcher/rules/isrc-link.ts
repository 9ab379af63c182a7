// Rule 1, ISRC_LINK: the work an ISRC is linked to, through the link sources, the most
// trusted source first (links supplied inside usage reports rank after every catalog source).

import type { Link, Work } from '../../core/schemas/index.ts';
import { isUsageReportSource } from '../refdata/usage-links.ts';
import type { ReferenceState } from '../state/reference-state.ts';

function linkRank(link: Link, sourcePriority: string[]): number {
  const i = sourcePriority.indexOf(link.source);
  if (i >= 0) return i;
  return sourcePriority.length + (isUsageReportSource(link.source) ? 1 : 0);
}

/** Below zero when link a ranks before link b (see rankLinks). */
function compareLinks(a: Link, b: Link, sourcePriority: string[]): number {
  return (
    linkRank(a, sourcePriority) - linkRank(b, sourcePriority) ||
    b.assertedAt.getTime() - a.assertedAt.getTime() ||
    a.source.localeCompare(b.source)
  );
}

/**
 * Ranks sources: listed ones by position, then unlisted catalog sources, then unlisted
 * sources from usage reports; ties by newest assertion.
 */
export function rankLinks(links: Link[], sourcePriority: string[]): Link[] {
  return [...links].sort((a, b) => compareLinks(a, b, sourcePriority));
}

/**
 * The best-ranked link that names a known work, with the work: what the first hit of
 * rankLinks would be, in one pass without copying or sorting (this runs for every line).
 */
export function linkedWork(links: Link[], sourcePriority: string[], state: ReferenceState) {
  let best: { link: Link; work: Work } | null = null;
  for (const link of links) {
    if (best && compareLinks(link, best.link, sourcePriority) >= 0) continue;
    const work = workOfLink(link, state);
    if (work) best = { link, work };
  }
  return best;
}

function workOfLink(link: Link, state: ReferenceState): Work | null {
  if (link.workId) return state.works.get(link.workId) ?? null;
  if (link.iswc) return state.firstWorkWithIswc(link.iswc);
  return null;
}
