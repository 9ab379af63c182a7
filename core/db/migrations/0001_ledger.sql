-- Up Migration
-- The ledger: tallyline's operational state, derived from the Kafka topics (the system of
-- record) by the ledger consumer, plus what intake and the dead-letter tools keep while they
-- work (the outbox, replay claims). Released: never edit this file; add a new migration.

-- Who sends reports and with which keys (hashes only), and what the console expects of them.
CREATE TABLE senders (
  sender text PRIMARY KEY,
  display_name text,
  contact text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  key_sha256 char(64) PRIMARY KEY,
  -- the sender, rights holder or person the key identifies
  principal text NOT NULL,
  role text NOT NULL CHECK (role IN ('sender', 'rights-holder', 'operator')),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_principal ON api_keys (principal);

-- A report a sender is expected to deliver on a cadence (the console's "late" files).
CREATE TABLE expected_arrivals (
  sender text NOT NULL,
  -- the report's name without period and part, e.g. `Spotify_DSR_BASIC`
  report_key text NOT NULL,
  cadence text NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly', 'quarterly')),
  -- day of the cadence's period by which the file is due (1 = first day)
  due_day integer NOT NULL DEFAULT 1,
  grace_hours integer NOT NULL DEFAULT 24,
  PRIMARY KEY (sender, report_key)
);

-- What a sender's files of a month normally hold (kept by the ledger at SPLIT_COMPLETED).
CREATE TABLE sender_volumes (
  sender text NOT NULL,
  -- the month the files were received, YYYY-MM
  month text NOT NULL,
  files bigint NOT NULL DEFAULT 0,
  lines bigint NOT NULL DEFAULT 0,
  emitted bigint NOT NULL DEFAULT 0,
  dead_lettered bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (sender, month)
);

-- One row per file (sender + content): intake writes it with the outbox entry in one
-- transaction; the ledger keeps its state and counts from usage.files and the decisions.
CREATE TABLE files (
  file_id text PRIMARY KEY,
  sender text NOT NULL,
  file_name text NOT NULL,
  sha256 char(64) NOT NULL,
  size_bytes bigint NOT NULL,
  format text,
  state text NOT NULL CHECK (state IN ('received', 'splitting', 'split', 'rejected', 'failed')),
  received_at timestamptz NOT NULL,
  started_at timestamptz,
  completed_at timestamptz,
  reason text,
  footer_check text,
  systemic boolean NOT NULL DEFAULT false,
  warnings jsonb NOT NULL DEFAULT '[]',
  -- the split's accounting (usage.files SPLIT_COMPLETED); null until then
  lines bigint,
  emitted bigint,
  dead_lettered bigint,
  context bigint,
  -- how many times the file was received: a refused file sent again is received anew
  attempt integer NOT NULL DEFAULT 1,
  -- a part of a multi-file report (DSR xofy): the report's key, this part, of how many
  report_key text,
  report_part integer,
  report_of integer,
  -- what only intake and the split worker know (not on a topic; a rebuild leaves them null):
  -- the landing store's key, stored bytes and compression; the split's progress, the HEAD
  -- MessageId, dead letters per class as the split counted them, correction files' parked lines
  landing jsonb,
  progress_lines bigint,
  progress_percent real,
  message_id text,
  dead_by_class jsonb,
  parked bigint
);
CREATE INDEX files_received ON files (received_at DESC, file_id);
CREATE INDEX files_sender_received ON files (sender, received_at DESC, file_id);
CREATE INDEX files_state ON files (state) WHERE state NOT IN ('split', 'rejected');
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_report ON files (report_key) WHERE report_key IS NOT NULL;

-- What happened to a file's lines after the split, counted from the decision topics and
-- dlq.audit. Apart from the files row: the topics are read side by side, and a decision may
-- be read before its file's RECEIVED event.
CREATE TABLE file_tallies (
  file_id text PRIMARY KEY,
  -- decisions of the matcher, each line once (a line matched as several parts counts once)
  matched bigint NOT NULL DEFAULT 0,
  unmatched bigint NOT NULL DEFAULT 0,
  -- lines dead-lettered at the match stage and not decided since
  match_dead bigint NOT NULL DEFAULT 0,
  -- dead letters resolved by a replay or a correction, each line once
  corrected bigint NOT NULL DEFAULT 0,
  -- lines a replay or a correction put on usage.lines that the split had not
  replayed bigint NOT NULL DEFAULT 0
);

-- Matched lines of a file by the method of their first part (" (re-match)" when re-matched).
CREATE TABLE file_methods (
  file_id text NOT NULL,
  method text NOT NULL,
  lines bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (file_id, method)
);

-- The dead-letter work list: one row per dead line (its newest record on usage.lines.dlq).
CREATE TABLE dead_letters (
  line_id text PRIMARY KEY,
  file_id text NOT NULL,
  -- the file's sender where the record names it (the match stage's do not: see files)
  sender text,
  line_number bigint NOT NULL,
  stage text NOT NULL,
  error_class text NOT NULL,
  message text NOT NULL,
  -- the record's headers as text (parsed by core/topics' parseDeadLetterHeaders on read)
  headers jsonb NOT NULL,
  raw bytea NOT NULL,
  record_partition integer NOT NULL,
  record_offset bigint NOT NULL,
  last_failure timestamptz NOT NULL,
  -- a match-stage dead letter whose line a replay got decided since
  decided boolean NOT NULL DEFAULT false
);
CREATE INDEX dead_letters_file ON dead_letters (file_id, line_number);
CREATE INDEX dead_letters_class ON dead_letters (error_class, stage);

