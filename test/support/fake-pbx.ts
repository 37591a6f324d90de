/**
 * A fake PBX for tests of the whole service: the scripted AMI server (fake-ami-server.ts)
 * playing raw captures from the real Asterisk 22 (test/fixtures/ami) to the logged-in client.
 * It answers CoreShowChannels with the calls it has played, as Asterisk lists live channels,
 * so the service's reconcile-on-connect never ends a call being played.
 */
import { readFileSync } from 'node:fs';
import { FakeAmiServer } from './fake-ami-server.js';

export interface RecordedCall {
  /** Fixture name, e.g. 'no-answer'. */
  name: string;
  /** The call's Linkedid: its pbxCallId in the call log. */
  pbxCallId: string;
  /** The capture as AMI wire text (CRLF, blank line after each event). */
  wire: string;
}

export function recordedCall(name: string): RecordedCall {
  const text = readFileSync(new URL(`../fixtures/ami/${name}.txt`, import.meta.url), 'utf8');
  const lines = text.split(/\r?\n/).filter((line) => !line.startsWith('#'));
  const pbxCallId = lines.find((line) => line.startsWith('Linkedid: '))?.slice('Linkedid: '.length).trim();
  if (!pbxCallId) throw new Error(`no Linkedid in fixture ${name}`);
  return { name, pbxCallId, wire: `${lines.join('\r\n').trim()}\r\n\r\n` };
}

/**
 * The recorded call as if it happened now: every event's Timestamp moved by the same amount, so
 * its first is `at` (default: now). For rules that compare a call's times with today's clock.
 */
export function happeningNow(call: RecordedCall, at: Date = new Date()): RecordedCall {
  const first = /^Timestamp: (\d+(?:\.\d+)?)\r?$/m.exec(call.wire);
  if (!first) throw new Error(`no Timestamp in ${call.name}`);
  const shiftS = at.getTime() / 1000 - Number(first[1]);
  const wire = call.wire.replace(/^Timestamp: (\d+(?:\.\d+)?)\r?$/gm, (_line, t: string) => `Timestamp: ${(Number(t) + shiftS).toFixed(6)}\r`);
  return { ...call, wire };
}

/**
 * The start of a recorded call: its events before the first one `stop` matches (a call the PBX
 * has not finished yet). Throws when none matches.
 */
export function firstPart(call: RecordedCall, stop: (event: string) => boolean, name = `${call.name} (first part)`): RecordedCall {
  const events = call.wire.split('\r\n\r\n').filter((e) => e.trim() !== '');
  const end = events.findIndex(stop);
  if (end === -1) throw new Error(`no event of ${call.name} ends its first part`);
  return { name, pbxCallId: call.pbxCallId, wire: `${events.slice(0, end).join('\r\n\r\n')}\r\n\r\n` };
}

export interface FakePbx {
  ami: FakeAmiServer;
  /** Linkedids CoreShowChannels lists: each call played so far; tests may add or remove some. */
  live: Set<string>;
  /** Sends the call's events to every logged-in AMI session; returns how many got them. */
  play(call: RecordedCall): number;
  close(): Promise<void>;
}

export async function startFakePbx(): Promise<FakePbx> {
  const ami = await FakeAmiServer.start();
  const live = new Set<string>();
  ami.handle('CoreShowChannels', (action, session) => {
    const id: [string, string] = ['ActionID', action.actionId ?? ''];
    session.respond(action, [['Response', 'Success'], ['EventList', 'start'], ['Message', 'Channels will follow']]);
    for (const linkedid of live) session.sendEvent([['Event', 'CoreShowChannel'], id, ['Linkedid', linkedid]]);
    session.sendEvent([['Event', 'CoreShowChannelsComplete'], id, ['EventList', 'Complete'], ['ListItems', String(live.size)]]);
  });
  return {
    ami,
    live,
    play(call) {
      live.add(call.pbxCallId);
      const sessions = [...ami.sessions].filter((s) => s.loggedIn);
      for (const session of sessions) session.write(call.wire);
      return sessions.length;
    },
    close: () => ami.close(),
  };
}
