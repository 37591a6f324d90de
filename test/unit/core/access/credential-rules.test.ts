/** User names, labels, the password policy and session expiry (pure). */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SESSION_POLICY,
  labelProblem,
  normalizeLabel,
  normalizeUserName,
  passwordProblem,
  sessionState,
  signInPasswordProblem,
  touchDue,
  userNameProblem,
} from '../../../../src/core/access/credential-rules.js';

const at = (iso: string) => new Date(iso);

describe('user names', () => {
  it('are compared normalized: NFKC, trimmed, lower case', () => {
    expect(normalizeUserName(' Zhang.San ')).toBe('zhang.san');
    expect(normalizeUserName('ＺＨＡＮＧ')).toBe('zhang'); // full-width letters
    expect(normalizeUserName('张三')).toBe('张三');
  });

  it.each([
    ['zhang.san', null],
    ['张三', null],
    ['li_4-x', null],
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['.hidden', 'must start with a letter or digit'],
    ['a b', 'must start with a letter or digit and hold only letters'],
    ['x'.repeat(65), 'is longer than 64 characters'],
    ['bad\u0000name', 'contains a control character'],
    ['evil\u202Egnp.exe', 'contains a bidirectional control character'],
    ['\uD800lone', 'contains a lone surrogate'],
  ])('%j → %s', (name, problem) => {
    const found = userNameProblem(name);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });
});

describe('labels (display names, token names)', () => {
  it.each([
    ['nightly export', null],
    ['值班主任 王五', null],
    ['', 'is empty'],
    [' \t', 'contains a control character'],
    ['x'.repeat(101), 'is longer than 100 characters'],
    ['a\u200Fb', 'bidirectional control'],
    ['line\nbreak', 'control character'],
    ['\uDFFF', 'lone surrogate'],
  ])('%j → %s', (label, problem) => {
    const found = labelProblem(label);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it('are stored NFC and trimmed', () => {
    expect(normalizeLabel('  Cafe\u0301 ')).toBe('Café');
  });
});

describe('the password policy', () => {
  it.each([
    ['', 'the password is empty'],
    ['short-pw', 'too short: 8 characters, at least 12'],
    ['aaaaaaaaaaaaaaaa', 'too few different characters'],
    ['abababababababab', 'too few different characters'],
    ['password1234', 'commonly used'],
    ['PASSWORD1234', 'commonly used'],
    ['zhang.san-2026!', 'contains the user name'],
    ['tab\there-is-long', 'control character'],
    ['nul\u0000-is-long-enough', 'control character'],
    ['\uD800-lone-surrogate-pw', 'lone surrogate'],
    ['x1'.repeat(129), 'too long: 258 characters, at most 256'],
  ])('%j is refused: %s', (password, problem) => {
    expect(passwordProblem(password, { userName: 'Zhang.San' })).toContain(problem);
  });

  it.each(['correct horse battery staple', '值班电话三声必接！2026', 'Tr0ub4dor&3xyz'])('%j is accepted', (password) => {
    expect(passwordProblem(password, { userName: 'zhang.san' })).toBeNull();
  });

  it('counts characters, not UTF-16 units: 12 CJK characters are enough', () => {
    expect(passwordProblem('一二三四五六七八九十百千')).toBeNull();
    expect(passwordProblem('😀😁😂🤣😃😄😅😆😉😊😋')).toContain('too short: 11 characters');
  });

  it('a sign-in password is checked for its shape only', () => {
    expect(signInPasswordProblem('x')).toBeNull();
    expect(signInPasswordProblem('')).toBe('is empty');
    expect(signInPasswordProblem('\uDC00')).toContain('lone surrogate');
    expect(signInPasswordProblem('x'.repeat(257))).toContain('longer than 256');
  });
});

describe('session expiry', () => {
  const policy = { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000, touchIntervalMs: 60_000 };
  const createdAt = at('2026-11-23T00:00:00Z');

  it('defaults: 30 min idle, 12 h absolute', () => {
    expect(DEFAULT_SESSION_POLICY).toEqual(policy);
  });

  it('is active until idle for the idle timeout, and says when it ends', () => {
    expect(sessionState({ createdAt, lastSeenAt: createdAt }, at('2026-11-23T00:00:30Z'), policy)).toEqual({ kind: 'active', expiresAt: at('2026-11-23T00:30:00Z'), touch: false });
    expect(sessionState({ createdAt, lastSeenAt: createdAt }, at('2026-11-23T00:29:59.999Z'), policy)).toMatchObject({ kind: 'active', touch: true, expiresAt: at('2026-11-23T00:59:59.999Z') });
    expect(sessionState({ createdAt, lastSeenAt: createdAt }, at('2026-11-23T00:30:00Z'), policy)).toEqual({ kind: 'expired', reason: 'idle', at: at('2026-11-23T00:30:00Z') });
  });

  it('ends 12 h after sign-in however busy', () => {
    const lastSeenAt = at('2026-11-23T11:59:00Z');
    expect(sessionState({ createdAt, lastSeenAt }, at('2026-11-23T11:59:30Z'), policy)).toEqual({ kind: 'active', expiresAt: at('2026-11-23T12:00:00Z'), touch: false });
    expect(sessionState({ createdAt, lastSeenAt }, at('2026-11-23T12:00:00Z'), policy)).toEqual({ kind: 'expired', reason: 'absolute', at: at('2026-11-23T12:00:00Z') });
  });

  it('last-used is written at most once per touch interval', () => {
    expect(touchDue(null, createdAt, policy)).toBe(true);
    expect(touchDue(createdAt, at('2026-11-23T00:00:59Z'), policy)).toBe(false);
    expect(touchDue(createdAt, at('2026-11-23T00:01:00Z'), policy)).toBe(true);
  });
});
