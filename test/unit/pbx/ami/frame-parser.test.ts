import { describe, expect, it } from 'vitest';
import { AmiFrameParser, type AmiParserOutput } from '../../../../src/pbx/ami/frame-parser.js';

/** Outputs in a comparable shape: greeting version, header lists, error kinds. */
function summary(outputs: AmiParserOutput[]): unknown[] {
  return outputs.map((o) =>
    o.kind === 'greeting' ? { greeting: o.version } : o.kind === 'frame' ? { headers: o.frame.headers } : { error: o.error.kind },
  );
}

function parseAll(input: string | Buffer, maxFrameBytes?: number): AmiParserOutput[] {
  return new AmiFrameParser({ maxFrameBytes }).push(input);
}

function frames(outputs: AmiParserOutput[]) {
  return outputs.flatMap((o) => (o.kind === 'frame' ? [o.frame] : []));
}

function errors(outputs: AmiParserOutput[]) {
  return outputs.flatMap((o) => (o.kind === 'error' ? [o.error] : []));
}

const STREAM = [
  'Asterisk Call Manager/11.0.0\r\n',
  'Response: Success\r\nActionID: a1\r\nMessage: Authentication accepted\r\n\r\n',
  'Event: Newchannel\r\nPrivilege: call,all\r\nCallerIDName: 张三\r\nLinkedid: 1700000000.1\r\n\r\n',
  'Event: UserEvent\r\nUserEvent: DutyDial\r\nUserEvent: Extra\r\nVariable: A=1\r\nVariable: B=x:y\r\n\r\n',
  'Response: Follows\r\nPrivilege: Command\r\nActionID: a2\r\nline one\n\nName: value\n--END COMMAND--\r\n\r\n',
  'Event: Hangup\r\nCause: 16\r\n\r\n',
].join('');

describe('AmiFrameParser: framing', () => {
  it('reads the greeting, responses and events, keeping header order', () => {
    const out = parseAll(STREAM);
    expect(out[0]).toEqual({ kind: 'greeting', line: 'Asterisk Call Manager/11.0.0', version: '11.0.0' });
    const [login, newchannel, user, follows, hangup] = frames(out);
    expect(login?.response).toBe('Success');
    expect(login?.actionId).toBe('a1');
    expect(newchannel?.headers).toEqual([
      ['Event', 'Newchannel'],
      ['Privilege', 'call,all'],
      ['CallerIDName', '张三'],
      ['Linkedid', '1700000000.1'],
    ]);
    expect(user?.getAll('UserEvent')).toEqual(['DutyDial', 'Extra']);
    expect(follows?.getAll('Output')).toEqual(['line one', '', 'Name: value']);
    expect(hangup?.get('cause')).toBe('16');
    expect(errors(out)).toEqual([]);
  });

  it('gives the same result for every split of the stream into two chunks, and byte by byte', () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    const expected = summary(parseAll(bytes));
    for (let i = 0; i <= bytes.length; i++) {
      const p = new AmiFrameParser();
      const got = [...p.push(bytes.subarray(0, i)), ...p.push(bytes.subarray(i))];
      expect(summary(got), `split at byte ${i}`).toEqual(expected);
      expect(p.bufferedBytes).toBe(0);
    }
    const p = new AmiFrameParser();
    const byByte = [...bytes].flatMap((b) => p.push(Buffer.from([b])));
    expect(summary(byByte)).toEqual(expected);
  });

  it('accepts LF-only and mixed line endings', () => {
    const lf = STREAM.replace(/\r\n/g, '\n');
    expect(summary(parseAll(lf))).toEqual(summary(parseAll(STREAM)));
    const mixed = 'Event: A\nX: 1\r\n\r\nEvent: B\r\n\n';
    expect(frames(parseAll(mixed)).map((f) => f.event)).toEqual(['A', 'B']);
  });

  it('accepts string chunks', () => {
    const p = new AmiFrameParser();
    const out = [...p.push('Event: Dial'), ...p.push('Begin\r\nCallerIDName: 李'), ...p.push('四\r\n\r\n')];
    expect(frames(out)[0]?.headers).toEqual([
      ['Event', 'DialBegin'],
      ['CallerIDName', '李四'],
    ]);
  });

  it('keeps duplicate headers; get() is the first value, case-insensitive', () => {
    const [f] = frames(parseAll('Event: UserEvent\r\nUserEvent: DutyDial\r\nuserevent: Extra\r\n\r\n'));
    expect(f?.get('USEREVENT')).toBe('DutyDial');
    expect(f?.getAll('UserEvent')).toEqual(['DutyDial', 'Extra']);
    expect(f?.getAll('Missing')).toEqual([]);
    expect(f?.get('Missing')).toBeUndefined();
  });

  it('splits a header at the first colon only and keeps empty values', () => {
    const [f] = frames(parseAll('Event: VarSet\r\nValue: a: b:c\r\nEmpty:\r\n\r\n'));
    expect(f?.get('Value')).toBe('a: b:c');
    expect(f?.get('Empty')).toBe('');
  });

  it('ignores blank lines between frames and only takes the first line as greeting', () => {
    const out = parseAll('\r\n\r\nEvent: A\r\n\r\n\r\n\r\nAsterisk Call Manager/1.0\r\n\r\n');
    expect(frames(out).map((f) => f.event)).toEqual(['A']);
    expect(errors(out).map((e) => e.kind)).toEqual(['malformed-line']);
  });
});

