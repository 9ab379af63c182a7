import type { Work } from '../../core/schemas/index.ts';
import { differentNamesBound, personNames, personsSimilarity, type PersonName } from '../rules/similarity.ts';

// The writers and performers of the title index's works, by the works' numbers, as rule 3
// compares them with a line's composers and display artists. A common title has many
// works; most are passed over on what is kept here in one flat array, a few numbers per
// work side by side, without reading the work itself:
//   - the numbers of their names (the folded, sorted tokens joined), so a line's person
//     with the very same name is told from one without (peopleBound);
//   - the numbers of their name words, to count the words a work shares with the line
//     (sharedNameWords).
// A work with more names or words than the slots hold is looked at whole when asked. The
// works' people themselves are not kept (workPeople works them out from the work when a
// candidate is scored): kept for every work, they cost restore time and memory.

/** Whose name or name word it is. */
export const WRITER = 0;
export const PERFORMER = 1;
type Role = typeof WRITER | typeof PERFORMER;

/** A work's writers and performers as rule 3 compares them with a line's people. */
export interface WorkPeople {
  writers: PersonName[];
  performers: PersonName[];
}

export function workPeople(work: Work): WorkPeople {
  return { writers: personNames(work.writers.map((w) => w.name)), performers: personNames(work.performers) };
}

/** A work as asked about here: its number, and its people (worked out when a work is looked at whole). */
export interface NumberedWork {
  ordinal: number;
  readonly people: WorkPeople;
}

/** A line's people as numbered here (lineNames): a number is -1 when no work has it. */
export interface LineNames {
  /** composers (WRITER) and display artists (PERFORMER) */
  people: [PersonName[], PersonName[]];
  /** the numbers of their names, in the same order */
  names: [number[], number[]];
  /** the numbers of their name words, distinct, a word's number × 2 + its role */
  words: number[];
}

// Per work SLOTS numbers: a header (how many writers and performers, and the length of
// the longest name of each), then the writers' and performers' name numbers, then the name
// words (as in LineNames.words), then NONE.
const SLOTS = 16;
const NONE = -1;
const TOO_MANY = -2;
/** the header's fields: 4, 4, 8 and 8 bits */
const MAX_COUNT = 15;
const MAX_LENGTH = 255;

/** A credit's people as numbered here: their names, their name words, the longest name. */
interface CreditNumbers {
  names: number[];
  words: number[];
  longest: number;
}

/** Works' credits whose numbers are kept (the same writers come back work after work). */
const CREDITS_KEPT = 100_000;

function countNames(credits: CreditNumbers[]): number {
  let n = 0;
  for (const c of credits) n += c.names.length;
  return n;
}

function numberOf(numbers: Map<string, number>, key: string): number {
  let n = numbers.get(key);
  if (n === undefined) numbers.set(key, (n = numbers.size));
  return n;
}

export class WorkNames {
  private readonly credits = new Map<string, CreditNumbers>();
  private readonly nameIds = new Map<string, number>();
  private readonly wordIds = new Map<string, number>();
  private slots = new Int32Array(SLOTS * 1024);

  /** The work numbered n is this one now (null: none). */
  put(n: number, work: Work | null): void {
    while ((n + 1) * SLOTS > this.slots.length) {
      const grown = new Int32Array(this.slots.length * 2);
      grown.set(this.slots);
      this.slots = grown;
    }
    const base = n * SLOTS;
    this.slots.fill(NONE, base, base + SLOTS);
    if (!work) return;
    const writers = work.writers.map((w) => this.credit(w.name));
    const performers = work.performers.map((p) => this.credit(p));
    const writerCount = countNames(writers);
    const persons = writerCount + countNames(performers);
    const next = { name: base + 1, firstWord: base + 1 + persons, word: base + 1 + persons };
    const header =
      this.putRole(writers, WRITER, base, next) | (this.putRole(performers, PERFORMER, base, next) << 4);
    // What does not fit is looked at whole when asked; the slots hold what fitted.
    this.slots[base] =
      writerCount > MAX_COUNT || persons - writerCount > MAX_COUNT || header < 0 || next.word > base + SLOTS
        ? TOO_MANY
        : header;
  }

