/**
 * Reports as CSV files people open in Excel or WPS: UTF-8 with a byte-order mark (without it
 * both read the file as the local code page, GBK, and the Chinese headers come out garbled), a
 * header row, RFC 4180 quoting, CRLF line ends, and cells that start like a formula escaped
 * (OWASP "CSV injection": a leading apostrophe, so `=HYPERLINK(…)` in a caller's name stays text).
 *
 * The rows come from an async iterable and leave as a Node stream the route hands to
 * `reply.send()`: pulled as the client reads, so a whole result is never in memory (backpressure:
 * the next rows are asked for only when the socket has taken what was sent).
 */
import { Readable } from 'node:stream';

/** The UTF-8 byte-order mark Excel and WPS take as "this file is UTF-8". */
export const BOM = '\uFEFF';
export const CRLF = '\r\n';

/** What a cell may hold: text, a number, a boolean, an instant (ISO-8601); null and undefined are empty. */
export type CsvValue = string | number | boolean | Date | null | undefined;

export interface CsvColumn<T> {
  /** The header row's label. */
  header: string;
  value: (row: T) => CsvValue;
}

/** A cell starting with one of these is a formula (or becomes one once trimmed) to a spreadsheet: = + - @ TAB CR (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** RFC 4180: a field holding a quote, the separator or a line break is quoted. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell as CSV text. Text (and instants) starting like a formula get a leading apostrophe;
 * numbers and booleans are the program's own and are written as they are (so -1 stays a number).
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const raw = value instanceof Date ? value.toISOString() : value;
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record: its cells, comma-separated, and CRLF. */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + CRLF;
}

export interface CsvOptions {
  /** Rows are gathered into chunks of about this many characters (UTF-16 units) before they are sent. Default 64 Ki. */
  chunkSize?: number;
}

const DEFAULT_CHUNK_SIZE = 64 * 1024;

/**
 * The file as string chunks: BOM and header row, then the rows, gathered into chunks of about
 * `chunkSize` characters. Lazy: rows are read as chunks are asked for. Stopping early (return())
 * stops `rows` too (for await … closes it).
 */
export async function* csvChunks<T>(columns: readonly CsvColumn<T>[], rows: AsyncIterable<T> | Iterable<T>, options: CsvOptions = {}): AsyncGenerator<string, void, undefined> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let chunk = BOM + csvLine(columns.map((c) => c.header));
  for await (const row of rows) {
    chunk += csvLine(columns.map((c) => c.value(row)));
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * The file as a byte stream for `reply.send()`. Resolves once the first chunk is ready, so that
 * what fails before any byte is sent (the database down, a bad query) rejects here and is
 * answered as an error, not a cut-off 200. After that an error destroys the stream (Fastify cuts
 * the response off and logs it); so does a client that goes away, which stops `rows` (its
 * `finally` runs: return() reaches it whether or not the stream ever started flowing).
 */
export async function csvStream<T>(columns: readonly CsvColumn<T>[], rows: AsyncIterable<T> | Iterable<T>, options: CsvOptions = {}): Promise<Readable> {
  const chunks = csvChunks(columns, rows, options);
  let primed: IteratorResult<string, void> | null = await chunks.next();
  const source: AsyncIterableIterator<string> = {
    next: async () => {
      if (!primed) return chunks.next();
      const first = primed;
      primed = null;
      return first;
    },
    return: async () => {
      primed = null;
      return chunks.return();
    },
    throw: async (err: unknown) => {
      primed = null;
      return chunks.throw(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  // Bytes, not objects: strings are encoded as UTF-8 (a lone surrogate becomes U+FFFD).
  return Readable.from(source, { objectMode: false, highWaterMark: options.chunkSize ?? DEFAULT_CHUNK_SIZE });
}

/**
 * A Content-Disposition for a download: an ASCII `filename` for old clients, and the real one
 * (Chinese) as RFC 5987/6266 `filename*` in UTF-8, which browsers prefer.
 */
export function attachment(fileName: string, asciiFallback: string): string {
  const ascii = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
