/** The record lifecycle as a pure function: open → (objection) → confirmed | waived, every change an event. */
import { describe, expect, it } from 'vitest';
import { MISTAKE_KIND_LABELS, MISTAKE_KINDS } from '../../../../src/core/discipline/discipline-model.js';
import {
  checkName,
  checkText,
  describeLifecycleError,
  evidenceCompleted,
  isIllegalTransition,
  raisedByRules,
  raiseMistake,
  replay,
  review,
  type LifecycleError,
  type MistakeReport,
  type ReviewState,
} from '../../../../src/core/discipline/record-lifecycle.js';

const AT = new Date('2026-11-23T02:30:00.000Z');
const OPEN: ReviewState = { status: 'open', objected: false };
const OBJECTED: ReviewState = { status: 'open', objected: true };
const CONFIRMED: ReviewState = { status: 'confirmed', objected: false };
const WAIVED: ReviewState = { status: 'waived', objected: true };

describe('review(state, action, actor, at)', () => {
  it('an objection keeps the record open and is an event with its text (trimmed)', () => {
    expect(review(OPEN, { kind: 'object', text: '  当时在接另一部电话  ' }, '李四', AT)).toEqual({
      ok: true,
      state: { status: 'open', objected: true },
      event: { what: 'objected', actor: '李四', at: AT, text: '当时在接另一部电话' },
    });
  });

  it.each([
    ['confirm', OPEN, 'confirmed'],
    ['confirm', OBJECTED, 'confirmed'],
    ['waive', OPEN, 'waived'],
    ['waive', OBJECTED, 'waived'],
  ] as const)('%s from %o decides the record: %s, the reason its event', (kind, state, status) => {
    expect(review(state, { kind, reason: '核实录音' }, '王主任', AT)).toEqual({
      ok: true,
      state: { status, objected: state.objected },
      event: { what: status, actor: '王主任', at: AT, text: '核实录音' },
    });
  });

  it('the transitions the lifecycle does not have are named errors', () => {
    const refused: Array<[ReviewState, Parameters<typeof review>[1], LifecycleError]> = [
      [WAIVED, { kind: 'confirm', reason: 'x' }, { code: 'already-decided', status: 'waived', action: 'confirm' }],
      [CONFIRMED, { kind: 'waive', reason: 'x' }, { code: 'already-decided', status: 'confirmed', action: 'waive' }],
      [CONFIRMED, { kind: 'confirm', reason: 'x' }, { code: 'already-decided', status: 'confirmed', action: 'confirm' }],
      [CONFIRMED, { kind: 'object', text: 'x' }, { code: 'objection-after-decision', status: 'confirmed' }],
      [WAIVED, { kind: 'object', text: 'x' }, { code: 'objection-after-decision', status: 'waived' }],
      [OBJECTED, { kind: 'object', text: 'x' }, { code: 'already-objected' }],
    ];
    for (const [state, action, error] of refused) {
      expect(review(state, action, '王主任', AT)).toEqual({ ok: false, error });
      expect(isIllegalTransition(error)).toBe(true);
    }
  });

  it('a decision needs a reason, an objection its text, the change an actor', () => {
    const refused: Array<[Parameters<typeof review>[1], string, LifecycleError]> = [
      [{ kind: 'waive', reason: '' }, '王主任', { code: 'required', field: 'reason' }],
      [{ kind: 'confirm', reason: ' \t\n\u3000' }, '王主任', { code: 'required', field: 'reason' }],
      [{ kind: 'object', text: '   ' }, '李四', { code: 'required', field: 'text' }],
      [{ kind: 'confirm', reason: 'ok' }, '  ', { code: 'required', field: 'actor' }],
      [{ kind: 'confirm', reason: 'x'.repeat(2001) }, '王主任', { code: 'too-long', field: 'reason', max: 2000 }],
      [{ kind: 'object', text: 'a\u0000b' }, '李四', { code: 'malformed', field: 'text', problem: 'control-character' }],
      [{ kind: 'object', text: 'a\ud800b' }, '李四', { code: 'malformed', field: 'text', problem: 'lone-surrogate' }],
      [{ kind: 'object', text: 'a\udc00' }, '李四', { code: 'malformed', field: 'text', problem: 'lone-surrogate' }],
      [{ kind: 'confirm', reason: 'ok' }, 'a\nb', { code: 'malformed', field: 'actor', problem: 'control-character' }],
    ];
    for (const [action, actor, error] of refused) {
      expect(review(OPEN, action, actor, AT)).toEqual({ ok: false, error });
      expect(isIllegalTransition(error)).toBe(false);
    }
  });

  it('input is checked before the state: waiving a waived record without a reason is the missing reason', () => {
    expect(review(WAIVED, { kind: 'waive', reason: '' }, '王主任', AT)).toEqual({ ok: false, error: { code: 'required', field: 'reason' } });
  });

  it('text limits count characters, not UTF-16 units: 2000 emoji pass, 2001 do not', () => {
    expect(review(OPEN, { kind: 'object', text: '😀'.repeat(2000) }, '李四', AT).ok).toBe(true);
    expect(review(OPEN, { kind: 'object', text: '😀'.repeat(2001) }, '李四', AT)).toEqual({ ok: false, error: { code: 'too-long', field: 'text', max: 2000 } });
    expect(review(OPEN, { kind: 'object', text: '值'.repeat(2000) }, '李四', AT).ok).toBe(true);
  });

  it('right-to-left marks, tabs and line breaks are text', () => {
    const text = '\u200fمرحبا\u200e\tline 1\r\nline 2 \u202e';
    expect(review(OPEN, { kind: 'object', text }, '李四', AT)).toMatchObject({ ok: true, event: { text } });
  });
});