  /**
   * Writes the names and name words of a work's writers or performers into its slots from
   * `next` on; returns the role's part of the header (its count and its longest name), or -1
   * when a name is too long for it.
   */
  private putRole(
    credits: CreditNumbers[],
    role: Role,
    base: number,
    next: { name: number; firstWord: number; word: number },
  ): number {
    const slots = this.slots;
    const end = base + SLOTS;
    let count = 0;
    let longest = 0;
    for (const c of credits) {
      count += c.names.length;
      longest = Math.max(longest, c.longest);
      for (const name of c.names) {
        if (next.name < end) slots[next.name] = name;
        next.name++;
      }
      for (const word of c.words) {
        const tagged = word * 2 + role;
        let k = next.firstWord;
        while (k < next.word && k < end && slots[k] !== tagged) k++;
        if (k < next.word && k < end) continue; // already there
        if (next.word < end) slots[next.word] = tagged;
        next.word++;
      }
    }
    if (longest > MAX_LENGTH) return -1;
    return (count & MAX_COUNT) | (longest << (8 + role * 4));
  }

  /** A credit's names and name words, numbered (numbers are never taken back). */
  private credit(credit: string): CreditNumbers {
    let numbers = this.credits.get(credit);
    if (!numbers) {
      if (this.credits.size >= CREDITS_KEPT) this.credits.clear();
      const people = personNames([credit]);
      numbers = {
        names: people.map((p) => numberOf(this.nameIds, p.whole)),
        words: people.flatMap((p) => p.tokens.map((t) => numberOf(this.wordIds, t))),
        longest: Math.max(0, ...people.map((p) => p.whole.length)),
      };
      this.credits.set(credit, numbers);
    }
    return numbers;
  }

  /** A line's composers and display artists, numbered as the works' names are. */
  lineNames(composers: PersonName[], artists: PersonName[]): LineNames {
    return {
      people: [composers, artists],
      names: [this.nameNumbers(composers), this.nameNumbers(artists)],
      words: this.wordNumbers(composers, artists),
    };
  }

  /** How many of the line's name words the work has, a composer's among its writers'. */
  sharedNameWords(work: NumberedWork, line: LineNames): number {
    const base = work.ordinal * SLOTS;
    const slots = this.slots;
    const header = slots[base]!;
    if (header === TOO_MANY) {
      const { writers, performers } = work.people;
      const own = this.wordNumbers(writers, performers);
      return line.words.filter((w) => own.includes(w)).length;
    }
    const first = base + 1 + (header & MAX_COUNT) + ((header >> 4) & MAX_COUNT);
    let shared = 0;
    for (const w of line.words) {
      for (let k = first; k < base + SLOTS && slots[k] !== NONE; k++) {
        if (slots[k] === w) {
          shared++;
          break;
        }
      }
    }
    return shared;
  }

  /**
   * An upper bound of personsSimilarity of the line's composers (WRITER) or artists
   * (PERFORMER) with the work's writers or performers, from their names' numbers and
   * lengths alone; null exactly when personsSimilarity is.
   */
  peopleBound(work: NumberedWork, role: Role, line: LineNames): number | null {
    const base = work.ordinal * SLOTS;
    const header = this.slots[base]!;
    const people = line.people[role];
    if (header === TOO_MANY) {
      const own = work.people;
      return personsSimilarity(people, role === WRITER ? own.writers : own.performers, true);
    }
    const count = (header >> (role * 4)) & MAX_COUNT;
    if (people.length === 0 || count === 0) return null;
    const longest = (header >> (8 + role * 8)) & MAX_LENGTH;
    const first = base + 1 + (role === WRITER ? 0 : header & MAX_COUNT);
    const names = line.names[role];
    let sum = 0;
    for (let i = 0; i < people.length; i++) {
      let best = differentNamesBound(Math.max(people[i]!.whole.length, longest));
      const name = names[i]!;
      for (let k = first; k < first + count && best < 1; k++) if (this.slots[k] === name) best = 1;
      sum += best;
    }
    return sum / people.length;
  }

  private nameNumbers(people: PersonName[]): number[] {
    return people.map((p) => this.nameIds.get(p.whole) ?? NONE);
  }

  private wordNumbers(writers: PersonName[], performers: PersonName[]): number[] {
    const out: number[] = [];
    for (const [people, role] of [
      [writers, WRITER],
      [performers, PERFORMER],
    ] as const) {
      for (const p of people) {
        for (const t of p.tokens) {
          const id = this.wordIds.get(t);
          if (id === undefined) continue;
          const tagged = id * 2 + role;
          if (!out.includes(tagged)) out.push(tagged);
        }
      }
    }
    return out;
  }
}
