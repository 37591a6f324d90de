-- CreateTable
CREATE TABLE "call_log_entries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pbx_call_id" TEXT NOT NULL,
    "caller_number" TEXT,
    "caller_name" TEXT,
    "dialed" TEXT,
    "offered_at" TIMESTAMPTZ(3) NOT NULL,
    "desk_endpoint" TEXT,
    "desk_ringing_at" TIMESTAMPTZ(3),
    "answered_at" TIMESTAMPTZ(3),
    "answered_by" TEXT,
    "ring_count" INTEGER,
    "ended_at" TIMESTAMPTZ(3),
    "outcome" TEXT NOT NULL,
    "timeline" JSONB NOT NULL DEFAULT '[]',
    "caller_unit" TEXT,
    "content" TEXT,
    "handling" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "call_log_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discipline_records" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "type" TEXT NOT NULL,
    "pbx_call_id" TEXT NOT NULL,
    "officer" TEXT,
    "desk_endpoint" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "discipline_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "call_log_entries_pbx_call_id_key" ON "call_log_entries"("pbx_call_id");

-- CreateIndex
CREATE INDEX "call_log_entries_offered_at_idx" ON "call_log_entries"("offered_at" DESC);

-- CreateIndex
CREATE INDEX "call_log_entries_outcome_offered_at_idx" ON "call_log_entries"("outcome", "offered_at" DESC);

-- CreateIndex
CREATE INDEX "discipline_records_occurred_at_idx" ON "discipline_records"("occurred_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "discipline_records_pbx_call_id_type_key" ON "discipline_records"("pbx_call_id", "type");
