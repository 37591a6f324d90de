/**
 * Incremental AMI stream parser: bytes in, greeting / frames / protocol errors out.
 *
 * Pure (no I/O, no timers) and total: whatever bytes arrive, push() returns and never throws.
 * Memory is bounded by maxFrameBytes: a frame (or a line without newline) that grows past it is
 * dropped with a 'frame-too-large' error, and the parser skips to the next blank line.
 */
import { AmiFrame, type AmiHeader } from './ami-frame.js';
import { AmiProtocolError, excerpt } from './errors.js';

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

export type AmiParserOutput =
  | { readonly kind: 'greeting'; readonly line: string; readonly version: string }
  | { readonly kind: 'frame'; readonly frame: AmiFrame }
  | { readonly kind: 'error'; readonly error: AmiProtocolError };

const LF = 0x0a;
const CR = 0x0d;
const GREETING = /^Asterisk Call Manager\/(\S+)/;
const FOLLOWS_START = /^Response\s*:\s*Follows\s*$/i;
const RESPONSE_START = /^Response\s*:/i;
/** A line that can open a new frame; used to notice a `Response: Follows` that never ended. */
const FRAME_START = /^(Event|Response)\s*:/i;
/** Headers Asterisk (≤ 13) put between `Response: Follows` and the raw command output. */
const FOLLOWS_HEADER = /^(Privilege|ActionID)\s*:/i;
const END_COMMAND = '--END COMMAND--';

export class AmiFrameParser {
  readonly maxFrameBytes: number;

  private expectGreeting = true;
  /** Bytes of the line being received (no newline seen yet). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Complete lines of the frame being received. */
  private lines: string[] = [];
  private frameBytes = 0;
  /** Inside a legacy `Response: Follows` body, where blank lines do not end the frame. */
  private inFollows = false;
  private followsBlanks = 0;
  /** Skipping an oversized frame up to the next blank line; only the current line's length is kept. */
  private discarding = false;
  private discardLen = 0;
  private discardFirstByte = -1;