-- The state an action set on a dead line (dlq.audit) and the record it was set for: a newer
-- record of the line (it failed again) makes it open again. Apart from dead_letters: the audit
-- may be read before the record it settles.
CREATE TABLE dead_letter_settlements (
  line_id text PRIMARY KEY,
  file_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'requested', 'resolved', 'replayed', 'parked', 'purged')),
  -- `<partition>:<offset>` of the dead-letter record the state was set for; null: any
  marker text,
  -- the replay run (or correction file) that set it, and its result there
  run_id text,
  result text,
  replays integer NOT NULL DEFAULT 0,
  resolved_at timestamptz
);
CREATE INDEX dead_letter_settlements_run ON dead_letter_settlements (run_id);

-- Lines whose decision came from a replay (the tallyline.replay.count header): read before
-- or after their match-stage dead letter, the dead letter counts as decided.
CREATE TABLE replay_decisions (
  line_id text PRIMARY KEY
);

-- Who did what to a dead line (dlq.audit), oldest first.
CREATE TABLE dead_letter_history (
  id bigserial PRIMARY KEY,
  line_id text NOT NULL,
  at timestamptz NOT NULL,
  action text NOT NULL,
  by text NOT NULL,
  run_id text,
  state text,
  result text
);
CREATE INDEX dead_letter_history_line ON dead_letter_history (line_id, id);

-- Lines a replay run is about to publish; another run keeps off them.
CREATE TABLE dead_letter_claims (
  line_id text PRIMARY KEY,
  run_id text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now()
);

-- Replay runs by their arguments: a run interrupted is resumed by the same command (same
-- run id); one that finished is followed by a new run (seq + 1).
CREATE TABLE replay_runs (
  run_key text PRIMARY KEY,
  seq integer NOT NULL,
  finished boolean NOT NULL DEFAULT false
);

-- Statements and claims written (export.statements).
CREATE TABLE export_files (
  path text PRIMARY KEY,
  kind text NOT NULL,
  period text NOT NULL,
  rights_holder_id text,
  report_file_id text,
  sender text,
  sha256 char(64) NOT NULL,
  size_bytes bigint NOT NULL,
  rows bigint NOT NULL,
  totals jsonb NOT NULL
);
CREATE INDEX export_files_period ON export_files (period, kind);
CREATE INDEX export_files_holder ON export_files (rights_holder_id, period);

-- Work intake promised and a relay still has to do (publish RECEIVED, enqueue the split).
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  file_id text NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  done_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE done_at IS NULL;

-- The ledger's own settings, e.g. its consumer group (new with each new schema, so a fresh
-- ledger never starts from another ledger's committed offsets).
CREATE TABLE ledger_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

-- The next offset of each topic partition a ledger has applied, written in the same
-- transaction as what it applied: exactly once.
CREATE TABLE consumer_offsets (
  consumer text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  next_offset bigint NOT NULL,
  PRIMARY KEY (consumer, topic, partition)
);

-- Down Migration
DROP TABLE replay_runs, consumer_offsets, ledger_meta, replay_decisions, dead_letter_settlements, file_tallies, outbox, export_files, dead_letter_claims, dead_letter_history,
  dead_letters, file_methods, files, sender_volumes, expected_arrivals, api_keys,
  senders;