describe('replay(history)', () => {
  it('folds a history into the state its last events left', () => {
    expect(replay([])).toEqual({ status: 'open', objected: false });
    expect(replay([{ what: 'raised' }, { what: 'evidence-completed' }])).toEqual({ status: 'open', objected: false });
    expect(replay([{ what: 'raised' }, { what: 'objected' }])).toEqual({ status: 'open', objected: true });
    expect(replay([{ what: 'raised' }, { what: 'objected' }, { what: 'confirmed' }, { what: 'evidence-completed' }])).toEqual({ status: 'confirmed', objected: true });
    expect(replay([{ what: 'raised' }, { what: 'waived' }])).toEqual({ status: 'waived', objected: false });
  });

  it('agrees with review: replaying the events review made gives the state it returned', () => {
    let state = OPEN;
    const events = [raisedByRules({ reason: '值班台响铃3声无人接听（离岗）' }, AT)];
    for (const action of [{ kind: 'object', text: '不是我' }, { kind: 'waive', reason: '误报' }] as const) {
      const step = review(state, action, 'someone', AT);
      if (!step.ok) throw new Error(describeLifecycleError(step.error));
      state = step.state;
      events.push(step.event);
    }
    expect(replay(events)).toEqual(state);
    expect(events.map((e) => e.what)).toEqual(['raised', 'objected', 'waived']);
  });
});

describe('raiseMistake(report, actor, at)', () => {
  const report: MistakeReport = {
    officeId: 'default',
    subject: { kind: 'shift', id: ' shift-2026-11-23-day ' },
    mistakeKind: 'hand-over',
    text: ' 交接不到位：未交代待办事项 ',
    officer: ' 李四 ',
    occurredAt: new Date('2026-11-23T00:30:00.000Z'),
  };

  it('makes a mistake record (no evidence, its reason the text) and its raised event by the supervisor', () => {
    expect(raiseMistake(report, '王主任', AT)).toEqual({
      ok: true,
      input: {
        officeId: 'default',
        subject: { kind: 'shift', id: 'shift-2026-11-23-day' },
        type: 'mistake',
        mistakeKind: 'hand-over',
        officer: '李四',
        deskEndpoint: null,
        occurredAt: new Date('2026-11-23T00:30:00.000Z'),
        reason: '交接不到位：未交代待办事项',
        evidence: [],
      },
      event: { what: 'raised', actor: '王主任', at: AT, text: '交接不到位：未交代待办事项' },
    });
    expect(raiseMistake({ ...report, officer: null }, '王主任', AT)).toMatchObject({ ok: true, input: { officer: null } });
  });

  it('refuses what it cannot record, naming the field', () => {
    const refused: Array<[Partial<MistakeReport>, LifecycleError]> = [
      [{ text: ' ' }, { code: 'required', field: 'text' }],
      [{ text: 'y'.repeat(2001) }, { code: 'too-long', field: 'text', max: 2000 }],
      [{ subject: { kind: 'call', id: '' } }, { code: 'required', field: 'subject/id' }],
      [{ subject: { kind: 'call', id: 'x'.repeat(201) } }, { code: 'too-long', field: 'subject/id', max: 200 }],
      [{ officer: '' }, { code: 'required', field: 'officer' }],
      [{ officer: '李\u0000四' }, { code: 'malformed', field: 'officer', problem: 'control-character' }],
      [{ occurredAt: new Date(AT.getTime() + 5 * 60_000 + 1) }, { code: 'in-future', field: 'occurredAt' }],
      [{ occurredAt: new Date(Number.NaN) }, { code: 'required', field: 'occurredAt' }],
    ];
    for (const [change, error] of refused) expect(raiseMistake({ ...report, ...change }, '王主任', AT), JSON.stringify(change)).toEqual({ ok: false, error });
    expect(raiseMistake(report, '', AT)).toEqual({ ok: false, error: { code: 'required', field: 'actor' } });
  });

  it('accepts an occurrence up to five minutes after `at` (the reporter’s clock may run ahead)', () => {
    expect(raiseMistake({ ...report, occurredAt: new Date(AT.getTime() + 5 * 60_000) }, '王主任', AT).ok).toBe(true);
  });
});

