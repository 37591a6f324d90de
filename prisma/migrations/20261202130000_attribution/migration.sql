-- Attribution ("Who was on duty"): a discipline record names the shift of the approved roster at
-- the moment it records, its duty officer(s) after approved swaps and its leader on duty. Null
-- attributed: a record not attributed by the roster (stored before, or raised by hand). Attributed
-- with no shift: no one was rostered at that desk then, a gap of its own.
-- (No semicolon may appear but between statements: `prisma migrate deploy` splits the script at every one.)
ALTER TABLE "discipline_records" ADD COLUMN "attributed" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "discipline_records" ADD COLUMN "shift_id" UUID;
ALTER TABLE "discipline_records" ADD COLUMN "shift_label" TEXT;
ALTER TABLE "discipline_records" ADD COLUMN "officer_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "discipline_records" ADD COLUMN "officer_names" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "discipline_records" ADD COLUMN "leader_id" UUID;
ALTER TABLE "discipline_records" ADD COLUMN "leader" TEXT;
CREATE INDEX "discipline_records_shift_id_idx" ON "discipline_records" ("shift_id");
