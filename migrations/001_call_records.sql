-- One row per call (SPEC §5 "Supervisors and call records"), merged from the facts of the record
-- stream (src/records/record-facts.ts): the session's part (guarded by session_rev) and the
-- hand-off record's part (guarded by handoff_rev), each kept at its newest revision.
CREATE TABLE call_records (
  call_sid          text PRIMARY KEY,
  caller            text NOT NULL DEFAULT 'withheld',
  -- Only for a dialable caller: finds their earlier calls; never shown.
  caller_number     text,
  wallet_id         text,
  started_at        timestamptz,
  ended_at          timestamptz,
  language          text,
  journey           jsonb NOT NULL DEFAULT '[]',
  identity_level    smallint NOT NULL DEFAULT 0,
  intent            text,
  self_service      jsonb NOT NULL DEFAULT '[]',
  ivr_outcome       text,
  session_rev       integer,
  queue             text,
  queued_at         timestamptz,
  waited_seconds    integer,
  agent_id          text,
  talk_seconds      integer,
  escalated         boolean NOT NULL DEFAULT false,
  callback_asked    boolean NOT NULL DEFAULT false,
  handoff_outcome   text,
  wrap_up_note      text,
  wrap_up_resolved  boolean,
  wrap_up_at        timestamptz,
  survey            smallint,
  handoff_rev       integer,
  -- A hand-off record decides once it exists (null while it goes on); otherwise the IVR's ending.
  outcome           text GENERATED ALWAYS AS (
                      CASE WHEN handoff_rev IS NOT NULL THEN handoff_outcome
                           WHEN ivr_outcome = 'handoff' THEN NULL
                           ELSE ivr_outcome END) STORED,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX call_records_started ON call_records (started_at DESC, call_sid DESC);
CREATE INDEX call_records_wallet ON call_records (wallet_id, started_at DESC) WHERE wallet_id IS NOT NULL;
CREATE INDEX call_records_number ON call_records (caller_number, started_at DESC) WHERE caller_number IS NOT NULL;
CREATE INDEX call_records_queued ON call_records (queued_at) WHERE queued_at IS NOT NULL;
