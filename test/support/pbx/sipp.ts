/**
 * sipp as the duty line's phones and callers, for PBX tests and the demo.
 *
 * Scenarios live in sipp/ (one XML each, commented). Every sipp run is one child process,
 * tracked here and killed when the test process exits: no orphans. A failing sipp run
 * rejects with a SippError that carries sipp's own error log.
 *
 *   const desk = startDesk({ behaviour: 'answer-after', answerAfterMs: 1500 });
 *   await desk.registered;                       // Asterisk now has desk's contact
 *   const call = await placeCall({ from: '13800000001', hangupAfterMs: 1000 });
 *   await desk.done;                             // the desk handled its one call
 *   await desk.stop();                           // kill (if needed) + unregister
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pbxSettings, repoRoot, type PbxSettings } from './sandbox.js';

export const scenarioDir = path.join(repoRoot, 'sipp');

/** What the desk phone does with an incoming call. */
export type DeskBehaviour = 'never-answer' | 'answer-after' | 'busy' | 'silent';

/** Outcome of one sipp run. */
export interface SippResult {
  /** sipp's exit code (0: every call as scripted); null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** We stopped it (stop() / timeout), rather than it finishing its calls. */
  stopped: boolean;
  /** The final response the caller got to its INVITE (200, 486, 487…), from the scenario's log; null if none. */
  finalStatus: number | null;
  /** sipp's stderr and error log (-trace_err), for diagnostics. */
  errors: string;
  durationMs: number;
}

export interface CallResult extends SippResult {
  /** The call was answered (final response 200). */
  answered: boolean;
}

export class SippError extends Error {
  constructor(
    message: string,
    readonly result: SippResult | null,
    readonly args: readonly string[],
  ) {
    super(message);
    this.name = 'SippError';
  }
}

export interface DeskOptions {
  behaviour: DeskBehaviour;
  /** answer-after: how long it rings before the desk picks up (ms). Default 2000. */
  answerAfterMs?: number;
  /** The PJSIP endpoint/AOR this phone is: 'desk' (default), 'leader', 'bureau'. */
  phone?: string;
  /** UDP port the phone listens on. Default: DUTY_PBX_DESK_PORT / _LEADER_ / _BUREAU_ (5070/5071/5072). */
  port?: number;
  /** How many incoming calls to handle before exiting. Default 1. */
  calls?: number;
  /** REGISTER the phone's contact with Asterisk. Default true. */
  register?: boolean;
  /** Give up (kill sipp, reject done) after this long. Default 10 minutes. */
  timeoutMs?: number;
  settings?: PbxSettings;
}

export interface DeskHandle {
  readonly phone: string;
  readonly port: number;
  /** Resolves once Asterisk accepted the registration (immediately when register: false). */
  readonly registered: Promise<void>;
  /** Resolves when the phone handled its calls as scripted, or was stopped; rejects with SippError otherwise. */
  readonly done: Promise<SippResult>;
  /** Kill the phone if still running, wait for it, then unregister it (unless unregister: false). */
  stop(options?: { unregister?: boolean }): Promise<void>;
}

export interface CallOptions {
  /** The number dialled. Default '1000'; an office phone dials the leader or the bureau by name ('bureau'). */
  to?: string;
  /** The caller's number (P-Asserted-Identity + From display name). Default '13800000000'. */
  from?: string;
  /**
   * The PJSIP endpoint placing the call (the From user): 'citizen' (default: a call to the duty
   * line) or an office phone ('desk', 'leader', 'bureau'), whose calls the PBX routes by
   * dialplan/office-calls.conf. An office phone's caller number is its endpoint name; `from` is
   * then only the From display name (its caller name).
   */
  placedBy?: string;
  /** Once answered, hang up (BYE) after this long. Default 1000 ms. */
  hangupAfterMs?: number;
  /** Instead: hang up (CANCEL) this long after the call starts ringing (180). */
  cancelAfterMs?: number;
  /** Give up (kill sipp, reject) after this long. Default 120 s. */
  timeoutMs?: number;
  settings?: PbxSettings;
}

const SIPP = process.env.DUTY_SIPP_BIN ?? 'sipp';
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

interface SippRun {
  result: Promise<SippResult>;
  pid: number | undefined;
  exited: boolean;
  /** SIGTERM (SIGKILL after 2 s), wait for the exit. */
  stop(): Promise<void>;
}

