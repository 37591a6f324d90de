-- The duty log ("The duty log completed"): what the officer writes of a call the PBX logged
-- (caller, unit, position, phone, content, handling, follow-up, major incident and its report
-- times, reported to the leader), kept as versions. Each edit inserts the next version of the
-- call's entry, and the latest is the entry. Nothing is updated or deleted. The unique key on
-- (office, call, version) makes two edits of the same version collide: one lands, the other is
-- told to read again.
-- (No semicolon may appear but between statements: `prisma migrate deploy` splits the script at every one.)
CREATE TABLE "duty_log_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "pbx_call_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "caller_name" TEXT,
    "caller_unit" TEXT,
    "caller_position" TEXT,
    "caller_phone" TEXT,
    "content" TEXT,
    "handling" TEXT,
    "follow_up" TEXT,
    "major_incident" BOOLEAN NOT NULL DEFAULT false,
    "reported_to_leader" BOOLEAN NOT NULL DEFAULT false,
    "oral_report_at" TIMESTAMPTZ(3),
    "written_report_at" TIMESTAMPTZ(3),
    "at" TIMESTAMPTZ(3) NOT NULL,
    "by" TEXT NOT NULL,

    CONSTRAINT "duty_log_versions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "duty_log_versions_office_id_pbx_call_id_version_key" ON "duty_log_versions" ("office_id", "pbx_call_id", "version");
