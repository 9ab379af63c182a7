/** The body of every error answer of the API (ingest and export routes), for their OpenAPI schemas. */
export const errorSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
    /** the file the error is about, where there is one (ingest) */
    fileId: { type: 'string' },
  },
};
