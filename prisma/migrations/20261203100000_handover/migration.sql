-- Hand-overs between shifts (交接班, "The duty log completed"). One row per outgoing shift,
-- written once with its note and the open items it hands to the next shift, acknowledged once
-- by the incoming officer. The duty log entry gains whether a major incident is closed (办结):
-- until it is, each hand-over carries it on.
-- (No semicolon may appear but between statements: `prisma migrate deploy` splits the script at every one.)
ALTER TABLE "duty_log_versions" ADD COLUMN "incident_closed" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "handovers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "shift_id" TEXT NOT NULL,
    "shift_label" TEXT NOT NULL,
    "change_at" TIMESTAMPTZ(3) NOT NULL,
    "next_shift_id" TEXT,
    "note" TEXT NOT NULL,
    "items" JSONB NOT NULL,
    "written_by" TEXT NOT NULL,
    "written_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_by" TEXT,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledge_note" TEXT,

    CONSTRAINT "handovers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "handovers_office_id_shift_id_key" ON "handovers" ("office_id", "shift_id");
CREATE INDEX "handovers_office_id_change_at_idx" ON "handovers" ("office_id", "change_at" DESC);
CREATE INDEX "handovers_office_id_next_shift_id_idx" ON "handovers" ("office_id", "next_shift_id");
