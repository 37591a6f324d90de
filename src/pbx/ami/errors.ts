/** Errors of the AMI client. Every failure the client reports is one of these, never a bare throw. */
import type { AmiFrame } from './ami-frame.js';

export type AmiErrorCode =
  | 'auth'
  | 'action'
  | 'timeout'
  | 'not-connected'
  | 'disconnected'
  | 'protocol';

export abstract class AmiError extends Error {
  abstract readonly code: AmiErrorCode;
}

/** Asterisk answered `Action: Login` with `Response: Error` (wrong user or secret, ACL, …). */
export class AmiAuthError extends AmiError {
  readonly code = 'auth';
  override readonly name = 'AmiAuthError';
  constructor(
    readonly username: string,
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`AMI login as '${username}' rejected by ${endpoint}: ${reason}`);
  }
}

/** Asterisk answered an action with `Response: Error`. */
export class AmiActionError extends AmiError {
  readonly code = 'action';
  override readonly name = 'AmiActionError';
  constructor(
    readonly action: string,
    readonly reason: string,
    readonly frame: AmiFrame,
  ) {
    super(`AMI action ${action} failed: ${reason}`);
  }
}

/** No (complete) answer within the time limit: an action, a connect, or a login. */
export class AmiTimeoutError extends AmiError {
  readonly code = 'timeout';
  override readonly name = 'AmiTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    cause?: Error,
  ) {
    super(
      `${what} timed out after ${timeoutMs} ms` + (cause ? ` (last error: ${cause.message})` : ''),
      cause === undefined ? undefined : { cause },
    );
  }
}

/** An action was asked for while no logged-in session exists; it was not sent. */
export class AmiNotConnectedError extends AmiError {
  readonly code = 'not-connected';
  override readonly name = 'AmiNotConnectedError';
  constructor(
    readonly action: string,
    readonly state: string,
  ) {
    super(`AMI action ${action} not sent: client is ${state}, not connected`);
  }
}

/** The session ended (socket closed, error, stop()) while an action awaited its answer. */
export class AmiDisconnectedError extends AmiError {
  readonly code = 'disconnected';
  override readonly name = 'AmiDisconnectedError';
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

export type AmiProtocolErrorKind =
  | 'malformed-line'
  | 'frame-too-large'
  | 'unterminated-follows'
  | 'unknown-frame'
  | 'unexpected-response';

/** Bytes from the server that do not make a usable AMI message. Reported, never thrown. */
export class AmiProtocolError extends AmiError {
  readonly code = 'protocol';
  override readonly name = 'AmiProtocolError';
  constructor(
    readonly kind: AmiProtocolErrorKind,
    message: string,
    /** A short, escaped excerpt of the offending bytes, for logs. */
    readonly sample?: string,
  ) {
    super(sample === undefined ? message : `${message}: ${sample}`);
  }
}

/** Printable excerpt of untrusted text for error messages and logs. */
export function excerpt(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
