import type { Link, Work } from '../../core/schemas/index.ts';
import { Interner } from '../../core/memory/index.ts';
import { TitleIndex } from './title-index.ts';

/**
 * All reference data, held in memory by each matcher instance (like a global table): works
 * by id, by ISWC and by title (for rule 3), and every source's links by ISRC. Built from the compacted topics and
 * kept current from them; a null value (tombstone) deletes.
 */
export class ReferenceState {
  readonly works = new Map<string, Work>();
  // The ids of the works with an ISWC: most ISWCs have one work, kept without a Set around it.
  private readonly byIswc = new Map<string, string | Set<string>>();
  readonly recordings = new Map<string, Link[]>();
  readonly titles = new TitleIndex();
  private readonly interner = new Interner();

  /**
   * Puts a work (null deletes it). The work object is the state's from then on: its
   * repeated strings are swapped in place for the copies kept here (equal values).
   */
  putWork(key: string, work: Work | null): void {
    // The work's own id string serves as the key too (the key read from Kafka is a copy).
    const workId = work?.workId === key ? work.workId : key;
    if (work) this.share(work);
    this.titles.put(workId, work);
    const old = this.works.get(workId);
    if (old?.iswc) this.dropIswc(old.iswc, workId);
    if (!work) {
      this.works.delete(workId);
      return;
    }
    this.works.set(workId, work);
    if (work.iswc) this.addIswc(work.iswc, workId);
  }

  private addIswc(iswc: string, workId: string): void {
    const ids = this.byIswc.get(iswc);
    if (ids === undefined || ids === workId) this.byIswc.set(iswc, workId);
    else if (typeof ids === 'string') this.byIswc.set(iswc, new Set([ids, workId]));
    else ids.add(workId);
  }

  private dropIswc(iswc: string, workId: string): void {
    const ids = this.byIswc.get(iswc);
    if (ids === workId) this.byIswc.delete(iswc);
    else if (typeof ids === 'object') {
      ids.delete(workId);
      if (ids.size === 1) this.byIswc.set(iswc, ids.values().next().value!);
    }
  }

  /** The ids of the works with this ISWC, in no particular order. */
  private idsWithIswc(iswc: string): Iterable<string> {
    const ids = this.byIswc.get(iswc);
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids;
  }

  /**
   * Puts an ISRC's links (null deletes them). The links are the state's from then on: their
   * strings and Dates are swapped in place for equal ones kept here or held by their work.
   */
  putRecording(isrc: string, links: Link[] | null): void {
    if (!links) {
      this.recordings.delete(isrc);
      return;
    }
    for (const link of links) this.shareLink(link);
    this.recordings.set(isrc, links);
  }

  private share(work: Work): void {
    const i = this.interner;
    work.source = i.string(work.source);
    const performers = work.performers;
    for (let k = 0; k < performers.length; k++) performers[k] = i.string(performers[k]!);
    for (const w of work.writers) {
      w.name = i.string(w.name);
      w.ipi = i.string(w.ipi);
      w.role = i.string(w.role);
      w.society = i.string(w.society);
    }
    for (const p of work.publishers) {
      p.name = i.string(p.name);
      p.ipi = i.string(p.ipi);
      p.society = i.string(p.society);
    }
  }

  private shareLink(link: Link): void {
    link.source = this.interner.string(link.source);
    link.assertedAt = this.interner.date(link.assertedAt);
    // A link repeats its work's id, ISWC and title: the work's strings, when it is known
    // already (as it mostly is: a catalog's works are written before its links).
    const work = link.workId === null ? undefined : this.works.get(link.workId);
    if (!work) return;
    link.workId = work.workId;
    if (link.iswc !== null && link.iswc === work.iswc) link.iswc = work.iswc;
    if (link.title !== null && link.title === work.title) link.title = work.title;
  }

  /** The first of worksWithIswc, without building the list (rules 1 and 2 ask per line). */
  firstWorkWithIswc(iswc: string): Work | null {
    let first: string | null = null;
    const ids = this.byIswc.get(iswc);
    if (typeof ids === 'string') return this.works.get(ids)!;
    for (const id of ids ?? []) if (first === null || id < first) first = id;
    return first === null ? null : this.works.get(first)!;
  }

  /** Works registered with this ISWC, in a stable order. */
  worksWithIswc(iswc: string): Work[] {
    return [...this.idsWithIswc(iswc)].sort().map((id) => this.works.get(id)!);
  }
}
