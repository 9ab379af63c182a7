-- Up Migration
-- Each report's accounting per exported period, as the latest export run computed it
-- (export.accounts): where its lines went, and per currency where its money went.
-- Released: never edit this file; add a new migration.

CREATE TABLE file_exports (
  file_id text NOT NULL,
  period text NOT NULL,
  sender text NOT NULL,
  lines bigint NOT NULL,
  matched_lines bigint NOT NULL,
  unmatched_lines bigint NOT NULL,
  pending_lines bigint NOT NULL,
  dead_at_match bigint NOT NULL,
  exported_at timestamptz NOT NULL,
  PRIMARY KEY (file_id, period)
);

-- reported = allocated + unallocated + unmatched + pending + not_valued + gap, to the cent
CREATE TABLE file_accounts (
  file_id text NOT NULL,
  period text NOT NULL,
  currency text NOT NULL,
  reported numeric NOT NULL,
  allocated numeric NOT NULL,
  unallocated numeric NOT NULL,
  unmatched numeric NOT NULL,
  pending numeric NOT NULL,
  not_valued numeric NOT NULL,
  gap numeric NOT NULL,
  PRIMARY KEY (file_id, period, currency)
);

-- Down Migration
DROP TABLE file_accounts, file_exports;
