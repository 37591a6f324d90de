import type { Logger } from 'pino';

/** The slice of a pino logger the store layer uses (pino loggers and children fit). */
export type StoreLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
