import { errorSchema } from '../core/http/index.ts';
import { DEAD_LETTER_STATES } from './work-list.ts';

// The dead-letter API's JSON schemas (dead-letters/routes.ts): the filters by the CLI's option
// names, the bodies of replay and purge as their options, the answers.

const LINE_ID = '^[0-9a-f]{1,64}:[0-9]{1,12}$';

const filterProperties = {
  file: { type: 'string', pattern: '^[0-9a-f]{1,64}$', description: 'one file' },
  sender: {
    type: 'string',
    description: "operator keys: one sender's files (a sender key sees its own only)",
  },
  stage: { type: 'string', enum: ['parse', 'validate', 'match', 'export'] },
  error: { type: 'string', description: 'one error class, e.g. INVALID_ISRC' },
  since: { type: 'string', description: 'failed at or after this time, e.g. 2026-11-01T12:00Z' },
  state: {
    type: 'string',
    enum: [...DEAD_LETTER_STATES],
    description: 'without it, purged lines are left out',
  },
} as const;

const page = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;

const row = {
  type: 'object',
  properties: {
    lineId: { type: 'string' },
    fileId: { type: 'string' },
    fileName: { type: ['string', 'null'] },
    sender: { type: ['string', 'null'] },
    lineNumber: { type: 'integer' },
    stage: { type: 'string' },
    errorClass: { type: 'string' },
    cell: { type: ['string', 'null'] },
    state: { type: 'string', enum: [...DEAD_LETTER_STATES] },
    replays: { type: 'integer' },
    attempt: { type: 'integer' },
    message: { type: 'string' },
    lastFailure: { type: 'string' },
  },
} as const;

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema } as const;

export const LIST = {
  summary: "Dead letters, one row per dead line: a sender key its own files', an operator's all (dlq list)",
  querystring: { type: 'object', properties: { ...filterProperties, ...page }, additionalProperties: false },
  response: {
    200: {
      type: 'object',
      properties: {
        deadLetters: { type: 'array', items: row },
        total: { type: 'integer' },
        limit: { type: 'integer' },
        offset: { type: 'integer' },
      },
    },
    ...errors,
  },
};

export const SHOW = {
  summary:
    'One dead line: its reason, error class, raw line, cells by name and what was done to it (dlq show)',
  params: { type: 'object', properties: { id: { type: 'string', pattern: LINE_ID } }, required: ['id'] },
  response: {
    200: {
      type: 'object',
      properties: {
        ...row.properties,
        recordType: { type: ['string', 'null'] },
        rootCauseLine: { type: ['integer', 'null'] },
        firstFailure: { type: 'string' },
        raw: { type: 'string', description: 'the line as UTF-8 (invalid bytes replaced)' },
        rawBase64: { type: 'string', description: 'the line, byte for byte' },
        cells: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } },
        },
        history: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              at: { type: 'string' },
              action: { type: 'string' },
              by: { type: 'string' },
              runId: { type: ['string', 'null'] },
              state: { type: ['string', 'null'] },
              result: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    ...errors,
    404: errorSchema,
  },
};

export const REQUESTS = {
  summary: 'Re-send requests written for the lines of a sender’s files, newest first (dlq request)',
  querystring: {
    type: 'object',
    properties: { file: filterProperties.file, sender: filterProperties.sender, ...page },
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        requests: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              fileId: { type: 'string' },
              fileName: { type: 'string' },
              sender: { type: 'string' },
              requestedAt: { type: 'string' },
              by: { type: 'string' },
              lineNumbers: { type: 'array', items: { type: 'integer' } },
              stillRequested: { type: 'integer' },
            },
          },
        },
        total: { type: 'integer' },
      },
    },
    ...errors,
  },
};

export const REPLAY = {
  summary: 'Replay dead letters (dlq replay): a dry run unless apply is true',
  body: {
    type: 'object',
    properties: {
      ...filterProperties,
      apply: { type: 'boolean', default: false, description: 'do it; without it, a dry run' },
      maxReplays: { type: 'integer', minimum: 1 },
      rate: { type: 'number', exclusiveMinimum: 0, description: 'lines a second' },
    },
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        applied: { type: 'boolean' },
        lines: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              lineId: { type: 'string' },
              stage: { type: 'string' },
              errorClass: { type: 'string' },
              replays: { type: 'integer' },
              now: { type: 'string' },
              result: { type: 'string' },
            },
          },
        },
        byReason: { type: 'object', additionalProperties: { type: 'integer' } },
        results: { type: 'object', additionalProperties: { type: 'integer' } },
        resumed: { type: 'integer' },
      },
    },
    ...errors,
    404: errorSchema,
    409: errorSchema,
  },
};

export const PURGE = {
  summary: 'Take dead letters off the work list, audited (dlq purge): a dry run unless yes is true',
  body: {
    type: 'object',
    properties: {
      ...filterProperties,
      force: { type: 'boolean', default: false, description: 'purge lines that are not resolved too' },
      yes: { type: 'boolean', default: false, description: 'do it; without it, a dry run' },
    },
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: { applied: { type: 'boolean' }, purged: { type: 'integer' }, refused: { type: 'integer' } },
    },
    ...errors,
  },
};
