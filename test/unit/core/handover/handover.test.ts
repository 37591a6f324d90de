import { describe, expect, it } from 'vitest';
import { EMPTY_DUTY_LOG, type DutyLogFields } from '../../../../src/core/duty-log/duty-log-entry.js';
import { handoverStatus, mayWriteHandover, nextShiftOf, openItemsOf, openItemsToHandOver, remindersDue, type CallEntry } from '../../../../src/core/handover/handover.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3600_000;
const POLICY = { reminderLeadMs: HOUR, acknowledgeGraceMs: 30 * 60_000 };
const COMPLETE: DutyLogFields = { ...EMPTY_DUTY_LOG, callerName: '张三', content: '咨询', handling: '已答复' };
const call = (callId: string, offeredAt: string, entry: DutyLogFields | null): CallEntry => ({ callId, pbxCallId: `pbx-${callId}`, offeredAt: at(offeredAt), entry });

describe('open items', () => {
  it('a call with no entry lacks who, content and handling', () => {
    expect(openItemsOf(call('a', '2026-11-02T01:00:00Z', null))).toEqual([
      { kind: 'incomplete-entry', callId: 'a', pbxCallId: 'pbx-a', offeredAt: at('2026-11-02T01:00:00Z'), missing: ['callerName or callerUnit', 'content', 'handling'], content: null },
    ]);
  });

  it('a complete entry is no item; a major incident stays open until closed, whether or not its entry is complete', () => {
    expect(openItemsOf(call('a', '2026-11-02T01:00:00Z', COMPLETE))).toEqual([]);
    const incident = { ...COMPLETE, majorIncident: true, oralReportAt: at('2026-11-02T01:10:00Z'), writtenReportAt: at('2026-11-02T01:30:00Z') };
    expect(openItemsOf(call('b', '2026-11-02T01:00:00Z', incident)).map((i) => i.kind)).toEqual(['open-incident']);
    expect(openItemsOf(call('b', '2026-11-02T01:00:00Z', { ...incident, writtenReportAt: null })).map((i) => [i.kind, i.missing])).toEqual([
      ['incomplete-entry', ['writtenReportAt']],
      ['open-incident', []],
    ]);
    expect(openItemsOf(call('b', '2026-11-02T01:00:00Z', { ...incident, incidentClosed: true }))).toEqual([]);
  });

  it('handed items come first by time, each call once, and one closed meanwhile is dropped', () => {
    const handed = [call('old', '2026-11-01T20:00:00Z', null), call('done', '2026-11-01T21:00:00Z', COMPLETE), call('mine', '2026-11-02T02:00:00Z', null)];
    const own = [call('mine', '2026-11-02T02:00:00Z', null), call('new', '2026-11-02T01:00:00Z', null)];
    expect(openItemsToHandOver(own, handed).map((i) => i.callId)).toEqual(['old', 'new', 'mine']);
  });
});

describe('the next shift', () => {
  const shift = (id: string, desk: string, startsAt: string, endsAt: string) => ({ id, deskEndpoint: desk, startsAt: at(startsAt), endsAt: at(endsAt) });
  const day = shift('day', 'desk', '2026-11-02T00:30:00Z', '2026-11-02T09:30:00Z');

  it('is the earliest on the same desk starting at the end, within 12 h; another desk or a later day is none', () => {
    const night = shift('night', 'desk', '2026-11-02T09:30:00Z', '2026-11-03T00:30:00Z');
    const otherDesk = shift('other', 'desk2', '2026-11-02T09:30:00Z', '2026-11-03T00:30:00Z');
    const later = shift('later', 'desk', '2026-11-02T12:00:00Z', '2026-11-02T20:00:00Z');
    expect(nextShiftOf(day, [later, otherDesk, night, day])?.id).toBe('night');
    expect(nextShiftOf(day, [otherDesk])).toBeNull();
    expect(nextShiftOf(day, [shift('week', 'desk', '2026-11-03T00:30:00Z', '2026-11-03T09:30:00Z')])).toBeNull();
  });
});

describe('where a hand-over stands', () => {
  const change = at('2026-11-02T09:30:00Z');

  it('not due before the hour, to write until the change plus the grace, then flagged as not written', () => {
    expect(handoverStatus(null, change, at('2026-11-02T08:29:59Z'), POLICY)).toBe('not-due');
    expect(handoverStatus(null, change, at('2026-11-02T08:30:00Z'), POLICY)).toBe('to-write');
    expect(handoverStatus(null, change, at('2026-11-02T09:59:59Z'), POLICY)).toBe('to-write');
    expect(handoverStatus(null, change, at('2026-11-02T10:00:00Z'), POLICY)).toBe('not-written');
  });

  it('written: to acknowledge until the change plus the grace, then flagged; acknowledged whenever', () => {
    const written = { writtenAt: at('2026-11-02T09:10:00Z'), acknowledgedAt: null };
    expect(handoverStatus(written, change, at('2026-11-02T09:59:59Z'), POLICY)).toBe('to-acknowledge');
    expect(handoverStatus(written, change, at('2026-11-02T10:00:00Z'), POLICY)).toBe('not-acknowledged');
    expect(handoverStatus({ ...written, acknowledgedAt: at('2026-11-02T11:00:00Z') }, change, at('2026-11-02T12:00:00Z'), POLICY)).toBe('acknowledged');
  });

  it('the note may be written from the hour before the change on', () => {
    expect(mayWriteHandover(change, at('2026-11-02T08:29:59Z'), POLICY)).toBe(false);
    expect(mayWriteHandover(change, at('2026-11-02T08:30:00Z'), POLICY)).toBe(true);
    expect(mayWriteHandover(change, at('2026-11-03T08:00:00Z'), POLICY)).toBe(true);
  });
});

describe('reminders', () => {
  const shifts = [
    { id: 'a', endsAt: at('2026-11-02T09:30:00Z') },
    { id: 'b', endsAt: at('2026-11-02T10:00:00Z') },
  ];

  it('are due within the hour before the end and not after it, once', () => {
    expect(remindersDue(shifts, at('2026-11-02T08:29:59Z'), POLICY, new Set()).map((s) => s.id)).toEqual([]);
    expect(remindersDue(shifts, at('2026-11-02T08:30:00Z'), POLICY, new Set()).map((s) => s.id)).toEqual(['a']);
    expect(remindersDue(shifts, at('2026-11-02T09:00:00Z'), POLICY, new Set(['a'])).map((s) => s.id)).toEqual(['b']);
    expect(remindersDue(shifts, at('2026-11-02T09:30:00Z'), POLICY, new Set()).map((s) => s.id)).toEqual(['b']);
  });
});
