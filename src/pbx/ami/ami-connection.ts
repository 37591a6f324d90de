/**
 * One TCP session to AMI: parses what arrives, correlates action answers by ActionID,
 * collects event lists, and rejects whatever is pending when the socket closes.
 * Login, reconnects and state belong to AmiClient.
 */
import type { Socket } from 'node:net';
import { AmiFrame } from './ami-frame.js';
import { encodeAction, type AmiActionFields } from './action-encoder.js';
import { AmiActionError, AmiDisconnectedError, AmiProtocolError, AmiTimeoutError, excerpt } from './errors.js';
import { AmiFrameParser, type AmiParserOutput } from './frame-parser.js';

export interface AmiResponse {
  readonly action: string;
  readonly actionId: string;
  /** `Response:` value: Success, Goodbye, Follows, … (Error rejects instead). */
  readonly response: string;
  readonly message: string | undefined;
  readonly frame: AmiFrame;
  /** For event-list actions (`EventList: start`): the list's events, completion event excluded. */
  readonly events: readonly AmiFrame[];
  /** For event-list actions: the `EventList: Complete` event (carries ListItems). */
  readonly listComplete: AmiFrame | undefined;
}

export interface AmiConnectionHandlers {
  greeting(version: string): void;
  event(frame: AmiFrame): void;
  protocolError(error: AmiProtocolError): void;
  closed(reason: Error): void;
  /** A bug in our own code, caught so it cannot become an uncaughtException. */
  internalError(error: unknown): void;
}

type Settle = (error: Error | undefined, response: AmiResponse | undefined) => void;

interface Pending {
  readonly action: string;
  readonly id: string;
  readonly timer: NodeJS.Timeout;
  readonly settle: Settle;
  /** Set once `EventList: start` arrived; the list events follow. */
  listResponse?: AmiFrame;
  readonly events: AmiFrame[];
}

const LIST_END = new Set(['complete', 'cancelled']);

export class AmiConnection {
  private readonly parser: AmiFrameParser;
  private readonly pending = new Map<string, Pending>();
  private closeReason: Error | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly endpoint: string,
    private readonly nextActionId: () => string,
    maxFrameBytes: number,
    private readonly handlers: AmiConnectionHandlers,
  ) {
    this.parser = new AmiFrameParser({ maxFrameBytes });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.closeReason ??= err;
    });
    socket.on('close', () => this.onClose());
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Send an action; `settle` is called exactly once, synchronously from the socket callback that decides it. */
  sendWithCallback(action: string, fields: AmiActionFields, timeoutMs: number, settle: Settle): void {
    if (!this.isOpen) {
      settle(new AmiDisconnectedError(`AMI action ${action} not sent: connection to ${this.endpoint} is closed`), undefined);
      return;
    }
    const id = this.nextActionId();
    let wire: string;
    try {
      wire = encodeAction(action, id, fields);
    } catch (err) {
      settle(err as Error, undefined);
      return;
    }
    const timer = setTimeout(() => {
      const pending = this.pending.get(id);
      if (pending) this.finish(pending, new AmiTimeoutError(`AMI action ${action} (ActionID ${id})`, timeoutMs), undefined);
    }, timeoutMs);
    this.pending.set(id, { action, id, timer, settle, events: [] });
    this.socket.write(wire);
  }

  send(action: string, fields: AmiActionFields, timeoutMs: number): Promise<AmiResponse> {
    return new Promise((resolve, reject) => {
      this.sendWithCallback(action, fields, timeoutMs, (err, res) => (err ? reject(err) : resolve(res as AmiResponse)));
    });
  }

  /** Close at once; pending actions are rejected with `reason` as cause. */
  destroy(reason: Error): void {
    this.closeReason ??= reason;
    this.socket.destroy();
  }

  /** Half-close politely; destroy if the server has not closed within graceMs. */
  end(reason: Error, graceMs: number): void {
    this.closeReason ??= reason;
    const timer = setTimeout(() => this.socket.destroy(), graceMs);
    this.socket.once('close', () => clearTimeout(timer));
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    let outputs: AmiParserOutput[];
    try {
      outputs = this.parser.push(chunk);
    } catch (err) {
      this.handlers.internalError(err);
      return;
    }
    for (const output of outputs) {
      try {
        this.dispatch(output);
      } catch (err) {
        this.handlers.internalError(err);
      }
    }
  }

  private dispatch(output: AmiParserOutput): void {
    switch (output.kind) {
      case 'greeting':
        this.handlers.greeting(output.version);
        return;
      case 'error':
        this.handlers.protocolError(output.error);
        return;
      case 'frame':
        this.onFrame(output.frame);
        return;
    }
  }

  private onFrame(frame: AmiFrame): void {
    const id = frame.actionId;
    const pending = id === undefined ? undefined : this.pending.get(id);
    const response = frame.response;
    if (response !== undefined) {
      if (pending) this.onResponse(pending, frame, response);
      else this.handlers.protocolError(new AmiProtocolError('unexpected-response', 'AMI response matches no pending action (late after a timeout?)', excerpt(frame.toString())));
      return;
    }
    if (frame.event === undefined) {
      this.handlers.protocolError(new AmiProtocolError('unknown-frame', 'AMI frame with neither Event nor Response ignored', excerpt(frame.toString())));
      return;
    }
    if (pending?.listResponse) {
      if (LIST_END.has((frame.get('EventList') ?? '').toLowerCase())) this.finish(pending, undefined, this.toResponse(pending, pending.listResponse, frame));
      else pending.events.push(frame);
      return;
    }
    this.handlers.event(frame);
  }

  private onResponse(pending: Pending, frame: AmiFrame, response: string): void {
    if (response.toLowerCase() === 'error') {
      this.finish(pending, new AmiActionError(pending.action, frame.get('Message') ?? 'Error', frame), undefined);
    } else if ((frame.get('EventList') ?? '').toLowerCase() === 'start') {
      pending.listResponse = frame;
    } else {
      this.finish(pending, undefined, this.toResponse(pending, frame, undefined));
    }
  }

  private toResponse(pending: Pending, frame: AmiFrame, listComplete: AmiFrame | undefined): AmiResponse {
    return {
      action: pending.action,
      actionId: pending.id,
      response: frame.response ?? '',
      message: frame.get('Message'),
      frame,
      events: pending.events,
      listComplete,
    };
  }

  private finish(pending: Pending, error: Error | undefined, response: AmiResponse | undefined): void {
    clearTimeout(pending.timer);
    this.pending.delete(pending.id);
    try {
      pending.settle(error, response);
    } catch (err) {
      this.handlers.internalError(err);
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    const reason = this.closeReason ?? new AmiDisconnectedError(`AMI connection to ${this.endpoint} closed by the server`);
    for (const pending of [...this.pending.values()]) {
      const lost = `AMI action ${pending.action} lost: connection to ${this.endpoint} closed (${reason.message})`;
      this.finish(pending, new AmiDisconnectedError(lost, reason), undefined);
    }
    try {
      this.handlers.closed(reason);
    } catch (err) {
      this.handlers.internalError(err);
    }
  }
}
