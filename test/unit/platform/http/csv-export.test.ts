/**
 * The CSV writer of every export: BOM and header row, RFC 4180 quoting, CRLF, formula cells
 * escaped (OWASP CSV injection), CJK and emoji as UTF-8; the stream it makes is lazy
 * (backpressure: rows are read only as the reader takes chunks), stops its rows when destroyed,
 * and answers an error before the first byte by rejecting. Read back with csv-parse.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { attachment, BOM, csvCell, csvChunks, csvLine, csvStream, type CsvColumn, type CsvValue } from '../../../../src/platform/http/csv-export.js';

interface Row {
  name: CsvValue;
  n?: CsvValue;
}
const COLUMNS: CsvColumn<Row>[] = [
  { header: '姓名', value: (r) => r.name },
  { header: '次数', value: (r) => r.n },
];

/** The whole stream as one string (UTF-8 decoded, the BOM kept). */
async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as string));
  return Buffer.concat(parts).toString('utf8');
}

/** A CSV file's records, as Excel would split them (BOM dropped). */
const records = (csv: string): string[][] => parse(csv, { bom: true, relax_column_count: false }) as string[][];

async function* rowsOf(names: CsvValue[]): AsyncGenerator<Row> {
  for (const name of names) yield { name };
}

describe('csvCell', () => {
  it('leaves plain text, CJK and emoji as they are', () => {
    expect(csvCell('张三')).toBe('张三');
    expect(csvCell('值班 🚒 Ünïcödé')).toBe('值班 🚒 Ünïcödé');
    expect(csvCell("O'Brien")).toBe("O'Brien");
    expect(csvCell('1+1')).toBe('1+1');
  });

  it('empty cells: null, undefined and the empty string', () => {
    expect([csvCell(null), csvCell(undefined), csvCell('')]).toEqual(['', '', '']);
  });

  it('quotes a cell with a quote, a comma, CR or LF (RFC 4180), doubling its quotes', () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvCell('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell('"')).toBe('""""');
    expect(csvCell('，中文逗号')).toBe('，中文逗号');
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example","点我")', `"'=HYPERLINK(""http://evil.example"",""点我"")"`],
    ['+', '+8613800138000', "'+8613800138000"],
    ['-', '-2+3', "'-2+3"],
    ['@', '@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['TAB', '\t=1+1', "'\t=1+1"],
    ['CR', '\r=1+1', `"'\r=1+1"`],
    ['= alone', '=', "'="],
    ['= and a comma', '=1,2', `"'=1,2"`],
  ])('a cell starting with %s gets a leading apostrophe', (_what, value, written) => {
    expect(csvCell(value)).toBe(written);
    const [[cell]] = records(written + '\r\n') as [[string]];
    expect(cell).toBe(`'${value}`);
  });

  it('only the first character counts', () => {
    for (const value of [' =1+1', 'a=b', '１＝１', '＝1+1', "'=1", '张=三', '\n=1']) expect(records(csvLine([value])), JSON.stringify(value)).toEqual([[value]]);
  });

  it('numbers and booleans are written as they are (the program wrote them, not a caller): -1 stays a number', () => {
    expect([csvCell(3), csvCell(-1), csvCell(0), csvCell(1.5), csvCell(true), csvCell(false)]).toEqual(['3', '-1', '0', '1.5', 'true', 'false']);
  });

  it('an instant is its ISO-8601 form', () => {
    expect(csvCell(new Date('2026-12-01T00:30:00.000Z'))).toBe('2026-12-01T00:30:00.000Z');
  });

  it('any string survives the trip through csv-parse (with the apostrophe when it looks like a formula)', () => {
    // A small deterministic generator over the characters that matter.
    const alphabet = ['a', '值', '😀', '"', ',', '\r', '\n', '\r\n', '=', '+', '-', '@', '\t', "'", ' ', ';', '\u202e', '\u0000'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const value = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join('');
      const line = csvLine([value, 'end']);
      expect(records(line), JSON.stringify(value)).toEqual([[/^[=+\-@\t\r]/.test(value) ? `'${value}` : value, 'end']]);
    }
  });
});

describe('csvLine', () => {
  it('joins cells with commas and ends in CRLF', () => {
    expect(csvLine(['a', null, 2, 'b,c'])).toBe('a,,2,"b,c"\r\n');
    expect(csvLine([])).toBe('\r\n');
  });
});

describe('csvChunks', () => {
  it('the file: BOM, the header row, one line per row, CRLF everywhere', async () => {
    const chunks: string[] = [];
    for await (const chunk of csvChunks(COLUMNS, [{ name: '张三', n: 3 }, { name: null }, { name: '=1+1', n: -1 }])) chunks.push(chunk);
    expect(chunks.join('')).toBe(`${BOM}姓名,次数\r\n张三,3\r\n,\r\n'=1+1,-1\r\n`);
  });

  it('with no rows: the BOM and the header row', async () => {
    const chunks: string[] = [];
    for await (const chunk of csvChunks(COLUMNS, [])) chunks.push(chunk);
    expect(chunks).toEqual([`${BOM}姓名,次数\r\n`]);
  });

  it('headers are cells too: quoted and escaped like any', async () => {
    const columns: CsvColumn<Row>[] = [{ header: '=danger', value: () => 1 }, { header: '名,称', value: () => 2 }];
    const { value } = await csvChunks(columns, []).next();
    expect(value).toBe(`${BOM}'=danger,"名,称"\r\n`);
  });

  it('gathers rows into chunks of about chunkSize characters, reading rows only as chunks are asked for', async () => {
    let read = 0;
    async function* rows() {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield { name: 'x'.repeat(98) }; // 100 characters a line with its CRLF
      }
    }
    const chunks = csvChunks(COLUMNS, rows(), { chunkSize: 1000 });
    const first = await chunks.next();
    expect(first.value!.length).toBeGreaterThanOrEqual(1000);
    expect(first.value!.length).toBeLessThan(1100);
    expect(read).toBeLessThanOrEqual(10);
    const rest: string[] = [];
    for await (const chunk of chunks) rest.push(chunk);
    expect(read).toBe(1000);
    expect(records(first.value! + rest.join(''))).toHaveLength(1001);
  });
});

describe('csvStream', () => {
  it('UTF-8 bytes starting with EF BB BF; CJK and emoji (astral, 4 bytes) intact', async () => {
    const stream = await csvStream(COLUMNS, rowsOf(['李四', '🚒😀', '👍🏽 ok', 'Ünïcödé']));
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    const bytes = Buffer.concat(parts);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from('🚒😀', 'utf8'))).toBe(true);
    expect(records(bytes.toString('utf8'))).toEqual([['姓名', '次数'], ['李四', ''], ['🚒😀', ''], ['👍🏽 ok', ''], ['Ünïcödé', '']]);
  });

  it('an emoji split across two chunks is still one character (chunks are strings, encoded whole)', async () => {
    const stream = await csvStream(COLUMNS, rowsOf(Array.from({ length: 200 }, () => '😀'.repeat(7))), { chunkSize: 17 });
    const rows = records(await text(stream));
    expect(rows).toHaveLength(201);
    for (const [name] of rows.slice(1)) expect(name).toBe('😀'.repeat(7));
  });

  it('a lone surrogate (no text) does not break the file: it becomes U+FFFD', async () => {
    const rows = records(await text(await csvStream(COLUMNS, rowsOf(['a\ud800b', 'next']))));
    expect(rows.slice(1)).toEqual([['a\ufffdb', ''], ['next', '']]);
  });

  it('a large stream (200 000 rows, ~9 MB) arrives whole, in order', async () => {
    async function* rows() {
      for (let i = 0; i < 200_000; i++) yield { name: `来电人 ${i}, "第${i}号" =${i}`, n: i };
    }
    const csv = await text(await csvStream(COLUMNS, rows()));
    expect(csv.length).toBeGreaterThan(5_000_000);
    const parsed = records(csv);
    expect(parsed).toHaveLength(200_001);
    expect(parsed[1]).toEqual(['来电人 0, "第0号" =0', '0']);
    expect(parsed[200_000]).toEqual(['来电人 199999, "第199999号" =199999', '199999']);
  });

  it('backpressure: while the reader is slow, rows are read only a few chunks ahead of it', async () => {
    let produced = 0;
    async function* rows() {
      for (let i = 0; i < 20_000; i++) {
        produced++;
        yield { name: 'y'.repeat(98) }; // 100 bytes a line
      }
    }
    const stream = await csvStream(COLUMNS, rows(), { chunkSize: 1000 });
    // Nobody reads: the stream fills its buffer (highWaterMark: one chunk) and stops asking.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(produced).toBeLessThan(50);

    let written = 0;
    let furthestAhead = 0;
    const slow = new Writable({
      highWaterMark: 1000,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        furthestAhead = Math.max(furthestAhead, produced * 100 - written);
        setImmediate(done);
      },
    });
    await pipeline(stream, slow);
    expect(produced).toBe(20_000);
    expect(written).toBeGreaterThan(2_000_000);
    // A few chunks (reader's buffer, stream's buffer, the chunk being built) of 1000 bytes: far from 2 MB.
    expect(furthestAhead).toBeLessThan(10_000);
  });

  it('rejects when the rows fail before the first chunk: the route answers an error, not a 200', async () => {
    async function* failing(): AsyncGenerator<Row> {
      yield* [];
      throw new Error('database down');
    }
    await expect(csvStream(COLUMNS, failing())).rejects.toThrow('database down');
  });

  it('a failure after the first chunk destroys the stream with it', async () => {
    async function* failing(): AsyncGenerator<Row> {
      for (let i = 0; i < 100; i++) yield { name: 'z'.repeat(100) };
      throw new Error('connection lost');
    }
    const stream = await csvStream(COLUMNS, failing(), { chunkSize: 500 });
    await expect(text(stream)).rejects.toThrow('connection lost');
  });

  it.each([
    ['destroyed before it was ever read', 0],
    ['destroyed after a few chunks', 3],
  ])('%s: the rows are stopped (their finally runs) and read no further', async (_what, chunksRead) => {
    let produced = 0;
    let finished = false;
    async function* rows() {
      try {
        for (let i = 0; i < 1_000_000; i++) {
          produced++;
          yield { name: 'w'.repeat(98) };
        }
      } finally {
        finished = true;
      }
    }
    const stream = await csvStream(COLUMNS, rows(), { chunkSize: 1000 });
    const closed = new Promise((resolve) => stream.once('close', resolve));
    if (chunksRead > 0) {
      let seen = 0;
      for await (const _chunk of stream) if (++seen === chunksRead) break; // breaking out destroys the stream
    } else {
      stream.destroy();
    }
    await closed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(true);
    expect(produced).toBeLessThan(100);
  });

  it('a failure in the rows\' finally (an audit entry that cannot be written) is the stream\'s error', async () => {
    async function* rows() {
      try {
        for (let i = 0; i < 1000; i++) yield { name: 'v'.repeat(98) };
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new Error('audit write failed');
      }
    }
    const stream = await csvStream(COLUMNS, rows(), { chunkSize: 1000 });
    await expect(text(stream)).rejects.toThrow('audit write failed');
  });
});

describe('attachment', () => {
  it('an ASCII filename and the UTF-8 filename* (RFC 6266 / 5987)', () => {
    expect(attachment('值班记录-2026-12.csv', 'calls-2026-12.csv')).toBe(`attachment; filename="calls-2026-12.csv"; filename*=UTF-8''%E5%80%BC%E7%8F%AD%E8%AE%B0%E5%BD%95-2026-12.csv`);
  });

  it("the fallback is kept printable ASCII without quotes or backslashes; filename* encodes ' ( ) * too", () => {
    expect(attachment("a'b(c)*d 值.csv", 'a"b\\c\r\n值.csv')).toBe(`attachment; filename="a_b_c___.csv"; filename*=UTF-8''a%27b%28c%29%2Ad%20%E5%80%BC.csv`);
    expect(decodeURIComponent("a%27b%28c%29%2Ad%20%E5%80%BC.csv")).toBe("a'b(c)*d 值.csv");
  });
});
