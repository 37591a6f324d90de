/**
 * The PBX port (src/pbx/pbx-port.ts) for Asterisk over AMI: the AMI client (src/pbx/ami), the
 * translator (AMI events → CallEvents), the PBX clock (event timestamps) and the AMI queries
 * (pbx-queries.ts) behind one object. Asterisk's action and header names stop here.
 *
 * Calls the service places are Originate of Local/s@duty-originate (dialplan/office-calls.conf)
 * with a ChannelId this port chooses. Verified against the sandbox's Asterisk 22: the Local
 * channel's first half gets that Uniqueid, and every channel of the call (the second half, the
 * phone's PJSIP channel) has it as Linkedid, so it is the call's id. The translator is told the id
 * before the action is sent (the first Newchannel can come before the action's answer), and so
 * reports the call as 'originated'. The second half runs Dial(PJSIP/<endpoint>) in the dialplan, so
 * the phone is a leg like any other (DialBegin, DialEnd with its status, the DutyDial report when
 * it has no contact). Originating PJSIP/<endpoint> directly would make the phone itself the first
 * channel, with no DialEnd: only a Hangup cause would say how it went.
 */
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { PhoneRole } from '../../core/phone-role.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { AmiActionError, AmiClient, AmiNotConnectedError, AmiTimeoutError, type AmiFrame } from '../ami/index.js';
import { PbxError, type OriginateRequest, type PbxCommands, type PbxConnectionState, type PbxPort, type PbxPortEvents, type PbxStats, type ToneCadence } from '../pbx-port.js';
import { AmiTranslator, pbxTimeOf } from './ami-translator.js';
import { PbxClock } from './pbx-clock.js';
import { askPbxTime, listLiveCalls, readRingTone } from './pbx-queries.js';

/** Where the PBX's AMI listens, and who we log in as. */
export interface PbxTarget {
  host: string;
  port: number;
  username: string;
  secret: string;
}

export interface AsteriskPortOptions extends PbxTarget {
  /** Per AMI action (default 10 s). */
  actionTimeoutMs?: number;
  connectTimeoutMs?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Keepalive Ping interval while connected (default 30 s; 0: none). */
  pingIntervalMs?: number;
  maxFrameBytes?: number;
  /** false: commands only, no event stream (nothing is translated; `call` is never told). Default true. */
  events?: boolean;
  /** What each endpoint is for (desk, fallback, bureau; anything else 'other'). Default: 'other'. */
  roleOf?: (endpoint: string) => PhoneRole;
  /** This host's clock (default the system's); `clock` is it shifted to the PBX's. */
  localClock?: Clock;
  /** Default timeout of time() (default: actionTimeoutMs). */
  timeTimeoutMs?: number;
  logger?: Logger;
}

