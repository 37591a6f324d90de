-- Access control ("Who was on duty"): users, their browser sessions and API tokens, and the
-- audit log of who read which duty record (src/access/). Sign-in is by name alone: names are
-- unique across the install. Secrets are stored as SHA-256 hashes, passwords as scrypt hashes.
-- users.officer_id names an officer of the roster with no foreign key: access and the roster
-- migrate on their own. The audit log is only ever inserted into: nothing is updated or deleted.
-- (No semicolon may appear but between statements, in comments or function bodies either:
-- `prisma migrate deploy` through @prisma/adapter-pg splits the script at every one.)
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "office_id" TEXT NOT NULL,
    "officer_id" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_name_key" ON "users" ("name");

CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "address" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id");
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "api_tokens_user_id_created_at_idx" ON "api_tokens" ("user_id", "created_at" DESC);
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The name, role and office of the user are copied as they were, and there is no foreign key: the log outlives
-- whatever happens to a user row.
CREATE TABLE "audit_log_entries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "user_id" UUID NOT NULL,
    "user_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "office_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "ids" JSONB NOT NULL DEFAULT '[]',
    "query" JSONB NOT NULL DEFAULT '{}',
    "address" TEXT,

    CONSTRAINT "audit_log_entries_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_log_entries_at_idx" ON "audit_log_entries" ("at" DESC);
CREATE INDEX "audit_log_entries_user_id_at_idx" ON "audit_log_entries" ("user_id", "at" DESC);
CREATE INDEX "audit_log_entries_office_id_at_idx" ON "audit_log_entries" ("office_id", "at" DESC);
