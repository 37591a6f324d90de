-- The watch log ("The duty log completed", the missed-call report): so that a quiet night is
-- never mistaken for a clean one, the service writes a heartbeat per office while it runs, and
-- records the periods it was not watching, the service down (from the last heartbeat to the next
-- start) and AMI disconnected.
-- (No semicolon may appear but between statements: `prisma migrate deploy` splits the script at every one.)
CREATE TABLE "watch_heartbeats" (
    "office_id" TEXT NOT NULL,
    "beat_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "watch_heartbeats_pkey" PRIMARY KEY ("office_id")
);

CREATE TABLE "watch_gaps" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "from_at" TIMESTAMPTZ(3) NOT NULL,
    "to_at" TIMESTAMPTZ(3),

    CONSTRAINT "watch_gaps_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "watch_gaps_office_id_from_at_idx" ON "watch_gaps" ("office_id", "from_at");
