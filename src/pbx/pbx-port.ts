/**
 * The PBX as the rest of the service sees it: one two-way port. Events come out (what happens
 * to calls, as domain CallEvents, and whether the PBX can be heard); commands go in (its clock,
 * the calls it has live, placing a call, a CLI command, reloading the dialplan).
 *
 * Nothing here names the PBX's wire protocol: an implementation translates (src/pbx/asterisk/
 * asterisk-port.ts for Asterisk over AMI). Whatever the implementation must do when the
 * connection is lost (forget what it followed) it does before telling its listeners.
 */
import type { CallEvent } from '../core/call/call-events.js';
import type { Clock } from '../platform/clock.js';

/** idle: not started; auth-failed: the PBX refused our login (it retries); stopped: stop() ran. */
export type PbxConnectionState = 'idle' | 'connecting' | 'connected' | 'auth-failed' | 'disconnected' | 'stopped';

/** Counters and a state snapshot, for /healthz. */
export interface PbxStats {
  state: PbxConnectionState;
  connectedSince: Date | undefined;
  /** Why the last connection or login failed; cleared by a successful login. */
  lastError: string | undefined;
  eventsReceived: number;
  /** Connection attempts after the first one. */
  reconnects: number;
  /** Bytes from the PBX that did not make a message (ignored). */
  protocolErrors: number;
}

export interface PbxPortEvents {
  /** Something happened to a call the port follows (it follows calls it saw begin). */
  call: (event: CallEvent) => void;
  /** The PBX can be heard (again): logged in, events flowing. */
  connected: () => void;
  /**
   * The PBX cannot be heard any more (it retries). Every call the port followed is forgotten
   * before this is told: their later events, if any, are not reported.
   */
  disconnected: (reason: Error) => void;
  /** A call the port does not follow (up before it listened, or forgotten) lost one of its channels: it may be gone. */
  unfollowedHangup: (callId: string) => void;
}

/** A call as the PBX's own log has it, whole: its events in order, ending with CallEnded. */
export interface PbxLogCall {
  callId: string;
  events: CallEvent[];
  /** Where the call starts in the log: reading from here gives it again. */
  position: number;
}

/**
 * The PBX's own record of its calls, kept whatever this service does (Asterisk: CEL), read from a
 * position: the calls that ended there, and the position to read from next (calls not ended yet
 * are read again then). Positions are the log's own (a byte offset for a file, the id of a call's end for a table); `source` names the
 * log, so a position is never used with another one.
 */
export interface PbxCallLog {
  readonly source: string;
  read(from: number): Promise<{ calls: PbxLogCall[]; next: number; done: boolean; skippedLines: number }>;
  /** Lets go of what reading holds open (a database connection). */
  close?(): Promise<void>;
}

/** A tone's cadence: how long it sounds, then how long it is silent, per cycle. */
export interface ToneCadence {
  onMs: number;
  offMs: number;
}

/** A call the service places to an office phone (a spot check, a hand-over call). */
export interface OriginateRequest {
  /** The phone to call: its PBX endpoint name, e.g. "desk". */
  endpoint: string;
  /** How long the phone rings before the PBX gives up on it. */
  timeoutMs: number;
  /** What the called phone shows as the caller. */
  callerId?: { number?: string; name?: string };
  /** Once answered, how long the PBX keeps the line open (silence) before it hangs up. Default 1 s. */
  holdMs?: number;
}

export type PbxErrorKind =
  /** Could not connect or log in within the time allowed. */
  | 'unreachable'
  /** Not connected: the command was not sent. */
  | 'not-connected'
  /** The PBX refused the command (its own words in `output`). */
  | 'refused'
  /** No answer in time, or the connection was lost while waiting. */
  | 'failed';

/** A command the PBX did not carry out. The message says what and why, for a person to act on. */
export class PbxError extends Error {
  override readonly name = 'PbxError';
  constructor(
    readonly kind: PbxErrorKind,
    message: string,
    /** What the PBX printed, when it refused. */
    readonly output: readonly string[] = [],
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Commands that need no event stream: what `dialplan check` and `dialplan apply` use. */
export interface PbxCommands {
  /** Run a PBX CLI command; resolves with its output lines. */
  command(cli: string): Promise<string[]>;
  /** Reload the dialplan; resolves with the PBX's answer lines. */
  reloadDialplan(): Promise<string[]>;
}

export interface PbxPort extends PbxCommands {
  readonly state: PbxConnectionState;
  stats(): PbxStats;
  /** Subscribe; returns the unsubscribe function. A throwing listener is logged, never breaks the port. */
  on<K extends keyof PbxPortEvents>(event: K, listener: PbxPortEvents[K]): () => void;

  /** Connect and stay connected (reconnecting) until stop(). Returns at once. */
  start(): void;
  /** Disconnect for good; pending commands are rejected. */
  stop(): Promise<void>;
  /** Resolves once connected; rejects with a PbxError ('unreachable') after timeoutMs. */
  waitUntilConnected(timeoutMs?: number): Promise<void>;

  /**
   * The PBX's clock: this host's clock shifted by the offset its event timestamps show. Call
   * deadlines are PBX times, so timers for them run on this clock.
   */
  readonly clock: Clock;
  /**
   * The PBX's time now, asked of the PBX. It answers on the ordered event stream, so once this
   * resolves every event it stamped earlier has been delivered: the witness of a deadline.
   * Rejects when the PBX cannot be asked or does not answer within timeoutMs.
   */
  time(timeoutMs?: number): Promise<Date>;
  /** The PBX time of the last event heard from it (undefined before the first). */
  lastHeard(): Date | undefined;
  /** Stop following one call: its later events are not reported (it ended as lost). */
  forget(callId: string): void;

  /** The ids of the calls the PBX has live now. */
  liveCalls(): Promise<Set<string>>;
  /**
   * Place a call to an office phone. Resolves with the id the call has in CallEvents once the
   * PBX took the request; its events say 'originated'. Rejects with a PbxError when refused.
   */
  originate(request: OriginateRequest): Promise<string>;
  /** The ringing tone the PBX plays callers in a tone zone; undefined when it has none. */
  ringTone(zone: string): Promise<ToneCadence | undefined>;
}
