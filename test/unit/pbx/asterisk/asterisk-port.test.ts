/**
 * The Asterisk PBX port against the scripted AMI server (test/support/fake-ami-server.ts), which
 * plays calls recorded from the real Asterisk 22 sandbox (test/fixtures/ami): events out as
 * CallEvents, commands in as AMI actions, failures as PbxErrors.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallEvent } from '../../../../src/core/call/call-events.js';
import type { PhoneRole } from '../../../../src/core/phone-role.js';
import { AsteriskPort, withPbxCommands, type AsteriskPortOptions } from '../../../../src/pbx/asterisk/asterisk-port.js';
import { PbxError } from '../../../../src/pbx/pbx-port.js';
import { FakeAmiServer, type ReceivedAction } from '../../../support/fake-ami-server.js';
import { recordedCall } from '../../../support/fake-pbx.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const roles: Record<string, PhoneRole> = { desk: 'desk', leader: 'fallback', bureau: 'bureau' };
/** The ChannelId the port gave Originate when originated-no-answer.txt was recorded (its header says so). */
const RECORDED_ORIGINATE_ID = 'duty-mx5avvml-30f92847e8';

async function fakeServer(...args: Parameters<typeof FakeAmiServer.start>): Promise<FakeAmiServer> {
  const server = await FakeAmiServer.start(...args);
  cleanup.push(() => server.close());
  return server;
}

function port(server: FakeAmiServer, options: Partial<AsteriskPortOptions> = {}): AsteriskPort {
  const p = new AsteriskPort({
    ...server.clientOptions(),
    actionTimeoutMs: 1_000,
    connectTimeoutMs: 1_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    roleOf: (endpoint) => roles[endpoint] ?? 'other',
    ...options,
  });
  cleanup.push(() => p.stop());
  return p;
}

async function started(p: AsteriskPort): Promise<AsteriskPort> {
  p.start();
  await p.waitUntilConnected(2_000);
  return p;
}

function collect(p: AsteriskPort): CallEvent[] {
  const events: CallEvent[] = [];
  p.on('call', (e) => events.push(e));
  return events;
}

const waitFor = <T>(fn: () => T): Promise<T> => vi.waitFor(fn, { timeout: 2_000, interval: 5 });
const loggedIn = (server: FakeAmiServer) => [...server.sessions].filter((s) => s.loggedIn);
const lastAction = (server: FakeAmiServer, name: string): ReceivedAction | undefined =>
  [...server.sessions].flatMap((s) => s.actions).filter((a) => a.name === name).at(-1);

