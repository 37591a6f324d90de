/**
 * Rules for what users type and what sessions last, pure: user names (the sign-in handle),
 * labels (display names, token names), the password policy, and a session's idle and absolute
 * expiry. Each check answers with the problem in words, or null when there is none.
 */

/** Code points that make text lie about itself: bidirectional overrides and isolates, and the invisible marks. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** C0 and C1 control characters, NUL included. */
const CONTROL = /\p{Cc}/u;
/** In a u-regex a well-formed pair is one code point: this matches only a lone surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;

/** What makes text unusable as a name or a label, or null. */
function textProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate (not valid Unicode text)';
  if (CONTROL.test(text)) return 'contains a control character (NUL, newline, …)';
  if (BIDI_CONTROLS.test(text)) return 'contains a bidirectional control character (RTL/LTR mark, override or isolate)';
  return null;
}

export const USER_NAME_MAX = 64;
const USER_NAME = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}._-]*$/u;

/**
 * The sign-in name as stored and compared: NFKC, trimmed, lower case ("Zhang.San " and
 * "zhang.san" are one user). Names are unique across the install, since sign-in is by name alone.
 */
export function normalizeUserName(name: string): string {
  if (LONE_SURROGATE.test(name)) return name;
  return name.normalize('NFKC').trim().toLowerCase();
}

/** The problem with a user name (before or after normalizeUserName), or null. */
export function userNameProblem(name: string): string | null {
  const text = textProblem(name);
  if (text) return text;
  const normal = normalizeUserName(name);
  if (normal.length === 0) return 'is empty';
  if ([...normal].length > USER_NAME_MAX) return `is longer than ${USER_NAME_MAX} characters`;
  if (!USER_NAME.test(normal)) return 'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"';
  return null;
}

export const LABEL_MAX = 100;

/** A label as stored: NFC, trimmed. */
export function normalizeLabel(label: string): string {
  if (LONE_SURROGATE.test(label)) return label;
  return label.normalize('NFC').trim();
}

/** The problem with a label (a display name, a token's name), or null. */
export function labelProblem(label: string): string | null {
  const text = textProblem(label);
  if (text) return text;
  const normal = normalizeLabel(label);
  if (normal.length === 0) return 'is empty';
  if ([...normal].length > LABEL_MAX) return `is longer than ${LABEL_MAX} characters`;
  return null;
}

/**
 * The problem with free text people write (a reason, a note), or null: not blank, at most `max`
 * characters, valid text; line breaks and tabs are allowed, other control characters not.
 */
export function freeTextProblem(text: string, max: number): string | null {
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate (not valid Unicode text)';
  if (/[^\P{Cc}\t\n\r]/u.test(text)) return 'contains a control character (NUL, …)';
  if (BIDI_CONTROLS.test(text)) return 'contains a bidirectional control character (RTL/LTR mark, override or isolate)';
  if (text.trim().length === 0) return 'is empty';
  if ([...text].length > max) return `is longer than ${max} characters`;
  return null;
}

export const PASSWORD_MIN = 12;
/** Bounded so that hashing a sign-in attempt costs the same whatever is sent. */
export const PASSWORD_MAX = 256;
const COMMON_PASSWORDS = new Set([
  '123456789012', '1234567890123', 'password1234', 'password12345', 'passwordpassword', 'qwertyuiop12', 'qwertyuiopas',
  '1q2w3e4r5t6y', 'administrator', 'iloveyou1234', 'abcdefghijkl', 'abc123abc123', 'letmein12345', 'welcome12345',
  'duty-hotline', 'dutyhotline1', 'changeme1234', 'zhimakaimen1', 'woaini123456', 'a1b2c3d4e5f6',
]);

/**
 * The problem with a password someone is setting, or null: 12 to 256 characters, valid text with
 * no control characters, at least 5 different characters, not the user name, not a common one.
 */
export function passwordProblem(password: string, context: { userName?: string } = {}): string | null {
  if (password.length === 0) return 'the password is empty';
  if (LONE_SURROGATE.test(password)) return 'the password contains a lone surrogate (not valid Unicode text)';
  if (CONTROL.test(password)) return 'the password contains a control character (NUL, tab, newline, …)';
  const chars = [...password.normalize('NFKC')];
  if (chars.length < PASSWORD_MIN) return `the password is too short: ${chars.length} characters, at least ${PASSWORD_MIN} needed`;
  if (chars.length > PASSWORD_MAX) return `the password is too long: ${chars.length} characters, at most ${PASSWORD_MAX}`;
  if (new Set(chars).size < 5) return 'the password has too few different characters (at least 5)';
  const lower = password.normalize('NFKC').toLowerCase();
  const name = context.userName ? normalizeUserName(context.userName) : '';
  if (name.length >= 3 && lower.includes(name)) return 'the password contains the user name';
  if (COMMON_PASSWORDS.has(lower)) return 'the password is a commonly used one';
  return null;
}

/** The problem with a password someone signs in with (its shape only), or null. */
export function signInPasswordProblem(password: string): string | null {
  if (password.length === 0) return 'is empty';
  if (LONE_SURROGATE.test(password)) return 'contains a lone surrogate (not valid Unicode text)';
  if ([...password].length > PASSWORD_MAX) return `is longer than ${PASSWORD_MAX} characters`;
  return null;
}

/** How long sessions last: idle (since last seen) and absolute (since sign-in). */
export interface SessionPolicy {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** Last-seen (and a token's last-used) is written at most this often. */
  touchIntervalMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 12 * 60 * 60_000,
  touchIntervalMs: 60_000,
};

export type SessionState =
  | { kind: 'active'; expiresAt: Date; touch: boolean }
  | { kind: 'expired'; reason: 'idle' | 'absolute'; at: Date };

/** Whether a session is still good at `now`, until when, and whether to record it was seen. */
export function sessionState(session: { createdAt: Date; lastSeenAt: Date }, now: Date, policy: SessionPolicy): SessionState {
  const absolute = session.createdAt.getTime() + policy.absoluteTimeoutMs;
  const idle = session.lastSeenAt.getTime() + policy.idleTimeoutMs;
  const t = now.getTime();
  if (t >= absolute) return { kind: 'expired', reason: 'absolute', at: new Date(absolute) };
  if (t >= idle) return { kind: 'expired', reason: 'idle', at: new Date(idle) };
  const touch = t - session.lastSeenAt.getTime() >= policy.touchIntervalMs;
  const nextIdle = (touch ? t : session.lastSeenAt.getTime()) + policy.idleTimeoutMs;
  return { kind: 'active', expiresAt: new Date(Math.min(absolute, nextIdle)), touch };
}

/** Whether a last-used instant is old enough to write again. */
export function touchDue(lastAt: Date | null, now: Date, policy: SessionPolicy): boolean {
  return lastAt === null || now.getTime() - lastAt.getTime() >= policy.touchIntervalMs;
}
