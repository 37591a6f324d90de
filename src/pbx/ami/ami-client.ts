/**
 * AMI client that stays connected: connect, wait for the greeting, log in, deliver events,
 * reconnect with backoff on any loss. Nothing it does may throw into a socket callback:
 * failures become states, events, logs and rejected promises.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createConnection } from 'node:net';
import { pino, type Logger } from 'pino';
import type { AmiFrame } from './ami-frame.js';
import { AmiConnection, type AmiResponse } from './ami-connection.js';
import type { AmiActionFields } from './action-encoder.js';
import { backoffDelay } from './backoff.js';
import { AmiActionError, AmiAuthError, AmiDisconnectedError, AmiNotConnectedError, AmiTimeoutError, type AmiProtocolError } from './errors.js';
import { DEFAULT_MAX_FRAME_BYTES } from './frame-parser.js';

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Per action, including Login and event lists up to their completion event. */
  actionTimeoutMs?: number;
  /** TCP connect plus the `Asterisk Call Manager/…` greeting. */
  connectTimeoutMs?: number;
  maxFrameBytes?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Send `Action: Ping` this often while connected; no answer within actionTimeoutMs drops the session. 0 disables. */
  pingIntervalMs?: number;
  logger?: Logger;
  /** Login `Events:` value: 'on', 'off' or an event-class list such as 'call,user'. */
  events?: string;
}

export type AmiClientState = 'idle' | 'connecting' | 'connected' | 'auth-failed' | 'disconnected' | 'stopped';

export interface AmiClientEvents {
  event: [frame: AmiFrame];
  connected: [];
  /** The client is not connected any more (session lost or connect attempt failed); it will retry. */
  disconnected: [reason: Error];
  'auth-error': [error: AmiAuthError];
  'protocol-error': [error: AmiProtocolError];
  reconnecting: [info: { attempt: number; delayMs: number }];
}

/** Counters and a state snapshot, for /healthz. */
export interface AmiClientStats {
  state: AmiClientState;
  connectedSince: Date | undefined;
  /** Message of the last connection/login error; cleared by a successful login. */
  lastError: string | undefined;
  eventsReceived: number;
  /** Connect attempts after the first one. */
  reconnects: number;
  logins: number;
  protocolErrors: number;
  /** Exceptions thrown by our listeners (caught and logged). */
  listenerErrors: number;
}

const LOGOFF_GRACE_MS = 1_000;
/** After this many protocol errors on one connection, log only every LOG_EVERY-th. */
const PROTOCOL_ERRORS_LOGGED = 20;
const LOG_EVERY = 1_000;

export class AmiClient extends EventEmitter<AmiClientEvents> {
  readonly endpoint: string;
  private readonly opts: Required<Omit<AmiClientOptions, 'logger' | 'reconnect'>> & {
    initialDelayMs: number;
    maxDelayMs: number;
  };
  private readonly log: Logger;
  private readonly idPrefix = `dh-${randomBytes(4).toString('hex')}-`;
  private idSeq = 0;

  private _state: AmiClientState = 'idle';
  private _lastError: Error | undefined;
  private _connectedSince: Date | undefined;
  private _serverVersion: string | undefined;
  private readonly _stats: Omit<AmiClientStats, 'state' | 'connectedSince' | 'lastError'> = { eventsReceived: 0, reconnects: 0, logins: 0, protocolErrors: 0, listenerErrors: 0 };

  private conn: AmiConnection | undefined;
  private loggedIn = false;
  private failures = 0;
  private protocolErrorsOnConn = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private stopWaiters: Array<() => void> = [];

  constructor(options: AmiClientOptions) {
    super();
    const o = {
      host: options.host,
      port: options.port,
      username: options.username,
      secret: options.secret,
      actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      events: options.events ?? 'on',
      initialDelayMs: options.reconnect?.initialDelayMs ?? 250,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 10_000,
    };
    for (const key of ['actionTimeoutMs', 'connectTimeoutMs', 'initialDelayMs', 'maxDelayMs'] as const) {
      if (!(o[key] > 0)) throw new RangeError(`AmiClient: ${key} must be > 0, got ${o[key]}`);
    }
    if (!(o.pingIntervalMs >= 0)) throw new RangeError(`AmiClient: pingIntervalMs must be ≥ 0, got ${o.pingIntervalMs}`);
    if (o.maxDelayMs < o.initialDelayMs) throw new RangeError('AmiClient: reconnect.maxDelayMs must be ≥ initialDelayMs');
    this.opts = o;
    this.endpoint = `${o.host}:${o.port}`;
    this.log = (options.logger ?? pino({ enabled: false })).child({ amiEndpoint: this.endpoint });
  }