describe('AmiFrameParser: malformed input', () => {
  it('reports a garbage frame and delivers the next valid one', () => {
    const out = parseAll('%%garbage%%\r\n\r\nEvent: Hangup\r\nUniqueid: 1.1\r\n\r\n');
    expect(errors(out).map((e) => e.kind)).toEqual(['malformed-line']);
    expect(errors(out)[0]?.message).toContain('%%garbage%%');
    expect(frames(out).map((f) => f.event)).toEqual(['Hangup']);
  });

  it('drops colon-less lines from an event but keeps the event', () => {
    const out = parseAll('garbage\r\nEvent: Hangup\r\nno colon here\r\nUniqueid: 1.1\r\n\r\n');
    expect(errors(out)).toHaveLength(1);
    expect(frames(out)[0]?.headers).toEqual([
      ['Event', 'Hangup'],
      ['Uniqueid', '1.1'],
    ]);
  });

  it('keeps colon-less lines of a response as Output', () => {
    const out = parseAll('Response: Success\r\nMessage: Command output follows\r\nraw output\r\n\r\n');
    expect(errors(out)).toEqual([]);
    expect(frames(out)[0]?.getAll('Output')).toEqual(['raw output']);
  });

  it('never throws and stays bounded on random bytes', () => {
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = Buffer.from('\r\n\r\n:: Event: Response: Follows\n--END COMMAND--\xff\x00ab');
    const p = new AmiFrameParser({ maxFrameBytes: 512 });
    for (let i = 0; i < 2_000; i++) {
      const chunk = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => alphabet[Math.floor(rand() * alphabet.length)] ?? 0));
      expect(() => p.push(chunk)).not.toThrow();
      expect(p.bufferedBytes).toBeLessThanOrEqual(512);
    }
  });
});

