/**
 * The PBX sandbox (scripts/pbx.sh: real Asterisk 22 in a chroot) as seen from tests and the demo.
 *
 *   await ensurePbxUp();                 // clear error if `npm run pbx:up` was not run
 *   const ami = await openAmiTap();      // every raw AMI event, for assertions and captures
 *   await asteriskRx('pjsip show contacts');
 *   await restartAsterisk();             // stop + start Asterisk (same config), ~3 s
 *   await setPbxClock(new Date('2026-10-10T09:00+08:00'));   // Asterisk's clock (libfaketime)
 *   await setPbxClock('real');
 *
 * Settings come from the same environment variables (and defaults) as scripts/pbx.sh.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pbxScript = path.join(repoRoot, 'scripts', 'pbx.sh');

export interface PbxSettings {
  /** Where AMI, HTTP/ARI and SIP listen (the sandbox binds loopback). */
  host: string;
  amiPort: number;
  amiUser: string;
  amiSecret: string;
  sipPort: number;
  httpPort: number;
  /** UDP ports the sipp office phones listen on (their registered contacts). */
  deskPort: number;
  leaderPort: number;
  bureauPort: number;
  /** DUTY_DIAL_TIMEOUT as this environment says; Asterisk's live value: liveDialTimeoutS(). */
  dialTimeoutS: number;
  /** The chroot and Asterisk's full log inside it. */
  root: string;
  fullLogPath: string;
  /** The channel event log: the file cel_custom writes, and the database whose table cel cel_pgsql writes (null: not loaded). */
  celFile: string;
  celDatabaseUrl: string | null;
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

/**
 * Settings a running sandbox was started with (scripts/pbx.sh saves them in the root), so a
 * test run without the same environment still finds the right ports and credentials.
 */
function savedSettings(root: string): NodeJS.ProcessEnv {
  try {
    const text = readFileSync(path.join(root, '.duty-pbx', 'settings.env'), 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .map((l) => l.match(/^(DUTY_[A-Z_]+)=(.*)$/))
        .filter((m): m is RegExpMatchArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
  } catch {
    return {};
  }
}

/**
 * The sandbox's settings: the env variables scripts/pbx.sh reads, with its defaults. Like the
 * script, unset variables fall back to what the running sandbox was started with.
 */
export function pbxSettings(processEnv: NodeJS.ProcessEnv = process.env): PbxSettings {
  const root = processEnv.DUTY_PBX_ROOT || path.join(repoRoot, '.cache', 'pbx', 'root');
  const env = { ...savedSettings(root), ...Object.fromEntries(Object.entries(processEnv).filter(([, v]) => v !== undefined && v !== '')) };
  return {
    host: env.DUTY_PBX_BIND && env.DUTY_PBX_BIND !== '0.0.0.0' ? env.DUTY_PBX_BIND : '127.0.0.1',
    amiPort: intEnv(env, 'DUTY_PBX_AMI_PORT', 5038),
    amiUser: env.DUTY_PBX_AMI_USER || 'duty',
    amiSecret: env.DUTY_PBX_AMI_SECRET || 'duty-secret',
    sipPort: intEnv(env, 'DUTY_PBX_SIP_PORT', 5060),
    httpPort: intEnv(env, 'DUTY_PBX_HTTP_PORT', 8088),
    deskPort: intEnv(env, 'DUTY_PBX_DESK_PORT', 5070),
    leaderPort: intEnv(env, 'DUTY_PBX_LEADER_PORT', 5071),
    bureauPort: intEnv(env, 'DUTY_PBX_BUREAU_PORT', 5072),
    dialTimeoutS: intEnv(env, 'DUTY_DIAL_TIMEOUT', 20),
    root,
    fullLogPath: path.join(root, 'var', 'log', 'asterisk', 'full'),
    celFile: path.join(root, 'var', 'log', 'asterisk', 'cel-custom', 'duty-cel.jsonl'),
    celDatabaseUrl:
      env.DUTY_PBX_CEL_PG_HOST && env.DUTY_PBX_CEL_PG !== 'off'
        ? `postgresql://${env.DUTY_PBX_CEL_PG_USER || 'postgres'}@${env.DUTY_PBX_CEL_PG_HOST}:${env.DUTY_PBX_CEL_PG_PORT || '5432'}/${env.DUTY_PBX_CEL_PG_DB || 'duty_pbx_cel'}`
        : null,
  };
}

/** Connect to AMI and read its banner; resolves false when nothing answers. */
function amiAnswers(s: PbxSettings, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: s.host, port: s.amiPort });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (d) => done(d.toString('utf8').startsWith('Asterisk Call Manager/')));
  });
}

