/**
 * Opens the database in the background, so the service runs (and queues its writes) while
 * the database is down at start: attempts until one succeeds, with exponential backoff, one
 * warning per failed attempt. Until then stores() throws DatabaseUnavailableError.
 *
 * A broken migration is not retried: the same SQL would fail again forever. It ends in the
 * 'failed' state and resolves `failed`, for the service to stop with the error. A migration
 * interrupted by a lost connection is a connection failure like any other and is retried.
 */
import type { Database, DatabaseKind } from './database.js';
import { DatabaseUnavailableError } from './database-unavailable-error.js';
import type { StoreLogger } from '../store-logger.js';
import { MigrationError } from './migrate.js';
import { checkRetryOptions, retryDelay, type RetryOptions } from '../outbox/retry-delay.js';
import { errorSummary } from '../outbox/write-queue.js';

export type DatabaseState = 'connecting' | 'open' | 'failed' | 'closed';

export interface DatabaseStatus {
  kind: DatabaseKind;
  state: DatabaseState;
  /** Open attempts started so far. */
  attempts: number;
  /** Why the last attempt failed; null once open. */
  lastError: string | null;
}

export interface DatabaseOpenerOptions<S> {
  kind: DatabaseKind;
  /** One attempt: opens and migrates (openDatabase), or throws. */
  open: () => Promise<Database>;
  /** The stores over the open database. */
  stores: (db: Database) => S;
  logger: StoreLogger;
  retry: RetryOptions;
}

/**
 * SQLSTATE classes of failures that say nothing about the migration's SQL: connection
 * exception, transaction rollback (deadlock, serialization), insufficient resources,
 * operator intervention (shutdown, starting up), system error.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * A migration the database refused (bad SQL, constraint violation) or one recorded as failed
 * by an earlier run: retrying cannot help. Anything else (no SQLSTATE: socket errors,
 * "Connection terminated"; or a transient SQLSTATE) is worth retrying.
 */
export function isBrokenMigration(err: unknown): boolean {
  if (!(err instanceof MigrationError)) return false;
  if (err.cause === undefined) return true; // recorded as failed in _prisma_migrations
  const code = typeof err.cause === 'object' && err.cause !== null && 'code' in err.cause ? err.cause.code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

export class DatabaseOpener<S> {
  readonly #opts: DatabaseOpenerOptions<S>;
  readonly #retry: Required<RetryOptions>;
  #state: DatabaseState = 'connecting';
  #attempts = 0;
  #lastError: string | null = null;
  #db: Database | undefined;
  #stores: S | undefined;
  #running: Promise<void> | undefined;
  #sleep: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  #resolveOpened!: () => void;
  #resolveFailed!: (err: Error) => void;
  /** Resolves when the database is open. */
  readonly opened = new Promise<void>((resolve) => (this.#resolveOpened = resolve));
  /** Resolves with the error when opening has given up (a broken migration). */
  readonly failed = new Promise<Error>((resolve) => (this.#resolveFailed = resolve));

  constructor(options: DatabaseOpenerOptions<S>) {
    this.#opts = options;
    this.#retry = checkRetryOptions('DatabaseOpener', options.retry);
  }

  /** Starts the attempts; returns at once. */
  start(): void {
    this.#running ??= this.#run();
  }

  /** The stores of the open database; throws DatabaseUnavailableError until it is open. */
  stores(): S {
    if (this.#stores !== undefined) return this.#stores;
    throw new DatabaseUnavailableError(this.#unavailableReason());
  }

  status(): DatabaseStatus {
    return { kind: this.#opts.kind, state: this.#state, attempts: this.#attempts, lastError: this.#lastError };
  }

  /** Stops the attempts (waiting for one in progress) and closes the database if open. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stores = undefined;
    if (this.#sleep) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
    }
    await this.#running;
    await this.#db?.close();
  }

  #unavailableReason(): string {
    switch (this.#state) {
      case 'closed':
        return 'database not available: the service is shutting down';
      case 'failed':
        return `database not available: ${this.#lastError ?? 'opening failed'}`;
      default:
        return `database not available yet: ${this.#lastError ?? 'connecting'}`;
    }
  }

  async #run(): Promise<void> {
    const { kind, logger } = this.#opts;
    while (this.#state === 'connecting') {
      this.#attempts++;
      let db: Database;
      try {
        db = await this.#opts.open();
      } catch (err) {
        if (this.#state !== 'connecting') return;
        this.#lastError = errorSummary(err);
        if (isBrokenMigration(err)) {
          this.#state = 'failed';
          logger.error({ database: kind, err: this.#lastError }, 'database migration failed; not retrying (fix the migration or the database, then start again)');
          this.#resolveFailed(err as Error);
          return;
        }
        const delayMs = retryDelay(this.#attempts, this.#retry);
        logger.warn({ database: kind, attempt: this.#attempts, retryInMs: delayMs, err: this.#lastError }, 'cannot open the database; will retry');
        await new Promise<void>((wake) => (this.#sleep = { timer: setTimeout(wake, delayMs), wake }));
        this.#sleep = undefined;
        continue;
      }
      this.#db = db;
      if (this.#state !== 'connecting') return; // closed meanwhile: close() closes it
      this.#stores = this.#opts.stores(db);
      this.#state = 'open';
      this.#lastError = null;
      logger.info({ database: kind, attempts: this.#attempts, migrationsApplied: db.migrations?.applied ?? [] }, 'database open');
      this.#resolveOpened();
    }
  }
}