describe('AsteriskPort: events out', () => {
  it('a recorded answered call comes out as CallEvents in order, and the PBX clock follows its timestamps', async () => {
    const server = await fakeServer();
    const p = await started(port(server));
    const events = collect(p);
    const call = recordedCall('answered');
    for (const s of loggedIn(server)) s.write(call.wire);

    await waitFor(() => expect(events.at(-1)?.kind).toBe('CallEnded'));
    expect(events.map((e) => e.kind)).toEqual(['CallOffered', 'LegDialed', 'LegRinging', 'LegAnswered', 'CallerHungUp', 'CallEnded']);
    expect(events[0]).toMatchObject({ kind: 'CallOffered', direction: 'inbound', callId: '1795425973.0' });
    expect(events[1]).toMatchObject({ kind: 'LegDialed', endpoint: 'desk', role: 'desk' });
    // The last event of the capture is stamped 1795425976.151332.
    expect(p.lastHeard()).toEqual(new Date(1795425976151));
    expect(p.followedCalls).toBe(0);
    expect(p.stats()).toMatchObject({ state: 'connected', reconnects: 0, protocolErrors: 0 });
    expect(p.stats().eventsReceived).toBeGreaterThan(0);
  });

  it('the desk phone calling the bureau (recorded) comes out as an outbound call placed by the desk', async () => {
    const server = await fakeServer();
    const p = await started(port(server));
    const events = collect(p);
    for (const s of loggedIn(server)) s.write(recordedCall('desk-to-bureau').wire);

    await waitFor(() => expect(events.at(-1)?.kind).toBe('CallEnded'));
    expect(events[0]).toMatchObject({ kind: 'CallOffered', direction: 'outbound', placedBy: { endpoint: 'desk', role: 'desk' }, dialed: 'bureau' });
    expect(events.filter((e) => e.kind === 'LegAnswered')).toMatchObject([{ endpoint: 'bureau', role: 'bureau' }]);
  });

  it('a listener that throws does not keep the others from hearing', async () => {
    const server = await fakeServer();
    const p = await started(port(server));
    p.on('call', () => {
      throw new Error('listener bug');
    });
    const events = collect(p);
    for (const s of loggedIn(server)) s.write(recordedCall('busy').wire);
    await waitFor(() => expect(events.at(-1)?.kind).toBe('CallEnded'));
  });

  it('unsubscribing stops the events', async () => {
    const server = await fakeServer();
    const p = await started(port(server));
    const events: CallEvent[] = [];
    const off = p.on('call', (e) => events.push(e));
    off();
    const still = collect(p);
    for (const s of loggedIn(server)) s.write(recordedCall('busy').wire);
    await waitFor(() => expect(still.at(-1)?.kind).toBe('CallEnded'));
    expect(events).toEqual([]);
  });

  it('connection lost: the calls it followed are forgotten before listeners hear of it; after reconnecting, their events are not reported, their hang-ups are', async () => {
    const server = await fakeServer();
    const p = await started(port(server));
    const events = collect(p);
    const call = recordedCall('no-answer');
    const frames = call.wire.split('\r\n\r\n').filter((f) => f.trim() !== '');
    const cut = frames.findIndex((f) => /^Event: DialState$/m.test(f)); // the desk rings from here on
    for (const s of loggedIn(server)) s.write(`${frames.slice(0, cut).join('\r\n\r\n')}\r\n\r\n`);
    await waitFor(() => expect(events.map((e) => e.kind)).toEqual(['CallOffered', 'LegDialed']));
    expect(p.followedCalls).toBe(1);

    const followedWhenTold: number[] = [];
    p.on('disconnected', () => followedWhenTold.push(p.followedCalls));
    const unfollowed: string[] = [];
    p.on('unfollowedHangup', (callId) => unfollowed.push(callId));
    let connections = 0;
    p.on('connected', () => connections++);
    server.dropAll();
    await waitFor(() => expect(connections).toBe(1));
    expect(followedWhenTold).toEqual([0]);
    expect(p.state).toBe('connected');

    for (const s of loggedIn(server)) s.write(`${frames.slice(cut).join('\r\n\r\n')}\r\n\r\n`);
    await waitFor(() => expect(unfollowed).toContain(call.pbxCallId));
    expect(events.map((e) => e.kind)).toEqual(['CallOffered', 'LegDialed']);
    expect(p.stats().reconnects).toBe(1);
  });

  it('forget(callId): the call is not followed any more', async () => {
    const server = await fakeServer();
    const p = await started(port(server));
    const events = collect(p);
    const call = recordedCall('busy');
    const frames = call.wire.split('\r\n\r\n').filter((f) => f.trim() !== '');
    const callerAppears = frames.findIndex((f) => /^Event: Newchannel$/m.test(f)) + 1;
    for (const s of loggedIn(server)) s.write(`${frames.slice(0, callerAppears).join('\r\n\r\n')}\r\n\r\n`);
    await waitFor(() => expect(events.map((e) => e.kind)).toEqual(['CallOffered']));
    p.forget(call.pbxCallId);
    expect(p.followedCalls).toBe(0);
    for (const s of loggedIn(server)) s.write(`${frames.slice(callerAppears).join('\r\n\r\n')}\r\n\r\n`);
    await waitFor(() => expect(p.stats().eventsReceived).toBeGreaterThanOrEqual(frames.length));
    expect(events.map((e) => e.kind)).toEqual(['CallOffered']);
  });
});

