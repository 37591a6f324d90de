-- The office's reports and the call export read one office at a time in list order (newest first,
-- id breaking ties): the monthly tally and the missed-call report a month of calls and records,
-- GET /calls.csv every call in keyset pages, (offered_at, id) < cursor.
-- (No semicolon may appear but between statements: the migration runner splits the script at every one.)
CREATE INDEX "call_log_entries_office_id_offered_at_id_idx" ON "call_log_entries" ("office_id", "offered_at" DESC, "id" DESC);
CREATE INDEX "discipline_records_office_id_occurred_at_id_idx" ON "discipline_records" ("office_id", "occurred_at" DESC, "id" DESC);
