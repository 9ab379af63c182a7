import type { Publisher, Writer } from '../core/schemas/index.ts';
import type { HolderShare } from './input.ts';

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'UNNAMED';

/**
 * The rights holders of a work and their shares: each publisher, and each writer's
 * society (a writer's share is collected by the society that represents them). A writer
 * with no society has no holder here: that share stays unallocated, visibly.
 */
export function holdersOf(publishers: readonly Publisher[], writers: readonly Writer[]): HolderShare[] {
  const byId = new Map<string, HolderShare>();
  const add = (h: HolderShare) => {
    const known = byId.get(h.id);
    if (known) known.basisPoints += h.basisPoints;
    else byId.set(h.id, { ...h });
  };
  for (const p of publishers) {
    add({
      id: `PUB-${p.ipi ? p.ipi : slug(p.name)}`,
      name: p.name,
      kind: 'PUBLISHER',
      basisPoints: p.shareBasisPoints,
    });
  }
  for (const w of writers) {
    if (w.society)
      add({
        id: `SOC-${slug(w.society)}`,
        name: w.society,
        kind: 'SOCIETY',
        basisPoints: w.shareBasisPoints,
      });
  }
  return [...byId.values()]
    .filter((h) => h.basisPoints > 0)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