describe('AsteriskPort: placing a call (originate)', () => {
  /** The PBX plays the recorded originated call under the ChannelId asked for, before it answers the action (as Asterisk may). */
  function playOriginated(server: FakeAmiServer, answer: 'Success' | 'Error' = 'Success'): void {
    server.handle('Originate', (action, session) => {
      const id = action.get('ChannelId') ?? 'missing';
      if (answer === 'Error') {
        session.respond(action, [['Response', 'Error'], ['Message', 'Originate failed']]);
        return;
      }
      session.write(recordedCall('originated-no-answer').wire.replaceAll(RECORDED_ORIGINATE_ID, id));
      session.respond(action, [['Response', 'Success'], ['Message', 'Originate successfully queued']]);
    });
  }

  it('sends Originate of Local/s@duty-originate with a ChannelId of its choosing; resolves with that id, and the call comes out as originated', async () => {
    const server = await fakeServer();
    playOriginated(server);
    const p = await started(port(server));
    const events = collect(p);

    const callId = await p.originate({ endpoint: 'desk', timeoutMs: 5_000, holdMs: 300, callerId: { name: 'duty "hotline"', number: '0000' } });

    const action = lastAction(server, 'Originate');
    expect(action?.get('ChannelId')).toBe(callId);
    expect(callId).toMatch(/^duty-[0-9a-z]+-[0-9a-f]{10}$/);
    expect(Object.fromEntries(action!.headers.filter(([k]) => !['Action', 'ActionID', 'Variable', 'ChannelId', 'OtherChannelId'].includes(k)))).toEqual({
      Channel: 'Local/s@duty-originate',
      Application: 'Wait',
      Data: '0.3',
      Timeout: '10000',
      CallerID: '"duty hotline" <0000>',
      Async: 'true',
    });
    expect(action?.get('OtherChannelId')).toBe(`${callId}-2`);
    expect(action?.headers.filter(([k]) => k === 'Variable').map(([, v]) => v)).toEqual(['DUTY_ENDPOINT=desk', 'DUTY_ROLE=desk', 'DUTY_ORIGINATE_TIMEOUT=5']);

    await waitFor(() => expect(events.at(-1)?.kind).toBe('CallEnded'));
    expect(events.map((e) => e.kind)).toEqual(['CallOffered', 'LegDialed', 'LegRinging', 'LegNoAnswer', 'CallerHungUp', 'CallEnded']);
    expect(events[0]).toMatchObject({ kind: 'CallOffered', direction: 'originated', callId });
    expect(events.every((e) => e.callId === callId)).toBe(true);
    expect(events[1]).toMatchObject({ kind: 'LegDialed', endpoint: 'desk', role: 'desk' });
  });

  it('refused by the PBX: a PbxError with its reason, and a call that later has that id is not taken for the service\'s', async () => {
    const server = await fakeServer();
    playOriginated(server, 'Error');
    const p = await started(port(server));
    const events = collect(p);

    const refused = p.originate({ endpoint: 'bureau', timeoutMs: 1_500 });
    await expect(refused).rejects.toBeInstanceOf(PbxError);
    await expect(refused).rejects.toMatchObject({ kind: 'refused', message: 'the PBX refused placing a call to bureau: Originate failed' });
    const id = lastAction(server, 'Originate')?.get('ChannelId') ?? '';
    expect(lastAction(server, 'Originate')?.headers.filter(([k]) => k === 'Variable').map(([, v]) => v)).toEqual(['DUTY_ENDPOINT=bureau', 'DUTY_ROLE=bureau', 'DUTY_ORIGINATE_TIMEOUT=1.5']);

    for (const s of loggedIn(server)) s.sendEvent({ Event: 'Newchannel', Channel: 'Local/s@duty-originate-00000009;1', Uniqueid: id, Linkedid: id });
    await waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ kind: 'CallOffered', direction: 'inbound', callId: id });
  });

  it('refuses what is not an endpoint name or a ring time, sending nothing', async () => {
    const server = await fakeServer();
    const p = await started(port(server));
    await expect(p.originate({ endpoint: 'desk&PJSIP/trunk/110', timeoutMs: 5_000 })).rejects.toThrow(RangeError);
    await expect(p.originate({ endpoint: 'desk', timeoutMs: 0 })).rejects.toThrow(RangeError);
    expect(lastAction(server, 'Originate')).toBeUndefined();
  });

  it('not connected: a PbxError (not-connected), nothing sent', async () => {
    const server = await fakeServer();
    const p = port(server);
    await expect(p.originate({ endpoint: 'desk', timeoutMs: 5_000 })).rejects.toMatchObject({ kind: 'not-connected' });
    await expect(p.liveCalls()).rejects.toMatchObject({ kind: 'not-connected' });
  });
});