/** Run one sipp process. Resolves with its result whatever the exit code (callers decide). */
function runSipp(args: string[], timeoutMs: number): SippRun {
  installExitHook();
  const started = Date.now();
  let child: ChildProcess | null = null;
  let stopped = false;
  let markExited: () => void = () => {};
  const exitedP = new Promise<void>((r) => (markExited = r));

  const run: SippRun = {
    pid: undefined,
    exited: false,
    result: undefined as unknown as Promise<SippResult>,
    async stop() {
      stopped = true;
      if (child && !run.exited) {
        child.kill('SIGTERM');
        const hard = setTimeout(() => child?.kill('SIGKILL'), 2000);
        await exitedP;
        clearTimeout(hard);
      }
      await run.result.catch(() => undefined);
    },
  };

  run.result = (async (): Promise<SippResult> => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'duty-sipp-'));
    const errorFile = path.join(dir, 'errors.log');
    const logFile = path.join(dir, 'scenario.log');
    const full = [...args, '-nostdin', '-trace_err', '-error_file', errorFile, '-trace_logs', '-log_file', logFile];
    if (stopped) {
      // stop() came before sipp was even started.
      run.exited = true;
      markExited();
      await rm(dir, { recursive: true, force: true });
      return { exitCode: null, signal: null, stopped, finalStatus: null, errors: '', durationMs: Date.now() - started };
    }
    let stderr = '';
    const proc = spawn(SIPP, full, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    live.add(proc);
    run.pid = proc.pid;
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      // A timeout is a failure, not a stop: done/placeCall reject.
      stderr += `\n[duty-hotline] sipp still running after ${timeoutMs} ms: killed`;
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 2000).unref();
    }, timeoutMs);
    const { code, signal, spawnError } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
      proc.once('error', (err) => resolve({ code: null, signal: null, spawnError: err }));
      proc.once('exit', (c, sig) => resolve({ code: c, signal: sig }));
    });
    run.exited = true;
    live.delete(proc);
    clearTimeout(timer);
    markExited();
    const errorLog = await readFile(errorFile, 'utf8').catch(() => '');
    const scenarioLog = await readFile(logFile, 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    if (spawnError) {
      const hint = (spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? ' (is sipp installed? apt-get install sip-tester; bash scripts/pbx.sh up installs it)' : '';
      throw new SippError(`cannot run ${SIPP}: ${spawnError.message}${hint}`, null, full);
    }
    const final = [...scenarioLog.matchAll(/FINAL (\d{3})/g)].pop()?.[1];
    return {
      exitCode: code,
      signal,
      stopped,
      finalStatus: final ? Number(final) : null,
      errors: [stderr.trim(), errorLog.trim()].filter(Boolean).join('\n'),
      durationMs: Date.now() - started,
    };
  })();
  return run;
}

function describeFailure(what: string, r: SippResult, args: readonly string[]): string {
  const how = r.exitCode !== null ? `exit code ${r.exitCode}${exitMeaning(r.exitCode)}` : `signal ${r.signal}`;
  return `${what}: sipp failed (${how}).\n  sipp ${args.join(' ')}\n${indent(r.errors || '(sipp wrote no error log)')}`;
}

function exitMeaning(code: number): string {
  switch (code) {
    case 1:
      return ': a call did not follow the scenario';
    case 97:
      return ': stopped by timeout or internal command';
    case 99:
      return ': no call was processed';
    case 253:
      return ': RTP validation failure';
    case 254:
      return ': could not bind its socket (port in use?)';
    case 255:
      return ': fatal error';
    default:
      return '';
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(-40)
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Succeeds when sipp ran its calls as scripted; throws SippError with sipp's log otherwise. */
async function expectSuccess(what: string, run: SippRun, args: readonly string[]): Promise<SippResult> {
  const r = await run.result;
  if (r.exitCode !== 0) throw new SippError(describeFailure(what, r, args), r, args);
  return r;
}

function target(s: PbxSettings): string {
  return `${s.host}:${s.sipPort}`;
}

function phonePort(phone: string, s: PbxSettings): number {
  if (phone === 'leader') return s.leaderPort;
  if (phone === 'bureau') return s.bureauPort;
  return s.deskPort;
}

/** Register an office phone's contact (sip:<phone>@127.0.0.1:<contactPort>) with Asterisk. */
export async function registerPhone(phone = 'desk', contactPort?: number, options: { expiresS?: number; settings?: PbxSettings } = {}): Promise<void> {
  const s = options.settings ?? pbxSettings();
  const port = contactPort ?? phonePort(phone, s);
  const args = ['-key', 'contact_port', String(port), '-key', 'expires', String(options.expiresS ?? 3600)];
  args.push('-sf', path.join(scenarioDir, 'phone-register.xml'), '-s', phone, '-i', s.host, '-m', '1', '-recv_timeout', '5000', target(s));
  await expectSuccess(`registering phone "${phone}" (contact port ${port})`, runSipp(args, 15_000), args);
}

/** Remove every registered contact of an office phone: Dial(PJSIP/<phone>) then gives CHANUNAVAIL. */
export async function unregisterPhone(phone = 'desk', settings: PbxSettings = pbxSettings()): Promise<void> {
  const args = ['-sf', path.join(scenarioDir, 'phone-unregister.xml'), '-s', phone, '-i', settings.host, '-m', '1', '-recv_timeout', '5000', target(settings)];
  await expectSuccess(`unregistering phone "${phone}"`, runSipp(args, 15_000), args);
}

/** The duty desk phone is not registered any more. */
export function unregisterDesk(settings?: PbxSettings): Promise<void> {
  return unregisterPhone('desk', settings);
}

/** Is a UDP socket bound on this port (any address)? Linux /proc. */
function udpPortBound(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local?.endsWith(hex)) return true;
    }
  }
  return false;
}

