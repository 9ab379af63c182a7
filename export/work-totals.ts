// Per work and currency, the whole value of its lines, allocated or not: what a legacy
// system's per-work totals are compared with (reconcile --against).
import { byKey } from './sort.ts';

export interface WorkTotal {
  workId: string;
  currency: string;
  usages: number;
  /** the whole value of the work's lines, allocated or not */
  amount: bigint;
}

export class WorkTotals {
  private readonly works = new Map<string, WorkTotal>();

  add(workId: string, currency: string, usages: number, amount: bigint): void {
    const key = `${workId}\t${currency}`;
    const work = this.works.get(key) ?? { workId, currency, usages: 0, amount: 0n };
    work.usages += usages;
    work.amount += amount;
    this.works.set(key, work);
  }

  /** by work id, then currency */
  list(): WorkTotal[] {
    return byKey(this.works);
  }
}
