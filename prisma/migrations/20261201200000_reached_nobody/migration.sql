-- A call that ended with nobody answering while the caller was still on the line (an alarm),
-- whatever its outcome says of the desk. Calls logged before this column are false.
ALTER TABLE "call_log_entries" ADD COLUMN "reached_nobody" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "call_log_entries_reached_nobody_offered_at_idx" ON "call_log_entries" ("offered_at" DESC) WHERE "reached_nobody";
