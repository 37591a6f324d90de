/**
 * A scripted AMI server on 127.0.0.1 for driving a client through network edge cases:
 * wrong password, silence, dropped sessions, restarts on the same port, hostile bytes.
 * It parses actions with its own few lines of code, independent of the client's parser.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

export interface ReceivedAction {
  readonly name: string;
  readonly actionId: string | undefined;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  get(name: string): string | undefined;
}

export type ActionHandler = (action: ReceivedAction, session: FakeAmiSession) => void;

export interface FakeAmiServerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** username → secret; default { duty: 'duty-secret' }. */
  users?: Record<string, string>;
  /** First line sent on connect; null sends none. */
  greeting?: string | null;
  /** Real Asterisk sleeps 1 s before answering a failed login. */
  authFailureDelayMs?: number;
}

/** Wire form of one AMI message. */
export function amiMessage(headers: ReadonlyArray<readonly [string, string]> | Record<string, string>): string {
  const list = Array.isArray(headers) ? headers : Object.entries(headers);
  return list.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
}

export class FakeAmiSession {
  loggedIn = false;
  readonly actions: ReceivedAction[] = [];
  private buffer = '';

  constructor(
    readonly socket: Socket,
    private readonly server: FakeAmiServer,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.onData(text));
    socket.on('error', () => undefined);
  }

  write(raw: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(raw);
  }

  respond(action: ReceivedAction, headers: ReadonlyArray<readonly [string, string]>): void {
    const id: Array<readonly [string, string]> = action.actionId === undefined ? [] : [['ActionID', action.actionId]];
    const [first, ...rest] = headers;
    this.write(amiMessage(first ? [first, ...id, ...rest] : id));
  }

  sendEvent(headers: ReadonlyArray<readonly [string, string]> | Record<string, string>): void {
    this.write(amiMessage(headers));
  }

  /** Abrupt close, as when Asterisk dies. */
  drop(): void {
    this.socket.destroy();
  }

  private onData(text: string): void {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 4);
      const headers = block
        .split('\r\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()] as const);
      const get = (name: string): string | undefined => headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
      const action: ReceivedAction = { name: get('Action') ?? '', actionId: get('ActionID'), headers, get };
      this.actions.push(action);
      this.server.dispatch(action, this);
    }
  }
}

export class FakeAmiServer extends EventEmitter<{
  connection: [FakeAmiSession];
  login: [FakeAmiSession];
  action: [ReceivedAction, FakeAmiSession];
}> {
  readonly sessions = new Set<FakeAmiSession>();
  logins = 0;
  loginFailures = 0;
  connections = 0;
  private server: Server | undefined;
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly users: Record<string, string>;
  private readonly greeting: string | null;
  private readonly authFailureDelayMs: number;

  private constructor(
    public port: number,
    options: FakeAmiServerOptions,
  ) {
    super();
    this.users = options.users ?? { duty: 'duty-secret' };
    this.greeting = options.greeting === undefined ? 'Asterisk Call Manager/11.0.0' : options.greeting;
    this.authFailureDelayMs = options.authFailureDelayMs ?? 0;
  }

  static async start(options: FakeAmiServerOptions = {}): Promise<FakeAmiServer> {
    const fake = new FakeAmiServer(options.port ?? 0, options);
    await fake.listen(fake.port);
    return fake;
  }

  /** host/port/username/secret of the first user, for a client under test. */
  clientOptions(): { host: string; port: number; username: string; secret: string } {
    const [username = 'duty', secret = ''] = Object.entries(this.users)[0] ?? [];
    return { host: '127.0.0.1', port: this.port, username, secret };
  }

  /** Accept a user from now on (ops fixed the password). */
  setUser(username: string, secret: string): void {
    this.users[username] = secret;
  }

  /** Replace the default behaviour for one action (name case-insensitive). */
  handle(actionName: string, handler: ActionHandler): this {
    this.handlers.set(actionName.toLowerCase(), handler);
    return this;
  }

  /** Send raw bytes to every open session. */
  broadcast(raw: string | Buffer): void {
    for (const s of this.sessions) s.write(raw);
  }

  /** Destroy every session; keep listening. */
  dropAll(): void {
    for (const s of this.sessions) s.drop();
  }

  get isListening(): boolean {
    return this.server !== undefined;
  }

  /** Stop listening and drop every session (the PBX went away). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listen again on the same port (the PBX came back). */
  async reopen(): Promise<void> {
    await this.listen(this.port);
  }

  /** @internal called by sessions */
  dispatch(action: ReceivedAction, session: FakeAmiSession): void {
    this.emit('action', action, session);
    const custom = this.handlers.get(action.name.toLowerCase());
    if (custom) {
      custom(action, session);
      return;
    }
    this.defaultHandler(action, session);
  }

  private defaultHandler(action: ReceivedAction, session: FakeAmiSession): void {
    const name = action.name.toLowerCase();
    if (name === 'login') {
      const user = action.get('Username') ?? '';
      if (Object.hasOwn(this.users, user) && this.users[user] === action.get('Secret')) {
        session.loggedIn = true;
        this.logins++;
        session.respond(action, [['Response', 'Success'], ['Message', 'Authentication accepted']]);
        this.emit('login', session);
      } else {
        this.loginFailures++;
        setTimeout(() => {
          session.respond(action, [['Response', 'Error'], ['Message', 'Authentication failed']]);
          session.socket.end();
        }, this.authFailureDelayMs);
      }
    } else if (!session.loggedIn) {
      session.respond(action, [['Response', 'Error'], ['Message', 'Authentication Required']]);
    } else if (name === 'ping') {
      session.respond(action, [['Response', 'Success'], ['Ping', 'Pong'], ['Timestamp', (Date.now() / 1000).toFixed(6)]]);
    } else if (name === 'logoff') {
      session.respond(action, [['Response', 'Goodbye'], ['Message', 'Thanks for all the fish.']]);
      session.socket.end();
    } else {
      session.respond(action, [['Response', 'Error'], ['Message', 'Invalid/unknown command']]);
    }
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((socket) => {
      const session = new FakeAmiSession(socket, this);
      this.connections++;
      this.sessions.add(session);
      socket.on('close', () => this.sessions.delete(session));
      if (this.greeting !== null) session.write(`${this.greeting}\r\n`);
      this.emit('connection', session);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }
}
