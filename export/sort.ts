// The export's one order: by code unit, not locale, so files are the same on every host.

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A map's values in the order of their keys. */
export function byKey<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => cmp(a, b)).map(([, v]) => v);
}
