/**
 * Calls rebuilt from CEL: the sandbox Asterisk 22's own channel event log of six calls (captured
 * with scripts/lib/render-asterisk-config.sh's cel_custom JSON mapping, cadence 200/800 ms, desk
 * dial timeout 8 s; for the four office-hours calls leader and bureau unregistered, for the two
 * after-hours ones the bureau registered) translated and replayed through the call rules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayCall } from '../../../../src/core/call/call-replay.js';
import type { CallSnapshot } from '../../../../src/core/call/call-model.js';
import type { PhoneRole } from '../../../../src/core/phone-role.js';
import { celCallEvents, type CelRow } from '../../../../src/pbx/asterisk/cel-translator.js';

const roles: Record<string, PhoneRole> = { desk: 'desk', leader: 'fallback', bureau: 'bureau' };
const roleOf = (endpoint: string): PhoneRole => roles[endpoint] ?? 'other';
const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '../../../fixtures/cel', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CelRow);
// four-calls: office hours; bureau-and-outbound: after hours (23:00 in Shanghai) with the bureau phone registered
const rows = [...fixture('four-calls.jsonl'), ...fixture('bureau-and-outbound.jsonl')];
const ctx = { officeId: 'default', rules: { threshold: 3, cadence: { onMs: 200, offMs: 800 } } };

function rebuilt(caller: string) {
  const linkedid = rows.find((r) => r.eventtype === 'CHAN_START' && r.num === caller)!.linkedid;
  const events = celCallEvents(rows.filter((r) => r.linkedid === linkedid), roleOf);
  const { state, effects } = replayCall(events, ctx);
  const saves = effects.filter((e) => e.kind === 'save').map((e) => e.call);
  return { events, state, call: saves.at(-1) as CallSnapshot, records: effects.filter((e) => e.kind === 'record') };
}

describe('a call rebuilt from CEL', () => {
  it('the desk answers 1.5 s into ringing: answered in ring 2, no record', () => {
    const { call, records, state } = rebuilt('13900000001');
    expect(state?.ended).toBe(true);
    expect(call).toMatchObject({ pbxCallId: '1795399204.0', direction: 'inbound', callerNumber: '13900000001', dialed: '1000', deskEndpoint: 'desk', outcome: 'answered', ringCount: 2, answeredBy: 'desk', reachedNobody: false });
    expect(call.deskRingingAt).toEqual(new Date(1795399204324));
    expect(call.answeredAt).toEqual(new Date(1795399205827));
    expect(call.endedAt).toEqual(new Date(1795399206137));
    expect(records).toEqual([]);
  });

  it('the desk rings 8 s unanswered, leader and bureau unreachable: an absence at the 3rd ring, one record, reached nobody', () => {
    const { call, records } = rebuilt('13900000002');
    expect(call).toMatchObject({ outcome: 'absence', ringCount: 3, deskEndpoint: 'desk', answeredAt: null, reachedNobody: true });
    expect(records.filter((r) => !r.completed)).toHaveLength(1);
    expect(records[0]!.record).toMatchObject({ type: 'absence' });
    // the 3rd ring ends 3 × 1000 ms after the desk's channel started (1795399206.508)
    expect(records[0]!.record.occurredAt).toEqual(new Date(1795399209508));
  });

  it('the caller hangs up 1.5 s into ringing: abandoned in ring 2, not an absence', () => {
    const { call, records, events } = rebuilt('13900000003');
    expect(call).toMatchObject({ outcome: 'abandoned', ringCount: 2, reachedNobody: false });
    expect(records).toEqual([]);
    expect(events.filter((e) => e.kind === 'CallerHungUp')).toHaveLength(1);
  });

  it('a busy desk, then leader and bureau that could not be called: busy, the two phones tried as unreachable', () => {
    const { call, events } = rebuilt('13900000004');
    expect(call).toMatchObject({ outcome: 'busy', reachedNobody: true });
    expect(events.filter((e) => e.kind === 'LegUnreachable').map((e) => 'endpoint' in e && e.endpoint)).toEqual(['leader', 'bureau']);
  });

  it('after hours, the bureau answers: bureau, no record', () => {
    const { call, records } = rebuilt('13900000005');
    expect(call).toMatchObject({ direction: 'inbound', outcome: 'bureau', answeredBy: 'bureau', deskEndpoint: null, reachedNobody: false });
    expect(records).toEqual([]);
  });

  it('the desk dials the bureau: an outbound call the bureau answered, no ring deadline, no record', () => {
    const linkedid = rows.find((r) => r.eventtype === 'CHAN_START' && r.uniqueid === r.linkedid && r.channame.startsWith('PJSIP/desk-'))!.linkedid;
    const events = celCallEvents(rows.filter((r) => r.linkedid === linkedid), roleOf);
    expect(events[0]).toMatchObject({ kind: 'CallOffered', direction: 'outbound', placedBy: { endpoint: 'desk', role: 'desk' }, dialed: 'bureau' });
    const { effects } = replayCall(events, ctx);
    const call = effects.filter((e) => e.kind === 'save').at(-1)!.call;
    expect(call).toMatchObject({ direction: 'outbound', outcome: 'answered', answeredBy: 'bureau' });
    expect(effects.filter((e) => e.kind === 'record')).toEqual([]);
  });

  it('rows out of order are sorted by time; a call whose caller channel is missing gives nothing', () => {
    const linkedid = rows.find((r) => r.num === '13900000001')!.linkedid;
    const own = rows.filter((r) => r.linkedid === linkedid);
    expect(celCallEvents([...own].reverse(), roleOf)).toEqual(celCallEvents(own, roleOf));
    expect(celCallEvents(own.filter((r) => r.uniqueid !== linkedid), roleOf)).toEqual([]);
  });
});
