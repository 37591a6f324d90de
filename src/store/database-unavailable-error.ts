/**
 * What the stores throw while the database is not open (still connecting, failed or closed).
 * The write queue treats it like any failed write (it retries); the HTTP API answers 503.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}