/** Throws a clear error unless the sandbox's AMI answers. */
export async function ensurePbxUp(settings: PbxSettings = pbxSettings()): Promise<void> {
  if (await amiAnswers(settings)) return;
  throw new Error(
    `The PBX sandbox is not running: nothing answers AMI on ${settings.host}:${settings.amiPort}.\n` +
      `Start it with \`npm run pbx:up\` (tests use a short dial timeout: \`DUTY_DIAL_TIMEOUT=8 npm run pbx:up\`).`,
  );
}

function pbx(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [pbxScript, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bash scripts/pbx.sh ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Stop and start Asterisk (config re-rendered, no rebuild); resolves once AMI answers again. */
export async function restartAsterisk(): Promise<void> {
  await pbx(['restart'], 120_000);
}

/** SIGKILL Asterisk (a PBX crash); restartAsterisk() starts it again. */
export async function killAsterisk(): Promise<void> {
  await pbx(['kill'], 30_000);
}

/** Run an Asterisk CLI command (asterisk -rx) in the sandbox; resolves with its output. */
export function asteriskRx(command: string): Promise<string> {
  return pbx(['rx', command], 30_000);
}

/**
 * Seconds the running Asterisk rings the desk before giving up on it (then the fallback chain):
 * DUTY_DESK_RING_TIMEOUT from [globals] (pbx.sh sets it from DUTY_DIAL_TIMEOUT), else the
 * default rendered into the generated dialplan.
 */
export async function liveDialTimeoutS(): Promise<number> {
  const globals = await asteriskRx('dialplan show globals');
  const set = globals.match(/DUTY_DESK_RING_TIMEOUT=(\d+)/);
  if (set?.[1]) return Number(set[1]);
  const desk = await asteriskRx('dialplan show s@duty-dest-desk');
  const rendered = desk.match(/Set\(DUTY_DESK_RING_TIMEOUT=\$\{IF\(\$\["\$\{DUTY_DESK_RING_TIMEOUT\}" = ""\]\?(\d+):/);
  if (rendered?.[1]) return Number(rendered[1]);
  throw new Error(`neither [globals] nor the generated dialplan set DUTY_DESK_RING_TIMEOUT:\n${globals}\n${desk}`);
}

// ---------------------------------------------------------------- the PBX clock (libfaketime)

/**
 * Make Asterisk's clock show `instant` now and tick on at real speed (scripts/pbx.sh clock:
 * libfaketime in the chroot; the first fake clock restarts Asterisk, later changes apply live).
 * Resolves once AMI's Timestamp shows it; 'real' puts the real clock back. Everything Asterisk
 * reads follows (${EPOCH}, the dialplan's routing, AMI Timestamp): code that compares its own
 * time with PBX timestamps must follow the PBX's clock (the service does: src/pbx/asterisk/pbx-clock.ts).
 */
export async function setPbxClock(instant: Date | 'real'): Promise<void> {
  await pbx(['clock', instant === 'real' ? 'real' : instant.toISOString()], 120_000);
}

/**
 * Monday 2026-11-23 10:00 in Asia/Shanghai: office hours in every season of the sandbox's schedule
 * (dialplan/schedule.example.yaml), in the year the sandbox renders (scripts/pbx.sh,
 * DUTY_PBX_SCHEDULE_YEARS). Fixed, not "today", so that no test depends on the day it runs (a
 * year the holiday calendar lacks routes every call to the bureau). Tests that expect the desk to
 * ring pin the PBX clock here: setPbxClock(SANDBOX_OFFICE_HOURS); so does scripts/demo.sh.
 */
export const SANDBOX_OFFICE_HOURS = new Date('2026-11-23T10:00:00+08:00');

// ---------------------------------------------------------------- a raw AMI tap (tests only)

/** One AMI event: its headers (first value wins) and the exact text Asterisk sent. */
export interface AmiFrame {
  fields: Record<string, string>;
  raw: string;
  receivedAt: number;
}

export interface AmiTap {
  /** Every event received since login, in order. */
  readonly frames: readonly AmiFrame[];
  /** Position to search from (frames.length now). */
  mark(): number;
  /** The first frame at or after `from` matching `pred`, waiting up to timeoutMs (default 10 s). */
  waitFor(pred: (f: Record<string, string>) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<AmiFrame>;
  /** Wait until every channel of the call (Linkedid) that appeared has hung up; returns the call's frames. */
  waitCallEnded(linkedid: string, options?: { from?: number; timeoutMs?: number }): Promise<AmiFrame[]>;
  /** Frames of one call (Linkedid or DestLinkedid) from `from` on. */
  callFrames(linkedid: string, from?: number): AmiFrame[];
  /** Resolves when the connection closes (e.g. Asterisk stopped). */
  readonly closed: Promise<void>;
  close(): void;
}

/** Log in to AMI (Events: on) and record every event. */
export function openAmiTap(settings: PbxSettings = pbxSettings()): Promise<AmiTap> {
  return new Promise((resolveTap, rejectTap) => {
    const socket = net.connect({ host: settings.host, port: settings.amiPort });
    const frames: AmiFrame[] = [];
    const waiters = new Set<() => void>();
    let buffer = '';
    let banner = false;
    let loggedIn = false;
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((r) => (resolveClosed = r));
    const notify = () => {
      for (const w of [...waiters]) w();
    };

    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!banner) {
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        banner = true;
        buffer = buffer.slice(eol + 2);
        socket.write(`Action: Login\r\nActionID: tap-login\r\nUsername: ${settings.amiUser}\r\nSecret: ${settings.amiSecret}\r\nEvents: on\r\n\r\n`);
      }
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        const fields: Record<string, string> = {};
        for (const line of raw.split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon <= 0) continue;
          const key = line.slice(0, colon).trim();
          if (!(key in fields)) fields[key] = line.slice(colon + 1).trim();
        }
        if (!loggedIn && fields.ActionID === 'tap-login') {
          if (fields.Response !== 'Success') {
            socket.destroy();
            rejectTap(new Error(`AMI login as "${settings.amiUser}" failed: ${fields.Message ?? raw}`));
            return;
          }
          loggedIn = true;
          resolveTap(tap);
          continue;
        }
        if (fields.Event) {
          frames.push({ fields, raw, receivedAt: Date.now() });
          notify();
        }
      }
    });
    socket.once('error', (err) => {
      if (!loggedIn) rejectTap(new Error(`cannot reach AMI on ${settings.host}:${settings.amiPort}: ${err.message}`));
    });
    socket.once('close', () => {
      resolveClosed();
      notify();
    });

    const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
      new Promise((resolve, reject) => {
        const attempt = () => {
          const found = check();
          if (found !== undefined) {
            cleanup();
            resolve(found);
          } else if (socket.destroyed) {
            cleanup();
            reject(new Error(`AMI connection closed while waiting for ${what}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${what} within ${timeoutMs} ms (last events: ${frames.slice(-5).map((f) => f.fields.Event).join(', ')})`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(attempt);
        };
        waiters.add(attempt);
        attempt();
      });

    const belongs = (f: AmiFrame, linkedid: string) => f.fields.Linkedid === linkedid || f.fields.DestLinkedid === linkedid;
    const tap: AmiTap = {
      frames,
      closed,
      mark: () => frames.length,
      waitFor: (pred, { from = 0, timeoutMs = 10_000 } = {}) =>
        waitUntil(() => frames.slice(from).find((f) => pred(f.fields)), timeoutMs, 'matching AMI event'),
      callFrames: (linkedid, from = 0) => frames.slice(from).filter((f) => belongs(f, linkedid)),
      waitCallEnded: (linkedid, { from = 0, timeoutMs = 30_000 } = {}) =>
        waitUntil(
          () => {
            const call = frames.slice(from).filter((f) => belongs(f, linkedid));
            const opened = new Set(call.filter((f) => f.fields.Event === 'Newchannel' && f.fields.Linkedid === linkedid).map((f) => f.fields.Uniqueid));
            const hungUp = new Set(call.filter((f) => f.fields.Event === 'Hangup' && f.fields.Linkedid === linkedid).map((f) => f.fields.Uniqueid));
            return opened.size > 0 && [...opened].every((id) => hungUp.has(id)) ? call : undefined;
          },
          timeoutMs,
          `end of call ${linkedid}`,
        ),
      close: () => socket.end(),
    };
  });
}
