import Type, { type Static } from 'typebox';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Endpoints = Type.Array(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }), { uniqueItems: true });

const AmiSettings = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Intersect([Port], { default: 5038 }),
    username: Type.String({ minLength: 1, default: 'duty' }),
    secret: Type.String({ minLength: 1, default: 'duty-secret' }),
    actionTimeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
    reconnectInitialMs: Type.Integer({ minimum: 10, default: 250 }),
    reconnectMaxMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { default: {}, additionalProperties: false },
);

/** A table Asterisk's cel_pgsql writes (sql/asterisk-cel.sql): `cel` or `schema.cel`; empty: none. */
const CelTable = Type.String({ pattern: '^$|^[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?$', default: '' });

const EndpointSettings = Type.Object(
  {
    desk: Type.Intersect([Endpoints], { default: ['desk'] }),
    fallback: Type.Intersect([Endpoints], { default: ['leader'] }),
    bureau: Type.Intersect([Endpoints], { default: ['bureau'] }),
  },
  { default: {}, additionalProperties: false },
);

/**
 * One office whose PBX the service watches: its own AMI connection, endpoints and schedule file.
 * Every call and record is stored under its id.
 */
const OfficeSettings = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    /** Shown to people, e.g. "市政府总值班室". */
    name: Type.String({ default: '' }),
    ami: AmiSettings,
    endpoints: EndpointSettings,
    schedule: Type.Object({ file: Type.String({ minLength: 1, default: 'dialplan/schedule.example.yaml' }) }, { default: {}, additionalProperties: false }),
    /** This office's PBX event log (CEL): the file cel_custom writes or the table cel_pgsql writes (one of them); neither: no calls are rebuilt for it. */
    cel: Type.Object({ file: Type.String({ default: '' }), table: CelTable }, { default: {}, additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** Everything the service can be told. Defaults are a working sandbox setup. */
export const ConfigSchema = Type.Object(
  {
    /** The PBX's AMI (the default office's, when `offices` is empty). */
    ami: AmiSettings,
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        /** Behind a reverse proxy: take the client's address from X-Forwarded-For (the audit log records it; sign-in limits count by it). */
        trustProxy: Type.Boolean({ default: false }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** The duty subsidy (值班补助, seed 000 §三.2) the monthly tally computes, in fen (分, 100 = 1 yuan); the defaults are placeholders. */
    subsidy: Type.Object(
      {
        basis: Type.Enum(['duty-day', 'shift'], { default: 'duty-day' }),
        amountPerUnitFen: Type.Integer({ minimum: 0, maximum: 100_000_000, default: 5000 }),
        absenceDeductionFen: Type.Integer({ minimum: 0, maximum: 100_000_000, default: 5000 }),
        mistakeDeductionFen: Type.Integer({ minimum: 0, maximum: 100_000_000, default: 2000 }),
        /** Per mistake kind instead of mistakeDeductionFen, e.g. { "unreported-incident": 5000 }. */
        mistakeDeductionByKindFen: Type.Object(
          Object.fromEntries(['unrecorded-call', 'hand-over', 'unreported-incident', 'late-or-early', 'other'].map((kind) => [kind, Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 }))])),
          { default: { 'unreported-incident': 5000 }, additionalProperties: false },
        ),
        floorAtZero: Type.Boolean({ default: true }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** The duty log's deadlines (src/core/duty-log/duty-log-deadlines.ts). */
    dutyLog: Type.Object(
      {
        /** After the end of its shift (or the answer, with no shift known), how long an answered call's entry may stay incomplete. */
        completionGraceMs: Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600_000, default: 3600_000 }),
        /** What an entry still incomplete then makes: absence (seed 000 §二.2 有事漏记视为离岗) or mistake (漏记). */
        incompleteRecordType: Type.Enum(['absence', 'mistake'], { default: 'absence' }),
        /** A major incident's oral and written reports are due this long after the call (seed 001 第十六条: 1 h, 2 h). */
        oralReportMs: Type.Integer({ minimum: 60_000, default: 3600_000 }),
        writtenReportMs: Type.Integer({ minimum: 60_000, default: 7_200_000 }),
        /** How often the deadlines are checked (and once the database opens). */
        sweepIntervalMs: Type.Integer({ minimum: 50, maximum: 3600_000, default: 60_000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** Calls rebuilt from the PBX's own event log (src/calls/call-rebuild.ts) for the times the service was not watching. */
    cel: Type.Object(
      {
        /** The JSON-lines file Asterisk's cel_custom writes (of the office "default", when `offices` is empty); empty: none. */
        file: Type.String({ default: '' }),
        /** Or the table Asterisk's cel_pgsql writes (sql/asterisk-cel.sql), in cel.databaseUrl; empty: none. Neither: no rebuild. */
        table: CelTable,
        /** The PostgreSQL database that holds the cel tables; empty: the service's own (database.url). */
        databaseUrl: Type.String({ default: '' }),
        /** Besides at start and after every AMI (re)connection, the log is read this often. */
        rebuildIntervalMs: Type.Integer({ minimum: 100, maximum: 3600_000, default: 60_000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** Live missed-call alerts (src/alerts/): server-sent events for the open views, and webhooks. */
    alerts: Type.Object(
      {
        /** Where each alert is POSTed (JSON, signed with the secret: X-Duty-Signature), retried with backoff until a 2xx. */
        webhooks: Type.Array(
          Type.Object(
            {
              id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
              url: Type.String({ pattern: '^https?://[^\\s]+$' }),
              /** The HMAC-SHA256 key the receiver checks the signature with. */
              secret: Type.String({ minLength: 16 }),
              /** The offices whose alerts it gets; empty: all. */
              offices: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
        webhookTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
        /** Attempts per delivery before it is given up (failed, in the delivery log). */
        webhookMaxAttempts: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
        webhookRetryInitialMs: Type.Integer({ minimum: 10, default: 1000 }),
        webhookRetryMaxMs: Type.Integer({ minimum: 100, default: 600_000 }),
        /** How often due deliveries are looked for (a new alert is sent at once). */
        webhookPollMs: Type.Integer({ minimum: 50, maximum: 600_000, default: 1000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** The watch log (src/watch/watch-log.ts): the periods duty-hotline was not watching, for the reports. */
    watch: Type.Object(
      {
        /** How often the service writes its heartbeat: after a crash, the service-down gap starts at the last one. */
        heartbeatMs: Type.Integer({ minimum: 50, maximum: 600_000, default: 15_000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** Hand-overs between shifts (src/core/handover/handover.ts, seed 002 §二(三)). */
    handover: Type.Object(
      {
        /** The reminder (the fact handover.reminder, and the log) this long before a shift ends; the note may be written from then on. */
        reminderLeadMs: Type.Integer({ minimum: 60_000, maximum: 24 * 3600_000, default: 3600_000 }),
        /** After the change, how long the incoming officer has to acknowledge before the hand-over is flagged. */
        acknowledgeGraceMs: Type.Integer({ minimum: 0, maximum: 24 * 3600_000, default: 1_800_000 }),
        /** How often the reminders due are looked for. */
        checkIntervalMs: Type.Integer({ minimum: 50, maximum: 3600_000, default: 30_000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** Sign-in, sessions and API tokens (src/access/access-settings.ts). */
    access: Type.Object(
      {
        /** A session ends after this long unused, and at the latest this long after sign-in. */
        sessionIdleMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 30 }),
        sessionMaxHours: Type.Integer({ minimum: 1, maximum: 7 * 24, default: 12 }),
        cookieName: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', default: 'dh_session' }),
        /** Send the session cookie over HTTPS only (set it when the API is served over TLS, directly or behind a proxy); also turns HSTS on. */
        cookieSecure: Type.Boolean({ default: false }),
        /** Failed sign-ins of one name from one address allowed per signInWindowMinutes before 429. */
        signInMaxFailures: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
        signInWindowMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 15 }),
        /** Sign-in attempts per address per minute, failed or not (each costs a password hash). */
        signInAttemptsPerMinute: Type.Integer({ minimum: 1, maximum: 10_000, default: 30 }),
        maxTokensPerUser: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
      },
      { default: {}, additionalProperties: false },
    ),
    database: Type.Object(
      {
        /** PostgreSQL URL; when empty the embedded PGlite database in dataDir is used. */
        url: Type.String({ default: '' }),
        dataDir: Type.String({ minLength: 1, default: './data/pglite' }),
        /** Where writes still unstored at shutdown (database down) are kept; re-queued at the next start. */
        spillDir: Type.String({ minLength: 1, default: './data/spill' }),
        /** Backoff between attempts to open the database while it is unreachable (exponential, jittered). */
        openRetryInitialMs: Type.Integer({ minimum: 10, default: 500 }),
        openRetryMaxMs: Type.Integer({ minimum: 100, default: 10_000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    rings: Type.Object(
      {
        threshold: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
        onMs: Type.Integer({ minimum: 1, default: 1000 }),
        offMs: Type.Integer({ minimum: 0, default: 4000 }),
        /** After the N-th ring is over (PBX clock), wait this long, then ask the PBX for its clock whether it has passed; decide when it says so. */
        decisionGraceMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 50 }),
        /** A PBX that does not answer that question within this long decides nothing: the call ends interrupted. */
        deadlineCheckTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 2_000 }),
        /** The PBX's tone zone (indications.conf) whose ringing tone must match onMs/offMs; checked at every AMI connection. */
        toneZone: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_-]+$', default: 'cn' }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** What each PBX endpoint is for (the default office's, when `offices` is empty). */
    endpoints: EndpointSettings,
    /** The duty schedule and the dialplan rendered from it (`duty-hotline dialplan …`, `route`, `calendar import`). */
    schedule: Type.Object(
      {
        /** The schedule file (YAML). The default is the seed office's schedule (000 §一.2), so a fresh clone and the sandbox route calls. */
        file: Type.String({ minLength: 1, default: 'dialplan/schedule.example.yaml' }),
        /** Where `calendar import` keeps imported years of the State Council notice. */
        calendarOverrides: Type.String({ minLength: 1, default: 'data/calendar-overrides.json' }),
        /** Years to render dated rules for; empty: every year the holiday calendar has, from the current year on. */
        years: Type.Array(Type.Integer({ minimum: 2000, maximum: 2100 }), { uniqueItems: true, default: [] }),
        /** Where `dialplan render` writes the generated files (the repo's copy the sandbox loads). */
        generatedDir: Type.String({ minLength: 1, default: 'dialplan/generated' }),
        /** The live PBX's generated-dialplan folder (`dialplan diff` / `apply`); empty: the sandbox's, <sandboxRoot>/etc/asterisk/dialplan/generated. */
        liveDir: Type.String({ default: '' }),
        /** The PBX sandbox root (scripts/pbx.sh) that `dialplan check` loads the dialplan into. */
        sandboxRoot: Type.String({ minLength: 1, default: '.cache/pbx/root' }),
        /** Seconds each phone after the desk rings (fallback chain, bureau), unless [globals] says otherwise. */
        fallbackRingTimeoutS: Type.Integer({ minimum: 1, maximum: 600, default: 60 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /**
     * Several offices watched by one service (each its own PBX). Empty: one office, "default",
     * described by the top-level ami, endpoints and schedule.file (a single-office config as before).
     */
    offices: Type.Array(OfficeSettings, { default: [] }),
    log: Type.Object(
      { level: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }) },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** Environment variables that override config-file values: name → dotted config path. */
export const ENV_OVERRIDES: Record<string, string> = {
  DATABASE_URL: 'database.url',
  DUTY_DATA_DIR: 'database.dataDir',
  DUTY_SPILL_DIR: 'database.spillDir',
  DUTY_AMI_HOST: 'ami.host',
  DUTY_AMI_PORT: 'ami.port',
  DUTY_AMI_USER: 'ami.username',
  DUTY_AMI_SECRET: 'ami.secret',
  DUTY_HTTP_HOST: 'http.host',
  DUTY_HTTP_PORT: 'http.port',
  DUTY_RING_THRESHOLD: 'rings.threshold',
  DUTY_RING_ON_MS: 'rings.onMs',
  DUTY_RING_OFF_MS: 'rings.offMs',
  DUTY_DESK_ENDPOINTS: 'endpoints.desk',
  DUTY_LOG_LEVEL: 'log.level',
  DUTY_SCHEDULE_FILE: 'schedule.file',
  DUTY_CEL_FILE: 'cel.file',
  DUTY_CEL_TABLE: 'cel.table',
  DUTY_CEL_DATABASE_URL: 'cel.databaseUrl',
  DUTY_CALENDAR_OVERRIDES: 'schedule.calendarOverrides',
  DUTY_SCHEDULE_YEARS: 'schedule.years',
  DUTY_DIALPLAN_GENERATED_DIR: 'schedule.generatedDir',
  DUTY_DIALPLAN_LIVE_DIR: 'schedule.liveDir',
  DUTY_PBX_ROOT: 'schedule.sandboxRoot',
  DUTY_FALLBACK_RING_TIMEOUT_S: 'schedule.fallbackRingTimeoutS',
  DUTY_TRUST_PROXY: 'http.trustProxy',
  DUTY_COOKIE_SECURE: 'access.cookieSecure',
};
