// Records decoded from Avro bring their own copy of every string, also of the many that take
// a few values again and again (a link's source, a writer's role and society, a line's
// territory, currency and dates), and their own Dates. What keeps many decoded records in
// memory (the matcher's reference state, the export's input) keeps one of each instead:
// less heap, and less for V8's GC to mark.

/** Strings kept at most; then they are forgotten (only the sharing is lost, not a value). */
const STRINGS_KEPT = 200_000;
/** Dates kept at most, likewise. */
export const DATES_KEPT = 10_000;

/** One copy of each string value, and one Date of each time. */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly dates = new Map<number, Date>();

  /** The copy of this value kept here (this one, the first time). */
  string<T extends string | null>(s: T): T {
    if (s === null) return s;
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept as T;
    if (this.strings.size >= STRINGS_KEPT) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  /** The Date of this time kept here (this one, the first time). Nothing may change a Date it returns. */
  date(d: Date): Date {
    const time = d.getTime();
    const kept = this.dates.get(time);
    if (kept) return kept;
    if (this.dates.size >= DATES_KEPT) this.dates.clear();
    this.dates.set(time, d);
    return d;
  }
}