  get state(): AmiClientState {
    return this._state;
  }

  get lastError(): Error | undefined {
    return this._lastError;
  }

  get connectedSince(): Date | undefined {
    return this._connectedSince;
  }

  /** Version from the greeting line of the current or last session (AMI protocol version, not Asterisk's). */
  get serverVersion(): string | undefined {
    return this._serverVersion;
  }

  stats(): AmiClientStats {
    return { state: this._state, connectedSince: this._connectedSince, lastError: this._lastError?.message, ...this._stats };
  }

  /** Connect and keep connected until stop(). Returns at once; watch 'connected' or waitUntilConnected(). */
  start(): void {
    if (this._state !== 'idle' && this._state !== 'stopped') return;
    this.stopping = false;
    this.failures = 0;
    this.connect();
  }

  /** Log off, close, stop reconnecting. Pending actions are rejected. Resolves once the socket is closed. */
  stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const conn = this.conn;
    if (!conn) {
      this.setState('stopped');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.stopWaiters.push(resolve);
      if (this.stopWaiters.length > 1) return;
      const reason = new AmiDisconnectedError('AMI client stopped');
      if (this.loggedIn) {
        conn.sendWithCallback('Logoff', {}, LOGOFF_GRACE_MS, () => undefined);
        conn.end(reason, LOGOFF_GRACE_MS);
      } else {
        conn.destroy(reason);
      }
    });
  }

  /** Resolves when logged in; rejects after timeoutMs with the last connection error as cause. */
  waitUntilConnected(timeoutMs = this.opts.connectTimeoutMs + this.opts.actionTimeoutMs): Promise<void> {
    if (this._state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnected = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('connected', onConnected);
        reject(new AmiTimeoutError(`AMI login to ${this.endpoint}`, timeoutMs, this._lastError));
      }, timeoutMs);
      this.once('connected', onConnected);
    });
  }

  /**
   * Send an action and wait for its answer. Fails fast with AmiNotConnectedError when not logged in;
   * rejects with AmiActionError on `Response: Error`, AmiTimeoutError, or AmiDisconnectedError.
   */
  action(name: string, fields: AmiActionFields = {}, options: { timeoutMs?: number } = {}): Promise<AmiResponse> {
    const conn = this.conn;
    if (this._state !== 'connected' || !conn?.isOpen) {
      return Promise.reject(new AmiNotConnectedError(name, this._state));
    }
    return conn.send(name, fields, options.timeoutMs ?? this.opts.actionTimeoutMs);
  }

  private connect(): void {
    if (this.stopping) return;
    if (this._state !== 'auth-failed') this.setState('connecting');
    this.loggedIn = false;
    this.protocolErrorsOnConn = 0;
    const socket = createConnection({ host: this.opts.host, port: this.opts.port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15_000);
    const conn: AmiConnection = new AmiConnection(socket, this.endpoint, () => `${this.idPrefix}${++this.idSeq}`, this.opts.maxFrameBytes, {
      greeting: (version) => this.onGreeting(conn, version),
      event: (frame) => this.onEvent(frame),
      protocolError: (error) => this.onProtocolError(error),
      closed: (reason) => this.onClosed(conn, reason),
      internalError: (error) => this.log.error({ err: error }, 'AMI client internal error (caught)'),
    });
    this.conn = conn;
    const ms = this.opts.connectTimeoutMs;
    this.handshakeTimer = setTimeout(() => conn.destroy(new AmiTimeoutError(`AMI connect to ${this.endpoint} (TCP and greeting)`, ms)), ms);
  }

  private onGreeting(conn: AmiConnection, version: string): void {
    clearTimeout(this.handshakeTimer);
    this._serverVersion = version;
    const fields = { Username: this.opts.username, Secret: this.opts.secret, Events: this.opts.events };
    conn.sendWithCallback('Login', fields, this.opts.actionTimeoutMs, (err) => {
      if (this.conn !== conn) return;
      if (err) this.onLoginFailed(conn, err);
      else this.onLoggedIn(conn);
    });
  }

  private onLoggedIn(conn: AmiConnection): void {
    this.loggedIn = true;
    this.failures = 0;
    this._stats.logins++;
    this._connectedSince = new Date();
    this._lastError = undefined;
    this.setState('connected');
    this.log.info({ username: this.opts.username, amiVersion: this._serverVersion }, 'AMI logged in');
    this.schedulePing(conn);
    this.safeEmit('connected');
  }

  private onLoginFailed(conn: AmiConnection, err: Error): void {
    if (!(err instanceof AmiActionError)) {
      conn.destroy(err);
      return;
    }
    const authError = new AmiAuthError(this.opts.username, this.endpoint, err.reason);
    this._lastError = authError;
    this.setState('auth-failed');
    this.log.error({ err: authError }, 'AMI login rejected; retrying at the maximum backoff');
    this.safeEmit('auth-error', authError);
    conn.destroy(authError);
  }

  private onEvent(frame: AmiFrame): void {
    this._stats.eventsReceived++;
    this.safeEmit('event', frame);
  }

  private onProtocolError(error: AmiProtocolError): void {
    this._stats.protocolErrors++;
    const n = ++this.protocolErrorsOnConn;
    if (n <= PROTOCOL_ERRORS_LOGGED || n % LOG_EVERY === 0) {
      this.log.warn({ err: error, kind: error.kind, onThisConnection: n }, 'AMI protocol error (ignored)');
    }
    this.safeEmit('protocol-error', error);
  }

  private onClosed(conn: AmiConnection, reason: Error): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.pingTimer);
    const wasLoggedIn = this.loggedIn;
    this.loggedIn = false;
    this._connectedSince = undefined;

    if (this.stopping) {
      this.setState('stopped');
      const waiters = this.stopWaiters;
      this.stopWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    if (reason instanceof AmiAuthError) {
      this.scheduleReconnect(this.opts.maxDelayMs);
      return;
    }
    this._lastError = reason;
    this.log.warn({ err: reason, wasLoggedIn }, wasLoggedIn ? 'AMI session lost' : 'AMI connect attempt failed');
    this.setState('disconnected');
    this.safeEmit('disconnected', reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(fixedBaseMs?: number): void {
    if (this.stopping) return;
    const backoff = { initialDelayMs: this.opts.initialDelayMs, maxDelayMs: this.opts.maxDelayMs };
    const delayMs = fixedBaseMs === undefined ? backoffDelay(this.failures, backoff) : backoffDelay(0, { initialDelayMs: fixedBaseMs, maxDelayMs: fixedBaseMs });
    this.failures++;
    this.log.debug({ attempt: this.failures, delayMs }, 'AMI reconnect scheduled');
    this.safeEmit('reconnecting', { attempt: this.failures, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this._stats.reconnects++;
      this.connect();
    }, delayMs);
  }

  /** Catches half-open TCP sessions (PBX host gone without FIN) that would otherwise look connected forever. */
  private schedulePing(conn: AmiConnection): void {
    if (this.opts.pingIntervalMs === 0) return;
    this.pingTimer = setTimeout(() => {
      conn.sendWithCallback('Ping', {}, this.opts.actionTimeoutMs, (err) => {
        if (this.conn !== conn) return;
        if (err instanceof AmiTimeoutError) conn.destroy(new AmiTimeoutError('AMI keepalive Ping', this.opts.actionTimeoutMs));
        else this.schedulePing(conn);
      });
    }, this.opts.pingIntervalMs);
    this.pingTimer.unref();
  }

  private setState(state: AmiClientState): void {
    if (this._state === state) return;
    this.log.debug({ from: this._state, to: state }, 'AMI client state');
    this._state = state;
  }

  /** Emit to each listener separately: one throwing (or rejecting) listener must not stop the others or the parser. */
  private safeEmit<K extends keyof AmiClientEvents>(event: K, ...args: AmiClientEvents[K]): void {
    for (const listener of this.rawListeners(event)) {
      try {
        const result: unknown = (listener as (...a: unknown[]) => unknown).apply(this, args);
        if (result instanceof Promise) result.catch((err: unknown) => this.onListenerError(event, err));
      } catch (err) {
        this.onListenerError(event, err);
      }
    }
  }

  private onListenerError(event: string, err: unknown): void {
    this._stats.listenerErrors++;
    this.log.error({ err, event }, 'AMI client listener threw (caught)');
  }
}
