/**
 * What the stores throw while the database cannot be used: not open (still connecting, failed
 * or closed), or its connection lost after it was open. The write queue treats it like any
 * failed write (it retries); the HTTP API answers 503 DATABASE_UNAVAILABLE.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Prisma's codes for "cannot reach / lost the server": P1001 unreachable, P1002 and P1008 timeouts, P1017 connection closed, P2024 no pooled connection in time. */
const CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Driver-adapter error kinds that say the same. */
const CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** SQLSTATE: connection exception (08…), server shutting down or starting (57P01-57P03), too many connections (53300). */
const CONNECTION_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** What pg and Node say when the socket is gone. */
const CONNECTION_MESSAGE = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * The error as a DatabaseUnavailableError when it says the database connection is lost or the
 * server unreachable (not a bad query); undefined otherwise.
 */
export function asDatabaseUnavailable(err: unknown): DatabaseUnavailableError | undefined {
  if (err instanceof DatabaseUnavailableError) return err;
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } } };
  const cause = e.meta?.driverAdapterError?.cause;
  const lost =
    (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || CONNECTION_SQLSTATE.test(e.code))) ||
    (typeof cause?.kind === 'string' && CONNECTION_KINDS.has(cause.kind)) ||
    (typeof cause?.code === 'string' && CONNECTION_SQLSTATE.test(cause.code)) ||
    CONNECTION_MESSAGE.test(e.message);
  if (!lost) return undefined;
  const what = typeof e.code === 'string' ? e.code : typeof cause?.kind === 'string' ? cause.kind : e.message.split('\n')[0];
  return new DatabaseUnavailableError(`database not available: connection lost (${what})`, { cause: err });
}

/** Runs a store call; a lost connection becomes DatabaseUnavailableError, anything else is rethrown as it is. */
export async function unavailableOnConnectionLoss<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw asDatabaseUnavailable(err) ?? err;
  }
}
