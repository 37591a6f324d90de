-- The roster (src/core/roster/): officers, a month's roster and its history, its shifts and their
-- duty officers, swap requests. Every row carries its office, part of its unique keys, and every
-- foreign key names the office too, so no row points into another office.
-- Nothing is deleted: status changes are updates with their time and who, a draft's replaced
-- shifts are marked superseded, and the roster history is append-only (triggers below).
-- Statuses are plain text (values of src/core/roster/roster-model.ts), like the other tables.

CREATE TABLE "duty_officers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "section" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "active_changed_at" TIMESTAMPTZ(3),
    "active_changed_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "duty_officers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "duty_officers_office_id_id_key" ON "duty_officers" ("office_id", "id");
-- Rosters name officers by name: one name, one officer, in an office.
CREATE UNIQUE INDEX "duty_officers_office_id_name_key" ON "duty_officers" ("office_id", "name");

CREATE TABLE "roster_months" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3),
    "submitted_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "approved_by" TEXT,
    "published_at" TIMESTAMPTZ(3),
    "published_by" TEXT,
    "lateness" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "roster_months_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "roster_months_office_id_id_key" ON "roster_months" ("office_id", "id");
CREATE UNIQUE INDEX "roster_months_office_id_month_key" ON "roster_months" ("office_id", "month");

CREATE TABLE "roster_month_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "roster_month_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "by" TEXT NOT NULL,
    "note" TEXT,

    CONSTRAINT "roster_month_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "roster_month_events_office_id_roster_month_id_fkey" FOREIGN KEY ("office_id", "roster_month_id") REFERENCES "roster_months" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT
);
CREATE UNIQUE INDEX "roster_month_events_office_id_roster_month_id_seq_key" ON "roster_month_events" ("office_id", "roster_month_id", "seq");

CREATE TABLE "roster_shifts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "roster_month_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "date" TEXT NOT NULL,
    "period_label" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "desk_endpoint" TEXT NOT NULL,
    "leader_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "superseded_at" TIMESTAMPTZ(3),
    "superseded_by" TEXT,

    CONSTRAINT "roster_shifts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "roster_shifts_ends_after_start" CHECK ("ends_at" > "starts_at"),
    CONSTRAINT "roster_shifts_office_id_roster_month_id_fkey" FOREIGN KEY ("office_id", "roster_month_id") REFERENCES "roster_months" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT,
    CONSTRAINT "roster_shifts_office_id_leader_id_fkey" FOREIGN KEY ("office_id", "leader_id") REFERENCES "duty_officers" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT
);
CREATE UNIQUE INDEX "roster_shifts_office_id_id_key" ON "roster_shifts" ("office_id", "id");
CREATE UNIQUE INDEX "roster_shifts_revision_desk_starts_at_key" ON "roster_shifts" ("office_id", "roster_month_id", "revision", "desk_endpoint", "starts_at");
-- who is on a desk at an instant
CREATE INDEX "roster_shifts_office_id_desk_endpoint_starts_at_idx" ON "roster_shifts" ("office_id", "desk_endpoint", "starts_at");

CREATE TABLE "roster_shift_officers" (
    "office_id" TEXT NOT NULL,
    "shift_id" UUID NOT NULL,
    "officer_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "roster_shift_officers_pkey" PRIMARY KEY ("office_id", "shift_id", "officer_id"),
    CONSTRAINT "roster_shift_officers_office_id_shift_id_fkey" FOREIGN KEY ("office_id", "shift_id") REFERENCES "roster_shifts" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT,
    CONSTRAINT "roster_shift_officers_office_id_officer_id_fkey" FOREIGN KEY ("office_id", "officer_id") REFERENCES "duty_officers" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT
);

CREATE TABLE "roster_swap_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "office_id" TEXT NOT NULL,
    "shift_id" UUID NOT NULL,
    "requester_id" UUID NOT NULL,
    "counterpart_id" UUID NOT NULL,
    "counterpart_shift_id" UUID,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by" TEXT NOT NULL,
    "answered_at" TIMESTAMPTZ(3),
    "answered_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" TEXT,
    "decision_note" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "roster_swap_requests_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "roster_swap_requests_office_id_shift_id_fkey" FOREIGN KEY ("office_id", "shift_id") REFERENCES "roster_shifts" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT,
    CONSTRAINT "roster_swap_requests_office_id_counterpart_shift_id_fkey" FOREIGN KEY ("office_id", "counterpart_shift_id") REFERENCES "roster_shifts" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT,
    CONSTRAINT "roster_swap_requests_office_id_requester_id_fkey" FOREIGN KEY ("office_id", "requester_id") REFERENCES "duty_officers" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT,
    CONSTRAINT "roster_swap_requests_office_id_counterpart_id_fkey" FOREIGN KEY ("office_id", "counterpart_id") REFERENCES "duty_officers" ("office_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT
);
CREATE UNIQUE INDEX "roster_swap_requests_office_id_id_key" ON "roster_swap_requests" ("office_id", "id");
CREATE INDEX "roster_swap_requests_office_id_shift_id_idx" ON "roster_swap_requests" ("office_id", "shift_id");
CREATE INDEX "roster_swap_requests_office_id_counterpart_shift_id_idx" ON "roster_swap_requests" ("office_id", "counterpart_shift_id");

-- Nothing is deleted, and the history and a shift's officers are never rewritten either (TRUNCATE,
-- a test's reset, is not a row change).
-- The function's body is an E'' string with \073 for its one semicolon: `prisma migrate deploy`
-- runs migrations through the pg driver adapter, which cuts a script at every semicolon, even
-- inside quotes (so there is none in this file but at the ends of statements).
CREATE FUNCTION "roster_rows_kept"() RETURNS trigger LANGUAGE plpgsql AS
    E'BEGIN RAISE EXCEPTION ''% keeps its rows: % refused'', TG_TABLE_NAME, TG_OP USING ERRCODE = ''restrict_violation''\073 END';
CREATE TRIGGER "duty_officers_kept" BEFORE DELETE ON "duty_officers" FOR EACH ROW EXECUTE FUNCTION "roster_rows_kept"();
CREATE TRIGGER "roster_months_kept" BEFORE DELETE ON "roster_months" FOR EACH ROW EXECUTE FUNCTION "roster_rows_kept"();
CREATE TRIGGER "roster_month_events_kept" BEFORE UPDATE OR DELETE ON "roster_month_events" FOR EACH ROW EXECUTE FUNCTION "roster_rows_kept"();
CREATE TRIGGER "roster_shifts_kept" BEFORE DELETE ON "roster_shifts" FOR EACH ROW EXECUTE FUNCTION "roster_rows_kept"();
CREATE TRIGGER "roster_shift_officers_kept" BEFORE UPDATE OR DELETE ON "roster_shift_officers" FOR EACH ROW EXECUTE FUNCTION "roster_rows_kept"();
CREATE TRIGGER "roster_swap_requests_kept" BEFORE DELETE ON "roster_swap_requests" FOR EACH ROW EXECUTE FUNCTION "roster_rows_kept"();