async function waitForUdpBind(port: number, run: SippRun, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!udpPortBound(port)) {
    if (run.exited) return; // its result tells why
    if (Date.now() > until) throw new Error(`sipp did not open UDP port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Start an office phone (the duty desk by default) as a sipp UAS, then REGISTER it.
 * The UAS listens before the REGISTER is sent, so a registered phone always answers.
 */
export function startDesk(options: DeskOptions): DeskHandle {
  const s = options.settings ?? pbxSettings();
  const phone = options.phone ?? 'desk';
  const port = options.port ?? phonePort(phone, s);
  const scenario = { 'never-answer': 'desk-never-answer.xml', 'answer-after': 'desk-answer-after.xml', busy: 'desk-busy.xml', silent: 'desk-silent.xml' }[options.behaviour];
  if (!scenario) throw new Error(`unknown desk behaviour "${String(options.behaviour)}"`);
  const answerAfterMs = options.answerAfterMs ?? 2000;
  if (options.behaviour === 'answer-after' && !(answerAfterMs > 0)) throw new Error('answerAfterMs must be > 0');
  const portTaken = udpPortBound(port);

  const args = ['-sf', path.join(scenarioDir, scenario), '-s', phone, '-i', s.host, '-p', String(port), '-m', String(options.calls ?? 1), '-aa'];
  if (options.behaviour === 'answer-after') args.push('-recv_timeout', String(answerAfterMs));
  const what = `${phone} phone (${options.behaviour}) on UDP ${port}`;
  const run = portTaken ? null : runSipp(args, options.timeoutMs ?? 600_000);

  const done: Promise<SippResult> = run
    ? run.result.then((r) => {
        if (r.stopped || r.exitCode === 0) return r;
        throw new SippError(describeFailure(what, r, args), r, args);
      })
    : Promise.reject(new SippError(`${what}: UDP port ${port} is already in use (another phone still running?)`, null, args));

  const registered = (async () => {
    if (!run) return done.then(() => undefined);
    await waitForUdpBind(port, run, 5000);
    if (run.exited) {
      await done;
      throw new SippError(`${what} exited before it was registered`, null, args);
    }
    if (options.register !== false) await registerPhone(phone, port, { settings: s });
  })();
  // Callers may await only one of them: never let the other become an unhandled rejection.
  done.catch(() => undefined);
  registered.catch(() => undefined);

  return {
    phone,
    port,
    registered,
    done,
    async stop({ unregister = options.register !== false } = {}) {
      await run?.stop();
      if (unregister) await unregisterPhone(phone, s);
    },
  };
}

/**
 * A citizen calls the duty line (or, with placedBy, an office phone places a call). Resolves when the call is over (answered and hung up,
 * cancelled, or refused: see finalStatus); rejects with SippError if sipp fails.
 */
export async function placeCall(options: CallOptions = {}): Promise<CallResult> {
  const s = options.settings ?? pbxSettings();
  const to = options.to ?? '1000';
  const from = options.from ?? '13800000000';
  const placedBy = options.placedBy ?? 'citizen';
  if (!/^[0-9A-Za-z+*#]+$/.test(to)) throw new Error(`placeCall: "to" must be a dialable number or name, got "${to}"`);
  if (!/^[0-9+]+$/.test(from)) throw new Error(`placeCall: "from" must be a phone number, got "${from}"`);
  if (!/^[a-z][a-z0-9-]*$/.test(placedBy)) throw new Error(`placeCall: "placedBy" must be a PJSIP endpoint name, got "${placedBy}"`);
  const cancel = options.cancelAfterMs !== undefined;
  const scenario = cancel ? 'caller-cancel.xml' : 'caller-answer-hangup.xml';
  const pauseMs = cancel ? options.cancelAfterMs : (options.hangupAfterMs ?? 1000);
  const args = ['-key', 'from_user', placedBy, '-key', 'caller', from, '-sf', path.join(scenarioDir, scenario), '-s', to, '-d', String(pauseMs), '-i', s.host, '-m', '1', target(s)];
  const r = await expectSuccess(`call from ${placedBy === 'citizen' ? from : `the ${placedBy} phone`} to ${to}`, runSipp(args, options.timeoutMs ?? 120_000), args);
  return { ...r, answered: r.finalStatus === 200 };
}