describe('AsteriskPort: commands in', () => {
  it('liveCalls: the call ids of the channels the PBX lists', async () => {
    const server = await fakeServer();
    server.handle('CoreShowChannels', (action, session) => {
      const id: [string, string] = ['ActionID', action.actionId ?? ''];
      session.respond(action, [['Response', 'Success'], ['EventList', 'start'], ['Message', 'Channels will follow']]);
      for (const [channel, linkedid] of [['PJSIP/citizen-00000001', '1764000000.1'], ['PJSIP/desk-00000002', '1764000000.1'], ['PJSIP/desk-00000003', '1764000000.7']]) {
        session.sendEvent([['Event', 'CoreShowChannel'], id, ['Channel', channel!], ['Linkedid', linkedid!]]);
      }
      session.sendEvent([['Event', 'CoreShowChannelsComplete'], id, ['EventList', 'Complete'], ['ListItems', '3']]);
    });
    const p = await started(port(server));
    expect(await p.liveCalls()).toEqual(new Set(['1764000000.1', '1764000000.7']));
  });

  it("time(): the PBX's clock from the Timestamp of its answer to a Ping; no answer in time is a PbxError naming the timeout", async () => {
    const server = await fakeServer();
    server.handle('Ping', (action, session) => session.respond(action, [['Response', 'Success'], ['Ping', 'Pong'], ['Timestamp', '1764000000.250000']]));
    const p = await started(port(server, { timeTimeoutMs: 100, pingIntervalMs: 0 }));
    expect(await p.time()).toEqual(new Date(1764000000250));

    server.handle('Ping', () => undefined); // the PBX stalls
    const late = p.time();
    await expect(late).rejects.toMatchObject({ kind: 'failed' });
    await expect(late).rejects.toThrow(/^asking the PBX's time failed: .*timed out after 100 ms/);
  });

  it('command() and reloadDialplan(): the output lines; a refusal is a PbxError with what the PBX printed', async () => {
    const server = await fakeServer();
    server.handle('Command', (action, session) => {
      const cli = action.get('Command');
      if (cli === 'dialplan reload') session.respond(action, [['Response', 'Success'], ['Message', 'Command output follows'], ['Output', 'Dialplan reloaded.']]);
      else if (cli === 'core show uptime') session.respond(action, [['Response', 'Success'], ['Message', 'Command output follows'], ['Output', 'System uptime: 5 minutes'], ['Output', 'Last reload: 1 minute']]);
      else session.respond(action, [['Response', 'Error'], ['Message', 'Command output follows'], ['Output', `No such command '${cli}' (type 'core show help ${cli}' for other possible commands)`]]);
    });
    const p = await started(port(server));
    expect(await p.reloadDialplan()).toEqual(['Dialplan reloaded.']);
    expect(await p.command('core show uptime')).toEqual(['System uptime: 5 minutes', 'Last reload: 1 minute']);
    const refused = p.command('dialplan frobnicate');
    await expect(refused).rejects.toMatchObject({ kind: 'refused', output: ["No such command 'dialplan frobnicate' (type 'core show help dialplan frobnicate' for other possible commands)"] });
  });

  it("ringTone(): the tone zone's ringing cadence; undefined when the PBX has none", async () => {
    const server = await fakeServer();
    server.handle('Command', (action, session) =>
      session.respond(action, [['Response', 'Success'], ['Message', 'Command output follows'], ['Output', 'Country   Indication      PlayList'], ['Output', 'cn        ring            450/200,0/800']]),
    );
    const p = await started(port(server));
    expect(await p.ringTone('cn')).toEqual({ onMs: 200, offMs: 800 });
    expect(await p.ringTone('de')).toBeUndefined();
    expect(lastAction(server, 'Command')?.get('Command')).toBe('indication show de');
  });

  it('waitUntilConnected with a wrong secret: a PbxError (unreachable) naming the refused login', async () => {
    const server = await fakeServer();
    const p = port(server, { secret: 'wrong' });
    p.start();
    await expect(p.waitUntilConnected(300)).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/^cannot log in to the PBX \(AMI duty@127\.0\.0\.1:\d+\): .*Authentication failed/) });
  });
});

describe('withPbxCommands (dialplan check, dialplan apply)', () => {
  it('logs in with no event stream, runs the commands, logs off', async () => {
    const server = await fakeServer();
    server.handle('Command', (action, session) => session.respond(action, [['Response', 'Success'], ['Message', 'Command output follows'], ['Output', `ran ${action.get('Command')}`]]));
    const answers = await withPbxCommands(server.clientOptions(), async (pbx) => [await pbx.reloadDialplan(), await pbx.command('dialplan show')]);
    expect(answers).toEqual([['ran dialplan reload'], ['ran dialplan show']]);
    const actions = [...server.sessions].flatMap((s) => s.actions);
    expect(server.logins).toBe(1);
    expect(lastAction(server, 'Login')?.get('Events')).toBe('off');
    await waitFor(() => expect(server.sessions.size).toBe(0)); // logged off, closed
    expect(actions.map((a) => a.name)).toEqual(['Login', 'Command', 'Command', 'Logoff']);
  });

  it('a PBX that refuses the login: a PbxError (unreachable)', async () => {
    const server = await fakeServer();
    const run = withPbxCommands({ ...server.clientOptions(), secret: 'wrong' }, async () => 'ran', { loginTimeoutMs: 300 });
    await expect(run).rejects.toBeInstanceOf(PbxError);
    await expect(run).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
