-- Offices: every row belongs to an office, and a PBX call id is unique within its office (one
-- service may watch several offices' PBXs). Rows stored before this migration belong to the
-- office "default", the office a single-office config describes.
-- Call direction: calls logged before it were all calls to the duty line (inbound).
-- Discipline records are keyed by what they are about (subject kind + id) instead of by call:
-- every record before this migration is about a call, its id the call's PBX id.
-- The defaults only fill the existing rows: every write names its office, direction and subject.
ALTER TABLE "call_log_entries" ADD COLUMN "office_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "call_log_entries" ALTER COLUMN "office_id" DROP DEFAULT;
ALTER TABLE "call_log_entries" ADD COLUMN "direction" TEXT NOT NULL DEFAULT 'inbound';
ALTER TABLE "call_log_entries" ALTER COLUMN "direction" DROP DEFAULT;
DROP INDEX "call_log_entries_pbx_call_id_key";
CREATE UNIQUE INDEX "call_log_entries_office_id_pbx_call_id_key" ON "call_log_entries" ("office_id", "pbx_call_id");

ALTER TABLE "discipline_records" ADD COLUMN "office_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "discipline_records" ALTER COLUMN "office_id" DROP DEFAULT;
ALTER TABLE "discipline_records" ADD COLUMN "subject_kind" TEXT NOT NULL DEFAULT 'call';
ALTER TABLE "discipline_records" ALTER COLUMN "subject_kind" DROP DEFAULT;
ALTER TABLE "discipline_records" RENAME COLUMN "pbx_call_id" TO "subject_id";
DROP INDEX "discipline_records_pbx_call_id_type_key";
CREATE UNIQUE INDEX "discipline_records_office_id_subject_kind_subject_id_type_key" ON "discipline_records" ("office_id", "subject_kind", "subject_id", "type");