describe('AmiFrameParser: size bound', () => {
  it('discards a frame over maxFrameBytes and resyncs at the next blank line', () => {
    const big = `Event: Big\r\n${'X: '.padEnd(2_000, 'y')}\r\nMore: 1\r\n\r\n`;
    for (const chunkSize of [1, 7, 100, 100_000]) {
      const input = Buffer.from(`${big}Event: After\r\nN: 1\r\n\r\n`);
      const p = new AmiFrameParser({ maxFrameBytes: 256 });
      const out: AmiParserOutput[] = [];
      for (let i = 0; i < input.length; i += chunkSize) {
        out.push(...p.push(input.subarray(i, i + chunkSize)));
        expect(p.bufferedBytes).toBeLessThanOrEqual(256);
      }
      expect(errors(out).map((e) => e.kind), `chunk ${chunkSize}`).toEqual(['frame-too-large']);
      expect(frames(out).map((f) => f.event)).toEqual(['After']);
    }
  });

  it('bounds a frame made of many small header lines', () => {
    const many = `Event: Many\r\n${'H: v\r\n'.repeat(1_000)}\r\nEvent: After\r\n\r\n`;
    const p = new AmiFrameParser({ maxFrameBytes: 1_024 });
    const out = p.push(many);
    expect(errors(out).map((e) => e.kind)).toEqual(['frame-too-large']);
    expect(frames(out).map((f) => f.event)).toEqual(['After']);
  });

  it('accepts a frame of exactly maxFrameBytes', () => {
    const body = 'Event: Fit\r\nPad: ';
    const line = `${body}${'p'.repeat(256 - body.length - 2)}\r\n`;
    expect(Buffer.byteLength(line)).toBe(256);
    const out = parseAll(`${line}\r\n`, 256);
    expect(errors(out)).toEqual([]);
    expect(frames(out)[0]?.event).toBe('Fit');
    expect(errors(parseAll(`${line.replace('Pad: ', 'Pad: p')}\r\n`, 256)).map((e) => e.kind)).toEqual(['frame-too-large']);
  });

  it('keeps memory bounded for an endless stream without newlines, and recovers after it', () => {
    const max = 64 * 1024;
    const p = new AmiFrameParser({ maxFrameBytes: max });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const out: AmiParserOutput[] = [];
    let peak = 0;
    for (let i = 0; i < 320; i++) {
      // 20 MiB in all
      out.push(...p.push(chunk));
      peak = Math.max(peak, p.bufferedBytes);
    }
    expect(peak).toBeLessThanOrEqual(max);
    expect(p.bufferedBytes).toBe(0);
    expect(errors(out).map((e) => e.kind)).toEqual(['frame-too-large']);
    const after = p.push('\r\n\r\nEvent: Alive\r\n\r\n');
    expect(frames(after).map((f) => f.event)).toEqual(['Alive']);
  });

  it('resyncs when the blank line after an oversized frame is split across chunks', () => {
    const p = new AmiFrameParser({ maxFrameBytes: 64 });
    const out = [...p.push(`Event: Big\r\nX: ${'z'.repeat(100)}\r`), ...p.push('\n\r'), ...p.push('\nEvent: Ok\r\n\r\n')];
    expect(errors(out).map((e) => e.kind)).toEqual(['frame-too-large']);
    expect(frames(out).map((f) => f.event)).toEqual(['Ok']);
  });
});

describe('AmiFrameParser: Response: Follows (Asterisk ≤ 13 command output)', () => {
  it('turns the output into Output headers, blank lines included, and goes on', () => {
    const out = parseAll(
      'Response: Follows\r\nPrivilege: Command\r\nActionID: c1\r\nChannel  State\n\nPJSIP/desk-1  Ring\n--END COMMAND--\r\n\r\nEvent: Next\r\n\r\n',
    );
    const [cmd, next] = frames(out);
    expect(cmd?.headers).toEqual([
      ['Response', 'Follows'],
      ['Privilege', 'Command'],
      ['ActionID', 'c1'],
      ['Output', 'Channel  State'],
      ['Output', ''],
      ['Output', 'PJSIP/desk-1  Ring'],
    ]);
    expect(next?.event).toBe('Next');
  });

  it('handles the end marker glued to the last output line', () => {
    const [cmd] = frames(parseAll('Response: Follows\r\nActionID: c2\r\nuptime 5s--END COMMAND--\r\n\r\n'));
    expect(cmd?.getAll('Output')).toEqual(['uptime 5s']);
  });

  it('does not swallow later events when the end marker never comes', () => {
    const out = parseAll('Response: Follows\r\nActionID: c3\r\npartial output\r\n\r\nEvent: Newchannel\r\nUniqueid: 1.2\r\n\r\nEvent: Hangup\r\n\r\n');
    expect(errors(out).map((e) => e.kind)).toEqual(['unterminated-follows']);
    expect(frames(out).map((f) => f.event ?? f.response)).toEqual(['Follows', 'Newchannel', 'Hangup']);
    expect(frames(out)[0]?.getAll('Output')).toEqual(['partial output']);
  });

  it('bounds an endless Follows body', () => {
    const p = new AmiFrameParser({ maxFrameBytes: 1_024 });
    const out = [...p.push('Response: Follows\r\n')];
    for (let i = 0; i < 1_000; i++) {
      out.push(...p.push('output line\r\n'));
      expect(p.bufferedBytes).toBeLessThanOrEqual(1_024);
    }
    out.push(...p.push('\r\nEvent: After\r\n\r\n'));
    expect(errors(out).map((e) => e.kind)).toEqual(['frame-too-large']);
    expect(frames(out).map((f) => f.event)).toEqual(['After']);
  });
});
