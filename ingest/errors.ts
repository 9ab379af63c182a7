import { TallylineError, type ErrorKind } from '../core/errors/index.ts';

// Ingest's coded errors: a file refused at intake, before any line of it is read (or an
// upload that does not say whose it is).
export type IngestErrorCode = 'BAD_FILE_NAME' | 'TOO_LARGE' | 'GZIP_BOMB' | 'BAD_GZIP' | 'NO_SENDER';

export class IngestError extends TallylineError<IngestErrorCode> {
  static override readonly kinds: Record<IngestErrorCode, ErrorKind> = {
    BAD_FILE_NAME: 'invalid',
    TOO_LARGE: 'too-large',
    GZIP_BOMB: 'unprocessable',
    BAD_GZIP: 'unprocessable',
    NO_SENDER: 'invalid',
  };
}