  constructor(options: { maxFrameBytes?: number } = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 64) throw new RangeError(`maxFrameBytes must be an integer ≥ 64, got ${max}`);
    this.maxFrameBytes = max;
  }

  /** Bytes held for the frame in progress; never more than maxFrameBytes. */
  get bufferedBytes(): number {
    return this.frameBytes + this.partialBytes;
  }

  push(chunk: Buffer | string): AmiParserOutput[] {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: AmiParserOutput[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(LF, pos);
      const end = nl === -1 ? buf.length : nl;
      if (this.discarding) {
        pos = this.skip(buf, pos, end, nl !== -1);
        continue;
      }
      const seg = buf.subarray(pos, end);
      const lineBytes = this.partialBytes + seg.length;
      if (nl === -1) {
        if (this.frameBytes + lineBytes > this.maxFrameBytes) {
          this.startDiscard(out, seg);
          continue;
        }
        // Copy: a subarray would pin the whole socket chunk in memory.
        this.partial.push(Buffer.from(seg));
        this.partialBytes = lineBytes;
        pos = end;
        continue;
      }
      const blank = lineBytes === 0 || (lineBytes === 1 && (seg.length === 1 ? seg[0] : this.partial[0]?.[0]) === CR);
      if (!blank && this.frameBytes + lineBytes + 1 > this.maxFrameBytes) {
        this.startDiscard(out, seg);
        continue;
      }
      const line = this.takeLine(seg);
      pos = nl + 1;
      this.handleLine(line, lineBytes + 1, out);
    }
    return out;
  }

  private takeLine(seg: Buffer): string {
    const raw = this.partial.length === 0 ? seg : Buffer.concat([...this.partial, seg]);
    this.partial = [];
    this.partialBytes = 0;
    const len = raw.length > 0 && raw[raw.length - 1] === CR ? raw.length - 1 : raw.length;
    return raw.toString('utf8', 0, len);
  }

  private handleLine(line: string, rawBytes: number, out: AmiParserOutput[]): void {
    if (this.expectGreeting) {
      this.expectGreeting = false;
      const m = GREETING.exec(line);
      if (m?.[1] !== undefined) {
        out.push({ kind: 'greeting', line, version: m[1] });
        return;
      }
    }
    if (this.inFollows) {
      this.followsLine(line, rawBytes, out);
      return;
    }
    if (line === '') {
      if (this.lines.length > 0) this.finishFrame(out);
      return;
    }
    if (this.lines.length === 0 && FOLLOWS_START.test(line)) this.inFollows = true;
    this.lines.push(line);
    this.frameBytes += rawBytes;
  }

  private followsLine(line: string, rawBytes: number, out: AmiParserOutput[]): void {
    if (line.endsWith(END_COMMAND)) {
      this.flushFollowsBlanks();
      const rest = line.slice(0, -END_COMMAND.length);
      if (rest !== '') this.lines.push(rest);
      this.finishFollows(out);
      return;
    }
    if (line === '') {
      this.followsBlanks++;
      this.frameBytes += rawBytes;
      return;
    }
    if (this.followsBlanks > 0 && FRAME_START.test(line)) {
      out.push({
        kind: 'error',
        error: new AmiProtocolError('unterminated-follows', `'Response: Follows' ended without ${END_COMMAND} before`, excerpt(line)),
      });
      this.finishFollows(out);
      this.handleLine(line, rawBytes, out);
      return;
    }
    this.flushFollowsBlanks();
    this.lines.push(line);
    this.frameBytes += rawBytes;
  }

  private flushFollowsBlanks(): void {
    for (; this.followsBlanks > 0; this.followsBlanks--) this.lines.push('');
  }

  /** Legacy command output becomes `Output` headers, the same shape Asterisk ≥ 14 sends. */
  private finishFollows(out: AmiParserOutput[]): void {
    const [first = 'Response: Follows', ...rest] = this.lines;
    const headers: AmiHeader[] = [splitHeader(first) ?? ['Response', 'Follows']];
    let inHeaders = true;
    for (const line of rest) {
      const header = inHeaders && FOLLOWS_HEADER.test(line) ? splitHeader(line) : undefined;
      if (header) {
        headers.push(header);
      } else {
        inHeaders = false;
        headers.push(['Output', line]);
      }
    }
    this.resetFrame();
    out.push({ kind: 'frame', frame: new AmiFrame(headers) });
  }

  private finishFrame(out: AmiParserOutput[]): void {
    const lines = this.lines;
    this.resetFrame();
    const isResponse = RESPONSE_START.test(lines[0] ?? '');
    const headers: AmiHeader[] = [];
    const bad: string[] = [];
    for (const line of lines) {
      const header = splitHeader(line);
      if (header) headers.push(header);
      else if (isResponse) headers.push(['Output', line]);
      else bad.push(line);
    }
    if (bad.length > 0) {
      const what = headers.length > 0 ? `${bad.length} line(s) without ':' dropped from a frame` : 'frame without any header discarded';
      out.push({ kind: 'error', error: new AmiProtocolError('malformed-line', what, excerpt(bad[0] ?? '')) });
    }
    if (headers.length > 0) out.push({ kind: 'frame', frame: new AmiFrame(headers) });
  }

  private resetFrame(): void {
    this.lines = [];
    this.frameBytes = 0;
    this.inFollows = false;
    this.followsBlanks = 0;
  }

  private startDiscard(out: AmiParserOutput[], seg: Buffer): void {
    const head = this.lines[0] ?? (this.partial[0] ?? seg).subarray(0, 80).toString('utf8');
    out.push({
      kind: 'error',
      error: new AmiProtocolError('frame-too-large', `AMI frame over ${this.maxFrameBytes} bytes discarded`, excerpt(head)),
    });
    this.discarding = true;
    this.discardLen = this.partialBytes;
    this.discardFirstByte = this.partial[0]?.[0] ?? -1;
    this.partial = [];
    this.partialBytes = 0;
    this.resetFrame();
  }

  /** Consume buf[pos, end) (+ the newline at end, if any) while discarding; returns the new position. */
  private skip(buf: Buffer, pos: number, end: number, hasNewline: boolean): number {
    if (end > pos && this.discardLen === 0) this.discardFirstByte = buf[pos] ?? -1;
    this.discardLen += end - pos;
    if (!hasNewline) return end;
    const blank = this.discardLen === 0 || (this.discardLen === 1 && this.discardFirstByte === CR);
    this.discardLen = 0;
    this.discardFirstByte = -1;
    if (blank) this.discarding = false;
    return end + 1;
  }
}

function splitHeader(line: string): AmiHeader | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon).trim();
  if (name === '') return undefined;
  return [name, line.slice(colon + 1).replace(/^[ \t]+/, '')];
}
