-- The record review: every change of a discipline record is an event of its history (raised,
-- objected, confirmed, waived, evidence-completed: src/core/discipline/record-lifecycle.ts),
-- numbered 1, 2, … per record and written in the transaction of the change. The stores only ever
-- insert here: nothing is updated or deleted.
-- No foreign key to discipline_records, like theirs to call_log_entries: the stores write both
-- together, and the history is kept whatever happens to a record row.
-- (No semicolon may appear but between statements, in comments or function bodies either:
-- `prisma migrate deploy` through @prisma/adapter-pg splits the script at every one.)
CREATE TABLE "discipline_record_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "record_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "what" TEXT NOT NULL,
    "actor" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "discipline_record_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "discipline_record_events_record_id_seq_key" ON "discipline_record_events" ("record_id", "seq");

-- A mistake's kind (MISTAKE_KINDS in src/core/discipline/discipline-model.ts), null for an
-- absence and for every record stored before (none had a kind).
ALTER TABLE "discipline_records" ADD COLUMN "mistake_kind" TEXT;

-- The records stored before get the history they would have had: raised when stored (by
-- duty-hotline, with their reason), and their decision if one was set by hand.
INSERT INTO "discipline_record_events" ("record_id", "seq", "what", "actor", "at", "text")
SELECT "id", 1, 'raised', NULL, "created_at", "reason" FROM "discipline_records";
INSERT INTO "discipline_record_events" ("record_id", "seq", "what", "actor", "at", "text")
SELECT "id", 2, "status", NULL, "created_at", 'decided before records had a history (migration 20261202110000_record_history)'
FROM "discipline_records" WHERE "status" IN ('confirmed', 'waived');
