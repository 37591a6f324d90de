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

describe('AMI translation: who placed the call', () => {
  const offeredBy = (t: AmiTranslator, channel: Record<string, string>) => feed(t, { Event: 'Newchannel', ...channel, CallerIDNum: 'x', Exten: 'bureau', Timestamp: '1764000000.0' })[0];

  it('a caller channel of an office phone (desk, leader, bureau) is an outbound call, naming the phone', () => {
    for (const [endpoint, role] of [['desk', 'desk'], ['leader', 'fallback'], ['bureau', 'bureau']] as const) {
      const offered = offeredBy(new AmiTranslator(roleOf), { Uniqueid: '1764000000.5', Linkedid: '1764000000.5', Channel: `PJSIP/${endpoint}-0000000a` });
      expect(offered, endpoint).toMatchObject({ kind: 'CallOffered', direction: 'outbound', placedBy: { endpoint, role } });
    }
  });

  it('a caller channel of anything else (a citizen, a trunk, a Local channel) is an inbound call', () => {
    for (const channel of ['PJSIP/citizen-00000001', 'PJSIP/trunk-cn-0000001f', 'Local/s@duty-originate-00000000;1', 'SIP/unknown']) {
      const offered = offeredBy(new AmiTranslator(roleOf), { Uniqueid: '1764000000.5', Linkedid: '1764000000.5', Channel: channel });
      expect(offered, channel).toMatchObject({ kind: 'CallOffered', direction: 'inbound' });
      expect(offered, channel).not.toHaveProperty('placedBy');
    }
  });

  it('the call whose first channel has the id it was told to expect is originated, once; a refused or forgotten expectation is not', () => {
    const t = new AmiTranslator(roleOf);
    const local = (id: string) => ({ Uniqueid: id, Linkedid: id, Channel: 'Local/s@duty-originate-00000000;1' });
    t.expectOriginated('duty-a');
    t.expectOriginated('duty-b');
    t.expectOriginated('duty-c');
    t.unexpectOriginated('duty-b');
    expect(offeredBy(t, local('duty-a'))).toMatchObject({ direction: 'originated', callId: 'duty-a' });
    expect(offeredBy(t, local('duty-b'))).toMatchObject({ direction: 'inbound' });
    t.forgetAll(); // the connection was lost before the call appeared
    expect(offeredBy(t, local('duty-c'))).toMatchObject({ direction: 'inbound' });
    // An office phone's channel with an expected id is still the service's call.
    t.expectOriginated('duty-d');
    expect(offeredBy(t, { Uniqueid: 'duty-d', Linkedid: 'duty-d', Channel: 'PJSIP/desk-0000000b' })).toMatchObject({ direction: 'originated' });
  });

  it("Originate's own dial of the call's first channel (a DialBegin with no calling channel) is not a phone leg", () => {
    const t = new AmiTranslator(roleOf);
    t.expectOriginated('duty-a');
    const first = { Uniqueid: 'duty-a', Linkedid: 'duty-a', Channel: 'Local/s@duty-originate-00000000;1' };
    const second = { Uniqueid: 'duty-a-2', Linkedid: 'duty-a', Channel: 'Local/s@duty-originate-00000000;2' };
    const originateDial = { DestUniqueid: 'duty-a', DestLinkedid: 'duty-a', DestChannel: first.Channel };
    const deskDial = { ...second, DestUniqueid: '1764000000.9', DestLinkedid: 'duty-a', DestChannel: 'PJSIP/desk-00000003' };
    const events = feed(
      t,
      { Event: 'Newchannel', ...first },
      { Event: 'Newchannel', ...second },
      { Event: 'DialBegin', ...originateDial },
      { Event: 'Newchannel', Uniqueid: '1764000000.9', Linkedid: 'duty-a', Channel: 'PJSIP/desk-00000003' },
      { Event: 'DialBegin', ...deskDial },
      { Event: 'DialState', ...originateDial, DialStatus: 'RINGING' },
      { Event: 'DialState', ...deskDial, DialStatus: 'RINGING' },
      { Event: 'DialEnd', ...deskDial, DialStatus: 'NOANSWER' },
      { Event: 'DialEnd', ...originateDial, DialStatus: 'NOANSWER' },
    );
    expect(events.map((e) => e.kind)).toEqual(['CallOffered', 'LegDialed', 'LegRinging', 'LegNoAnswer']);
    expect(events.slice(1).every((e) => 'endpoint' in e && e.endpoint === 'desk' && e.role === 'desk')).toBe(true);
  });
});
