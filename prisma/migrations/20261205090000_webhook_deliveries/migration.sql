-- Live missed-call alerts are POSTed to the office's webhooks: the delivery log, one row per
-- webhook and alert with every attempt, is also the queue of the deliveries still pending.
-- (No semicolon may appear but between statements: `prisma migrate deploy` splits the script at every one.)
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "webhook_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "office_id" TEXT NOT NULL,
    "alert_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" JSONB NOT NULL DEFAULT '[]',
    "next_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_alert_id_key" ON "webhook_deliveries"("webhook_id", "alert_id");

CREATE INDEX "webhook_deliveries_state_next_attempt_at_idx" ON "webhook_deliveries"("state", "next_attempt_at");

CREATE INDEX "webhook_deliveries_office_id_created_at_idx" ON "webhook_deliveries"("office_id", "created_at");
