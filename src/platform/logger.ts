import pino, { type Logger } from 'pino';

/** pino JSON to stdout; children carry callId (per call) and component names. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'duty-hotline' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