/** The dialplan context whose `s` extension rings ${DUTY_ENDPOINT} for a call the service places. */
const ORIGINATE_CONTEXT = 'duty-originate';
/** Originate's own wait for the answer outlasts the dialplan's Dial() timeout: Dial() decides how it ended. */
const ORIGINATE_MARGIN_MS = 5_000;
const DEFAULT_HOLD_MS = 1_000;
const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export class AsteriskPort implements PbxPort {
  readonly clock: PbxClock;
  private readonly ami: AmiClient;
  private readonly translator: AmiTranslator;
  private readonly roleOf: (endpoint: string) => PhoneRole;
  private readonly log: Logger;
  private readonly target: string;
  private readonly timeTimeoutMs: number;
  private readonly listeners: { [K in keyof PbxPortEvents]: Set<PbxPortEvents[K]> } = {
    call: new Set(),
    connected: new Set(),
    disconnected: new Set(),
    unfollowedHangup: new Set(),
  };

  constructor(options: AsteriskPortOptions) {
    this.log = options.logger ?? pino({ enabled: false });
    this.target = `${options.username}@${options.host}:${options.port}`;
    this.roleOf = options.roleOf ?? (() => 'other');
    this.timeTimeoutMs = options.timeTimeoutMs ?? options.actionTimeoutMs ?? 10_000;
    this.clock = new PbxClock(options.localClock ?? systemClock, (offsetMs) =>
      this.log[Math.abs(offsetMs) > 60_000 ? 'warn' : 'info']({ offsetMs }, "the PBX's clock differs from this host's: ring timing follows the PBX"),
    );
    this.translator = new AmiTranslator(this.roleOf, () => this.clock.now(), (callId) => this.emit('unfollowedHangup', callId));
    this.ami = new AmiClient({
      host: options.host,
      port: options.port,
      username: options.username,
      secret: options.secret,
      actionTimeoutMs: options.actionTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
      reconnect: options.reconnect,
      pingIntervalMs: options.pingIntervalMs,
      maxFrameBytes: options.maxFrameBytes,
      events: options.events === false ? 'off' : 'on',
      logger: this.log,
    });
    this.ami.on('event', (frame) => this.onFrame(frame));
    this.ami.on('connected', () => this.emit('connected'));
    // What happened meanwhile is unknown: every call followed is forgotten before anyone hears of the loss.
    this.ami.on('disconnected', (reason) => {
      this.translator.forgetAll();
      this.emit('disconnected', reason);
    });
  }

  get state(): PbxConnectionState {
    return this.ami.state;
  }

  stats(): PbxStats {
    const a = this.ami.stats();
    return { state: a.state, connectedSince: a.connectedSince, lastError: a.lastError, eventsReceived: a.eventsReceived, reconnects: a.reconnects, protocolErrors: a.protocolErrors };
  }

  /** Calls followed now (with at least one live channel). */
  get followedCalls(): number {
    return this.translator.openCalls;
  }

  on<K extends keyof PbxPortEvents>(event: K, listener: PbxPortEvents[K]): () => void {
    const set = this.listeners[event] as Set<PbxPortEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  start(): void {
    this.ami.start();
  }

  stop(): Promise<void> {
    return this.ami.stop();
  }

  async waitUntilConnected(timeoutMs?: number): Promise<void> {
    try {
      await this.ami.waitUntilConnected(timeoutMs);
    } catch (err) {
      const cause = err instanceof AmiTimeoutError && err.cause instanceof Error ? err.cause.message : (err as Error).message;
      throw new PbxError('unreachable', `cannot log in to the PBX (AMI ${this.target}): ${cause}`, [], err);
    }
  }

  async time(timeoutMs = this.timeTimeoutMs): Promise<Date> {
    try {
      return await askPbxTime(this.ami, timeoutMs);
    } catch (err) {
      throw pbxError(err, "asking the PBX's time");
    }
  }

  lastHeard(): Date | undefined {
    return this.clock.lastHeard();
  }

  forget(callId: string): void {
    this.translator.forget(callId);
  }

  async liveCalls(): Promise<Set<string>> {
    try {
      return await listLiveCalls(this.ami);
    } catch (err) {
      throw pbxError(err, 'listing the live calls');
    }
  }

  async originate(request: OriginateRequest): Promise<string> {
    const { endpoint, timeoutMs, holdMs = DEFAULT_HOLD_MS } = request;
    if (!ENDPOINT_NAME.test(endpoint)) throw new RangeError(`originate: not an endpoint name: ${JSON.stringify(endpoint)}`);
    if (!(timeoutMs > 0)) throw new RangeError(`originate: timeoutMs must be > 0, got ${timeoutMs}`);
    if (!(holdMs >= 0)) throw new RangeError(`originate: holdMs must be ≥ 0, got ${holdMs}`);
    const callId = `duty-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
    const callerId = callerIdOf(request.callerId);
    // Before the action: Asterisk may send the call's first Newchannel before it answers the Originate.
    this.translator.expectOriginated(callId);
    try {
      await this.ami.action('Originate', {
        Channel: `Local/s@${ORIGINATE_CONTEXT}`,
        ChannelId: callId,
        OtherChannelId: `${callId}-2`,
        Application: 'Wait',
        Data: seconds(holdMs),
        Timeout: timeoutMs + ORIGINATE_MARGIN_MS,
        ...(callerId && { CallerID: callerId }),
        Variable: [`DUTY_ENDPOINT=${endpoint}`, `DUTY_ROLE=${this.roleOf(endpoint)}`, `DUTY_ORIGINATE_TIMEOUT=${seconds(timeoutMs)}`],
        Async: 'true',
      });
    } catch (err) {
      this.translator.unexpectOriginated(callId);
      throw pbxError(err, `placing a call to ${endpoint}`);
    }
    this.log.info({ callId, endpoint, timeoutMs }, 'placed a call (originate)');
    return callId;
  }

  async command(cli: string): Promise<string[]> {
    try {
      const response = await this.ami.action('Command', { Command: cli });
      return response.frame.getAll('Output');
    } catch (err) {
      throw pbxError(err, `the command "${cli}"`);
    }
  }

  reloadDialplan(): Promise<string[]> {
    return this.command('dialplan reload');
  }

  async ringTone(zone: string): Promise<ToneCadence | undefined> {
    try {
      return await readRingTone(this.ami, zone);
    } catch (err) {
      throw pbxError(err, `reading the ringing tone of zone "${zone}"`);
    }
  }

  private onFrame(frame: AmiFrame): void {
    const pbxTime = pbxTimeOf(frame);
    if (pbxTime) this.clock.observe(pbxTime);
    for (const event of this.translator.translate(frame)) this.emit('call', event);
  }

  /** Each listener on its own: one that throws is logged and the others still hear it. */
  private emit<K extends keyof PbxPortEvents>(event: K, ...args: Parameters<PbxPortEvents[K]>): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (...a: Parameters<PbxPortEvents[K]>) => void)(...args);
      } catch (err) {
        this.log.error({ err, event }, 'PBX port listener threw (caught)');
      }
    }
  }
}

/**
 * A port with no event stream for a few commands (`dialplan check`, `dialplan apply`): connect,
 * run `fn`, disconnect. Rejects with a PbxError when it cannot log in or a command fails.
 */
export async function withPbxCommands<T>(target: PbxTarget, fn: (pbx: PbxCommands) => Promise<T>, options: { timeoutMs?: number; loginTimeoutMs?: number } = {}): Promise<T> {
  const pbx = new AsteriskPort({
    ...target,
    events: false,
    actionTimeoutMs: options.timeoutMs ?? 15_000,
    connectTimeoutMs: 5_000,
    // `dialplan show` of a few rendered years is one frame of a few hundred KB (the service's limit is 64 KB).
    maxFrameBytes: 32 * 1024 * 1024,
    reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
    pingIntervalMs: 0,
  });
  pbx.start();
  try {
    await pbx.waitUntilConnected(options.loginTimeoutMs ?? 8_000);
    return await fn({ command: (cli) => pbx.command(cli), reloadDialplan: () => pbx.reloadDialplan() });
  } finally {
    await pbx.stop();
  }
}

/**
 * Commands each run over a connection of their own (withPbxCommands): for a command whose answer
 * is larger than the event connection's frame limit, such as `dialplan show`.
 */
export function oneShotCommands(target: PbxTarget): PbxCommands {
  return {
    command: (cli) => withPbxCommands(target, (pbx) => pbx.command(cli)),
    reloadDialplan: () => withPbxCommands(target, (pbx) => pbx.reloadDialplan()),
  };
}

/** An AMI failure as the port's own error, saying what was being done. */
function pbxError(err: unknown, what: string): PbxError {
  if (err instanceof AmiActionError) {
    const output = err.frame.getAll('Output');
    return new PbxError('refused', `the PBX refused ${what}: ${[err.reason, ...output].join('\n')}`, output, err);
  }
  if (err instanceof AmiNotConnectedError) return new PbxError('not-connected', `${what}: not connected to the PBX (${err.state})`, [], err);
  return new PbxError('failed', `${what} failed: ${(err as Error).message}`, [], err);
}

/** Milliseconds as the seconds Asterisk's applications take ("1.5"). */
function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** `"name" <number>`, with what would break the header's quoting removed. */
function callerIdOf(callerId: OriginateRequest['callerId']): string | undefined {
  if (!callerId) return undefined;
  const name = callerId.name?.replace(/["<>\r\n]/g, '').trim();
  const number = callerId.number?.replace(/[^0-9A-Za-z+*#]/g, '');
  if (!name && !number) return undefined;
  return `${name ? `"${name}" ` : ''}<${number ?? ''}>`;
}