describe('the rules’ events', () => {
  it("a record the rules raise: 'raised' by duty-hotline (actor null) with the finding", () => {
    expect(raisedByRules({ reason: '值班台响铃3声无人接听（离岗）' }, AT)).toEqual({ what: 'raised', actor: null, at: AT, text: '值班台响铃3声无人接听（离岗）' });
  });

  it("longer evidence: 'evidence-completed', saying how it grew; the same or shorter: nothing", () => {
    const two = [
      { at: '2026-11-23T02:00:00.000Z', what: 'offered by 13800000000' },
      { at: '2026-11-23T02:00:15.000Z', what: 'desk rang 3 rings without answer: absence' },
    ];
    const three = [...two, { at: '2026-11-23T02:00:32.922Z', what: 'call ended (User alerting, no answer)' }];
    expect(evidenceCompleted(two, three, AT)).toEqual({ what: 'evidence-completed', actor: null, at: AT, text: 'evidence 2 → 3 entries, last: call ended (User alerting, no answer)' });
    expect(evidenceCompleted(three, three, AT)).toBeNull();
    expect(evidenceCompleted(three, two, AT)).toBeNull();
  });
});

describe('mistake kinds', () => {
  it('are stable codes with the seeds’ labels', () => {
    expect(MISTAKE_KINDS).toEqual(['unrecorded-call', 'hand-over', 'unreported-incident', 'late-or-early', 'other']);
    expect(MISTAKE_KIND_LABELS).toEqual({ 'unrecorded-call': '漏记', 'hand-over': '交接不到位', 'unreported-incident': '未报告', 'late-or-early': '迟到早退', other: '其他' });
  });
});

describe('field checks and messages', () => {
  it('checkText allows line breaks, checkName does not; both trim', () => {
    expect(checkText('text', ' a\nb ')).toEqual({ ok: true, value: 'a\nb' });
    expect(checkName('officer', ' a\nb ')).toEqual({ ok: false, error: { code: 'malformed', field: 'officer', problem: 'control-character' } });
    expect(checkName('officer', '\u3000李四\u00a0')).toEqual({ ok: true, value: '李四' });
    expect(checkName('officer', '李四\u0085')).toEqual({ ok: false, error: { code: 'malformed', field: 'officer', problem: 'control-character' } });
    expect(checkText('text', 'a\u007fb')).toEqual({ ok: false, error: { code: 'malformed', field: 'text', problem: 'control-character' } });
    expect(checkText('text', 'x'.repeat(1_000_000))).toEqual({ ok: false, error: { code: 'too-long', field: 'text', max: 2000 } });
  });

  it('every error reads as a sentence naming its field or transition', () => {
    expect(
      (
        [
          { code: 'required', field: 'reason' },
          { code: 'too-long', field: 'text', max: 2000 },
          { code: 'malformed', field: 'text', problem: 'control-character' },
          { code: 'malformed', field: 'text', problem: 'lone-surrogate' },
          { code: 'in-future', field: 'occurredAt' },
          { code: 'already-decided', status: 'waived', action: 'confirm' },
          { code: 'objection-after-decision', status: 'confirmed' },
          { code: 'already-objected' },
        ] satisfies LifecycleError[]
      ).map(describeLifecycleError),
    ).toEqual([
      'reason must not be blank',
      'text must not be longer than 2000 characters',
      'text must not contain control characters (NUL and the like)',
      'text must be well-formed Unicode (it holds a lone surrogate)',
      'occurredAt must not be in the future',
      'the record is already waived: it cannot be confirmed',
      'the record is already confirmed: an objection can only be filed while it is open',
      'an objection has already been filed for this record',
    ]);
  });
});
