import type { Link, Work } from '../../core/schemas/types.ts';
import { TitleIndex } from './title-index.ts';

/**
 * All reference data, held in memory by each matcher instance (like a global table): works
 * by id, by ISWC and by title (for rule 3), and every source's links by ISRC. Built from the compacted topics and
 * kept current from them; a null value (tombstone) deletes.
 */
export class ReferenceState {
  readonly works = new Map<string, Work>();
  private readonly byIswc = new Map<string, Set<string>>();
  readonly recordings = new Map<string, Link[]>();
  readonly titles = new TitleIndex();

  putWork(workId: string, work: Work | null): void {
    this.titles.put(workId, work);
    const old = this.works.get(workId);
    if (old?.iswc) this.byIswc.get(old.iswc)?.delete(workId);
    if (!work) {
      this.works.delete(workId);
      return;
    }
    this.works.set(workId, work);
    if (work.iswc) {
      const ids = this.byIswc.get(work.iswc) ?? new Set<string>();
      ids.add(workId);
      this.byIswc.set(work.iswc, ids);
    }
  }

  putRecording(isrc: string, links: Link[] | null): void {
    if (links) this.recordings.set(isrc, links);
    else this.recordings.delete(isrc);
  }

  /** The first of worksWithIswc, without building the list (rules 1 and 2 ask per line). */
  firstWorkWithIswc(iswc: string): Work | null {
    let first: string | null = null;
    for (const id of this.byIswc.get(iswc) ?? []) if (first === null || id < first) first = id;
    return first === null ? null : this.works.get(first)!;
  }

  /** Works registered with this ISWC, in a stable order. */
  worksWithIswc(iswc: string): Work[] {
    return [...(this.byIswc.get(iswc) ?? [])].sort().map((id) => this.works.get(id)!);
  }
}
