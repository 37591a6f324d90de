/**
 * Why we replaced asterisk-manager 0.2.0: one AMI event with two `UserEvent:` headers kills the
 * process. Its parser turns repeated headers into an array, then its event dispatcher calls
 * `event.userevent.toLowerCase()` synchronously inside the socket 'data' handler, so the
 * TypeError is uncaught. The same bytes through our client arrive as one event with both values.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmiClient } from '../../../../src/pbx/ami/ami-client.js';
import type { AmiFrame } from '../../../../src/pbx/ami/ami-frame.js';
import { FakeAmiServer } from '../../../support/fake-ami-server.js';

const DUPLICATE_USEREVENT = 'Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: DutyDial\r\nUserEvent: Injected\r\nUniqueid: 1.1\r\n\r\n';
const SINGLE_USEREVENT = 'Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: DutyDial\r\nUniqueid: 1.1\r\n\r\n';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs asterisk-manager 0.2.0 as documented (constructor logs in, events on) in a child node. */
const CHILD = `
const Manager = require('asterisk-manager');
const ami = new Manager(Number(process.argv[1]), '127.0.0.1', 'duty', 'duty-secret', true);
ami.on('managerevent', (e) => {
  console.log('EVENT ' + JSON.stringify(e));
  process.exit(0);
});
setTimeout(() => { console.log('NO EVENT'); process.exit(3); }, 5000);
`;

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runAsteriskManager(port: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=commonjs', '-e', CHILD, String(port)], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const servers: FakeAmiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serverSendingAfterLogin(bytes: string): Promise<FakeAmiServer> {
  const server = await FakeAmiServer.start();
  servers.push(server);
  server.on('login', (session) => session.write(bytes));
  return server;
}

describe('asterisk-manager 0.2.0 (the library we replaced)', () => {
  it('dies with an uncaught TypeError on an event with two UserEvent headers', { timeout: 15_000 }, async () => {
    const server = await serverSendingAfterLogin(DUPLICATE_USEREVENT);
    const result = await runAsteriskManager(server.port);
    expect(server.logins).toBe(1);
    expect(result.code).toBe(1); // Node's exit code for an uncaught exception
    expect(result.stdout).not.toContain('EVENT');
    expect(result.stderr).toContain('TypeError: event.userevent.toLowerCase is not a function');
    expect(result.stderr).toMatch(/asterisk-manager[/\\]lib[/\\]ami\.js/);
  });

  it('control: the same event with one UserEvent header is delivered', { timeout: 15_000 }, async () => {
    const server = await serverSendingAfterLogin(SINGLE_USEREVENT);
    const result = await runAsteriskManager(server.port);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"userevent":"DutyDial"');
  });
});

describe('AmiClient fed the same bytes', () => {
  it('delivers the event with both UserEvent values', async () => {
    const server = await serverSendingAfterLogin(DUPLICATE_USEREVENT);
    const client = new AmiClient(server.clientOptions());
    const events: AmiFrame[] = [];
    client.on('event', (f) => events.push(f));
    client.start();
    try {
      await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 3_000, interval: 5 });
      expect(events[0]?.get('UserEvent')).toBe('DutyDial');
      expect(events[0]?.getAll('UserEvent')).toEqual(['DutyDial', 'Injected']);
      expect(client.state).toBe('connected');
    } finally {
      await client.stop();
    }
  });
});
