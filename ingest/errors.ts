import { TallylineError, type ErrorKind } from '../core/errors/index.ts';

// Ingest's coded errors: a file refused at intake, before any line of it is read.
export type IngestErrorCode = 'BAD_FILE_NAME' | 'TOO_LARGE' | 'GZIP_BOMB' | 'BAD_GZIP';

export class IngestError extends TallylineError<IngestErrorCode> {
  static override readonly kinds: Record<IngestErrorCode, ErrorKind> = {
    BAD_FILE_NAME: 'invalid',
    TOO_LARGE: 'too-large',
    GZIP_BOMB: 'unprocessable',
    BAD_GZIP: 'unprocessable',
  };
}
