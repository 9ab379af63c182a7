import type { Link } from '../../core/schemas/index.ts';
import type { MatchableLine } from '../rules/matchable-line.ts';
import { mergeSourceLinks } from './links.ts';

// Links supplied inside usage reports: a resource that carries both an ISRC and an ISWC
// (DSR AS02 / MW01 records, or the ISWC column of a CSV report) asserts ISRC → ISWC, with
// the source `dsr:<sender>`. Such links rank after every catalog source (rules.ts).

const PREFIX = 'dsr:';

export function usageReportSource(sender: string): string {
  return `${PREFIX}${sender}`;
}

export function isUsageReportSource(source: string): boolean {
  return source.startsWith(PREFIX);
}

/** The links a line asserts, by ISRC. */
export function linksAssertedBy(line: MatchableLine, at: Date): Map<string, Link> {
  const out = new Map<string, Link>();
  for (const r of line.resources) {
    if (!r.isrc || !r.iswc) continue;
    out.set(r.isrc, {
      workId: null,
      iswc: r.iswc,
      title: r.title,
      source: usageReportSource(line.sender),
      assertedAt: at,
    });
  }
  return out;
}

/**
 * The ISRC's links with this one merged in, or null when its source already asserts the
 * same ISWC for it (nothing to write: a sender's link is written once, not once per line).
 */
export function withUsageLink(current: Link[], link: Link): Link[] | null {
  if (current.some((l) => l.source === link.source && l.iswc === link.iswc && !l.workId)) return null;
  return mergeSourceLinks(current, link.source, [link]);
}
