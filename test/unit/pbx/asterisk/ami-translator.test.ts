import { describe, expect, it } from 'vitest';
import type { PhoneRole } from '../../../../src/core/phone-role.js';
import { AmiTranslator, endpointOf } from '../../../../src/pbx/asterisk/ami-translator.js';
import { fields } from '../../../support/ami-fields.js';

const roles: Record<string, PhoneRole> = { desk: 'desk', leader: 'fallback', bureau: 'bureau' };
const roleOf = (endpoint: string): PhoneRole => roles[endpoint] ?? 'other';
const caller = { Uniqueid: '1764000000.1', Linkedid: '1764000000.1', Channel: 'PJSIP/citizen-00000001' };
const desk = { DestUniqueid: '1764000000.2', DestLinkedid: '1764000000.1', DestChannel: 'PJSIP/desk-00000002' };

function feed(t: AmiTranslator, ...msgs: Array<Record<string, string>>) {
  return msgs.flatMap((m) => t.translate(fields(m)));
}

describe('AMI translation', () => {
  it('turns the caller channel into CallOffered using the Asterisk timestamp', () => {
    const t = new AmiTranslator(roleOf);
    const [offered] = feed(t, { Event: 'Newchannel', ...caller, CallerIDNum: '13800000000', CallerIDName: '<unknown>', Exten: '1000', Timestamp: '1764000000.250000' });
    expect(offered).toEqual({ kind: 'CallOffered', direction: 'inbound', callId: caller.Linkedid, at: new Date(1764000000250), callerNumber: '13800000000', callerName: null, dialed: '1000' });
  });

  it('does not follow a call whose caller channel it never saw (up before it listened), and reports its hang-ups', () => {
    const unfollowed: string[] = [];
    const t = new AmiTranslator(roleOf, undefined, (callId) => unfollowed.push(callId));
    const events = feed(
      t,
      { Event: 'Newchannel', Uniqueid: desk.DestUniqueid, Linkedid: caller.Linkedid, Channel: desk.DestChannel, Timestamp: '1764000000.1' },
      { Event: 'DialBegin', ...caller, ...desk, DialString: 'desk', Timestamp: '1764000000.1' },
      { Event: 'DialState', ...caller, ...desk, DialStatus: 'RINGING', Timestamp: '1764000000.2' },
      { Event: 'DialEnd', ...caller, ...desk, DialStatus: 'ANSWER', Timestamp: '1764000006.0' },
      { Event: 'Hangup', Uniqueid: desk.DestUniqueid, Linkedid: caller.Linkedid, Timestamp: '1764000010.0' },
      { Event: 'Hangup', ...caller, Timestamp: '1764000010.1' },
    );
    expect(events).toEqual([]);
    expect(t.openCalls).toBe(0);
    expect(unfollowed).toEqual([caller.Linkedid, caller.Linkedid]);
  });

  it('follows a desk leg from dial to answer, once each, and ends the call with the last channel', () => {
    const t = new AmiTranslator(roleOf);
    const events = feed(
      t,
      { Event: 'Newchannel', ...caller, CallerIDNum: '100', Exten: '1000', Timestamp: '1764000000.0' },
      { Event: 'Newchannel', Uniqueid: desk.DestUniqueid, Linkedid: caller.Linkedid, Channel: desk.DestChannel, Timestamp: '1764000000.1' },
      { Event: 'DialBegin', ...caller, ...desk, DialString: 'desk', Timestamp: '1764000000.1' },
      { Event: 'Newstate', Uniqueid: desk.DestUniqueid, Linkedid: caller.Linkedid, ChannelStateDesc: 'Ringing', Timestamp: '1764000000.2' },
      { Event: 'DialState', ...caller, ...desk, DialStatus: 'RINGING', Timestamp: '1764000000.2' },
      { Event: 'Newstate', Uniqueid: desk.DestUniqueid, Linkedid: caller.Linkedid, ChannelStateDesc: 'Up', Timestamp: '1764000006.0' },
      { Event: 'DialEnd', ...caller, ...desk, DialStatus: 'ANSWER', Timestamp: '1764000006.0' },
      { Event: 'Hangup', Uniqueid: desk.DestUniqueid, Linkedid: caller.Linkedid, 'Cause-txt': 'Normal Clearing', Timestamp: '1764000010.0' },
      { Event: 'Hangup', ...caller, 'Cause-txt': 'Normal Clearing', Timestamp: '1764000010.1' },
    );
    // The desk hung up first; the PBX then ended the caller's channel: not the caller hanging up.
    expect(events.map((e) => e.kind)).toEqual(['CallOffered', 'LegDialed', 'LegRinging', 'LegAnswered', 'CallEnded']);
    expect(events[1]).toMatchObject({ legId: desk.DestUniqueid, endpoint: 'desk', role: 'desk' });
    expect(events[2]?.at).toEqual(new Date(1764000000200));
    expect(t.openCalls).toBe(0);
  });

  it("the caller hangs up when the caller's channel gets a HangupRequest (SIP BYE/CANCEL), not when the dialplan hangs it up (SoftHangupRequest)", () => {
    const byCaller = feed(
      new AmiTranslator(roleOf),
      { Event: 'Newchannel', ...caller, Timestamp: '1764000000.0' },
      { Event: 'HangupRequest', ...caller, Cause: '16', Timestamp: '1764000001.0' },
      { Event: 'Hangup', ...caller, Timestamp: '1764000001.1' },
    );
    expect(byCaller.map((e) => e.kind)).toEqual(['CallOffered', 'CallerHungUp', 'CallEnded']);
    expect(byCaller[1]?.at).toEqual(new Date(1764000001000));

    const byDialplan = feed(
      new AmiTranslator(roleOf),
      { Event: 'Newchannel', ...caller, Timestamp: '1764000000.0' },
      { Event: 'SoftHangupRequest', ...caller, Cause: '16', Timestamp: '1764000001.0' },
      { Event: 'Hangup', ...caller, 'Cause-txt': 'No route to destination', Timestamp: '1764000001.1' },
    );
    expect(byDialplan.map((e) => e.kind)).toEqual(['CallOffered', 'CallEnded']);
  });

  it('maps DialEnd statuses to leg outcomes', () => {
    const statuses = { BUSY: 'LegBusy', CHANUNAVAIL: 'LegUnreachable', CONGESTION: 'LegUnreachable', NOANSWER: 'LegNoAnswer', CANCEL: 'CallerHungUp' };
    for (const [status, kind] of Object.entries(statuses)) {
      const t = new AmiTranslator(roleOf);
      const events = feed(t, { Event: 'Newchannel', ...caller }, { Event: 'DialBegin', ...caller, ...desk }, { Event: 'DialEnd', ...caller, ...desk, DialStatus: status });
      expect(events.at(-1)?.kind, status).toBe(kind);
    }
  });

  it('reports a desk that could not be called at all from the dialplan UserEvent', () => {
    const t = new AmiTranslator(roleOf);
    const events = feed(
      t,
      { Event: 'Newchannel', ...caller },
      { Event: 'UserEvent', UserEvent: 'DutyDial', Linkedid: caller.Linkedid, Endpoint: 'desk', Role: 'desk', DialStatus: 'CHANUNAVAIL' },
    );
    expect(events.slice(1).map((e) => e.kind)).toEqual(['LegDialed', 'LegUnreachable']);
  });

  it('ignores events of channels it never saw and unrelated events', () => {
    const t = new AmiTranslator(roleOf);
    expect(feed(t, { Event: 'Hangup', Uniqueid: 'x' }, { Event: 'PeerStatus' }, { Event: 'Newstate', Uniqueid: 'y', ChannelStateDesc: 'Ringing' }, {})).toEqual([]);
  });

  it('falls back to arrival time when the event has no timestamp', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const t = new AmiTranslator(roleOf, () => now);
    expect(feed(t, { Event: 'Newchannel', ...caller })[0]?.at).toEqual(now);
  });

  it('reads endpoints from channel names and dial strings', () => {
    expect(endpointOf('PJSIP/desk-0000000a', undefined)).toBe('desk');
    expect(endpointOf('PJSIP/duty-desk-2-0000001f', undefined)).toBe('duty-desk-2');
    expect(endpointOf(undefined, 'PJSIP/bureau')).toBe('bureau');
    expect(endpointOf(undefined, undefined)).toBe('unknown');
  });
});
