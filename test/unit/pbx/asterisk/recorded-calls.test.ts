/**
 * Raw AMI captures from the real Asterisk 22 sandbox (test/fixtures/ami, recorded by
 * test/pbx/sandbox.test.ts) replayed through the frame parser, the translator and the rules.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../../../src/core/call/call-model.js';
import type { PhoneRole } from '../../../../src/core/phone-role.js';
import { step, type CallState, type Effect } from '../../../../src/core/call/call-rules.js';
import { AmiFrameParser } from '../../../../src/pbx/ami/frame-parser.js';
import { AmiTranslator } from '../../../../src/pbx/asterisk/ami-translator.js';

// The captures were made with a 1.5 s answer / cancel delay: count with a 1 s ring.
const rules = { threshold: 3, cadence: { onMs: 200, offMs: 800 } };
const roleOf = (endpoint: string): PhoneRole => (endpoint === 'desk' ? 'desk' : 'other');

function replay(name: string) {
  const text = readFileSync(new URL(`../../../fixtures/ami/${name}.txt`, import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('#'))
    .join('\r\n')
    .trimStart();
  const parser = new AmiFrameParser();
  const frames = parser.push(`Asterisk Call Manager/11.0.0\r\n${text}\r\n\r\n`).flatMap((o) => (o.kind === 'frame' ? [o.frame] : []));
  const translator = new AmiTranslator(roleOf);
  const states = new Map<string, CallState>();
  const effects: Effect[] = [];
  const kinds: string[] = [];
  for (const frame of frames) {
    for (const event of translator.translate(frame)) {
      kinds.push(event.kind);
      const r = step(states.get(event.callId), event, { officeId: 'default', rules });
      states.set(event.callId, r.state);
      effects.push(...r.effects);
    }
  }
  return { frames, states: [...states.values()], effects, kinds, openCalls: translator.openCalls };
}

// The captures were made with the last-resort dialplan: the desk is the only phone tried, so a
// busy, unanswered or unreachable desk with the caller still on the line reached nobody.
const cases: Array<[string, CallOutcome, number | null, number, boolean]> = [
  ['answered', 'answered', 2, 0, false],
  ['no-answer', 'absence', 3, 1, true],
  ['caller-cancel', 'abandoned', 2, 0, false],
  ['busy', 'busy', null, 0, true],
  ['unregistered', 'unreachable', null, 0, true],
];

describe('recorded Asterisk 22 calls', () => {
  it.each(cases)('%s → %s (ring count %s, %i discipline record, reached nobody: %s)', (name, outcome, ringCount, recordCount, reachedNobody) => {
    const { states, effects, openCalls } = replay(name);
    expect(states).toHaveLength(1);
    const call = states[0]!.call;
    expect(call.outcome).toBe(outcome);
    expect(call.reachedNobody).toBe(reachedNobody);
    expect(effects.filter((e) => e.kind === 'unreached')).toHaveLength(reachedNobody ? 1 : 0);
    // Only the citizen's own BYE/CANCEL is the caller hanging up; the dialplan's Hangup() is not.
    expect(call.timeline.some((e) => e.what === 'caller hung up' || e.what.startsWith('caller hung up during'))).toBe(name === 'caller-cancel' || name === 'answered');
    expect(call.ringCount).toBe(ringCount);
    expect(call.endedAt).not.toBeNull();
    expect(call.callerNumber).toMatch(/^139\d+$/);
    expect(call.deskEndpoint).toBe('desk');
    const records = effects.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
    // One record, made at the third ring and repeated with its evidence completed when the call ended.
    expect(new Set(records.map((r) => `${r.subject.id} ${r.type}`)).size).toBe(recordCount);
    if (recordCount > 0) expect(records.at(-1)!.evidence.at(-1)!.what).toMatch(/^call ended/);
    expect(openCalls).toBe(0);
  });

  it('uses the PBX timestamps: the no-answer absence falls exactly three rings after the first Ringing', () => {
    const { effects, states } = replay('no-answer');
    const record = effects.find((e) => e.kind === 'record');
    const ringingAt = states[0]!.call.deskRingingAt!;
    expect(record?.kind === 'record' && record.record.occurredAt.getTime() - ringingAt.getTime()).toBe(3_000);
  });
});

describe('recorded caller cancel', () => {
  it('reports the caller hanging up once although Asterisk says it twice (DialEnd CANCEL, then Hangup)', () => {
    expect(replay('caller-cancel').kinds.filter((k) => k === 'CallerHungUp')).toHaveLength(1);
  });
});

describe('recorded calls that are not calls to the duty line', () => {
  const officeRoles: Record<string, PhoneRole> = { desk: 'desk', leader: 'fallback', bureau: 'bureau' };
  /** The fixture's frames through a translator told of the calls the service placed, then the rules. */
  function replayPlaced(name: string, originated: string[] = []) {
    const text = readFileSync(new URL(`../../../fixtures/ami/${name}.txt`, import.meta.url), 'utf8');
    const frames = new AmiFrameParser()
      .push(`Asterisk Call Manager/11.0.0\r\n${text.split(/\r?\n/).filter((l) => !l.startsWith('#')).join('\r\n').trimStart()}\r\n\r\n`)
      .flatMap((o) => (o.kind === 'frame' ? [o.frame] : []));
    const translator = new AmiTranslator((e) => officeRoles[e] ?? 'other');
    for (const id of originated) translator.expectOriginated(id);
    let state: CallState | undefined;
    const effects: Effect[] = [];
    for (const frame of frames) {
      for (const event of translator.translate(frame)) {
        const r = step(state, event, { officeId: 'default', rules });
        state = r.state;
        effects.push(...r.effects);
      }
    }
    return { call: state!.call, effects, openCalls: translator.openCalls };
  }

  it('desk-to-bureau: the desk phone calls the bureau, which answers → outbound, answered by the bureau, no record, not reached nobody', () => {
    const { call, effects, openCalls } = replayPlaced('desk-to-bureau');
    expect(call).toMatchObject({ direction: 'outbound', outcome: 'answered', answeredBy: 'bureau', callerNumber: 'desk', dialed: 'bureau', deskEndpoint: null, reachedNobody: false });
    expect(call.timeline[0]?.what).toBe('placed by desk phone desk to bureau');
    expect(effects.filter((e) => e.kind === 'record' || e.kind === 'wake' || e.kind === 'unreached')).toEqual([]);
    expect(openCalls).toBe(0);
  });

  it('originated-no-answer: the call the service placed rings the desk 5 s unanswered → originated, unanswered, never an absence', () => {
    const id = 'duty-mx5avvml-30f92847e8'; // the ChannelId the port gave Originate (the fixture's header)
    const { call, effects, openCalls } = replayPlaced('originated-no-answer', [id]);
    // Ringing at 1796166041.573676, Dial() gave up at 1796166046.579028: 5.005 s, in ring 6 of the 1 s cadence.
    expect(call).toMatchObject({ pbxCallId: id, direction: 'originated', outcome: 'unanswered', deskEndpoint: 'desk', ringCount: 6, reachedNobody: false });
    expect(effects.filter((e) => e.kind === 'record' || e.kind === 'wake' || e.kind === 'unreached')).toEqual([]);
    expect(openCalls).toBe(0);
  });

  it('originated-no-answer without the mark would be taken for a citizen call and make an absence: why the port marks what it places', () => {
    const { call, effects } = replayPlaced('originated-no-answer');
    expect(call).toMatchObject({ direction: 'inbound', outcome: 'absence' });
    expect(effects.filter((e) => e.kind === 'record')).not.toEqual([]);
  });
});
