import type { Selection } from '../../core/registry/index.ts';
import type { Resource, UsageLine } from '../../core/schemas/index.ts';

// What the matcher reads of a usage line: the service decodes only these fields (a
// projection: the rest of the line's 35 strings are skipped, not built) and writes the line
// back into its output as the bytes it came as. The types below and the selection are made
// from one list, so a rule that reads another field does not compile.

const RESOURCE_FIELDS = ['resourceRef', 'isrc', 'title', 'displayArtists', 'iswc', 'composers'] as const;
const LINE_FIELDS = ['lineId', 'fileId', 'sender'] as const;

export type MatchableResource = Pick<Resource, (typeof RESOURCE_FIELDS)[number]>;
export type MatchableLine = Pick<UsageLine, (typeof LINE_FIELDS)[number]> & {
  resources: MatchableResource[];
};

export const MATCHABLE_LINE: Selection = {
  ...Object.fromEntries(LINE_FIELDS.map((f) => [f, true])),
  resources: Object.fromEntries(RESOURCE_FIELDS.map((f) => [f, true])),
};
