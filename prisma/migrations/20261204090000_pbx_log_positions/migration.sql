-- "No call lost while duty-hotline was not watching": calls are rebuilt from the PBX's own event
-- log (CEL). Per office and log, the position up to which every ended call was read, so a rebuild
-- resumes there and never reads a call twice.
-- (No semicolon may appear but between statements: `prisma migrate deploy` splits the script at every one.)
CREATE TABLE "pbx_log_positions" (
    "office_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pbx_log_positions_pkey" PRIMARY KEY ("office_id", "source")
);
