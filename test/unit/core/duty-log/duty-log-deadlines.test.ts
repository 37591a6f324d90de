/** The duty log's deadlines as pure rules: when an incomplete entry and an overdue incident report are due. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DUTY_LOG_DEADLINES, dueRecords, type DeadlineCall } from '../../../../src/core/duty-log/duty-log-deadlines.js';
import { EMPTY_DUTY_LOG, type DutyLogFields } from '../../../../src/core/duty-log/duty-log-entry.js';

const call: DeadlineCall = { officeId: 'default', pbxCallId: '1700000000.1', offeredAt: new Date('2026-11-23T02:00:00Z'), answeredAt: new Date('2026-11-23T02:00:08Z'), deskEndpoint: 'desk' };
const SHIFT_END = new Date('2026-11-23T09:30:00Z');
const complete: DutyLogFields = { ...EMPTY_DUTY_LOG, callerUnit: '市应急局', content: '询问', handling: '已答复' };
const at = (iso: string) => new Date(iso);
const due = (entry: DutyLogFields | null, now: string, shiftEndsAt: Date | null = SHIFT_END) => dueRecords(call, { entry, shiftEndsAt, duty: null, now: at(now), timezone: 'Asia/Shanghai' }, DEFAULT_DUTY_LOG_DEADLINES);

describe('an incomplete entry', () => {
  it('is due at the end of its shift plus one hour (default), as an absence for 漏记, not a moment before', () => {
    expect(due(null, '2026-11-23T10:29:59.999Z')).toEqual([]);
    const [record, ...rest] = due({ ...EMPTY_DUTY_LOG, content: '询问' }, '2026-11-23T10:30:00Z');
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ type: 'absence', subject: { kind: 'duty-log-entry', id: '1700000000.1' }, occurredAt: at('2026-11-23T10:30:00Z') });
    expect(record!.reason).toBe('漏记：2026-11-23 10:00 接听的来电，至 2026-11-23 18:30 值班记录仍未填写完整（缺：来电人或来电单位、处理情况）');
    expect(record).not.toHaveProperty('mistakeKind');
  });

  it('with no shift known, is due an hour after the answer; as a mistake 漏记 when configured so; a complete entry is never due', () => {
    expect(due(null, '2026-11-23T03:00:08Z', null)).toHaveLength(1);
    const asMistake = dueRecords(call, { entry: null, shiftEndsAt: null, duty: null, now: at('2026-11-23T03:00:08Z'), timezone: 'UTC' }, { ...DEFAULT_DUTY_LOG_DEADLINES, incompleteType: 'mistake' });
    expect(asMistake[0]).toMatchObject({ type: 'mistake', mistakeKind: 'unrecorded-call' });
    // The times are the office's wall clock: here an office in UTC.
    expect(asMistake[0]!.reason).toBe('漏记：2026-11-23 02:00 接听的来电，至 2026-11-23 03:00 值班记录仍未填写完整（缺：来电人或来电单位、来电内容、处理情况）');
    expect(due(complete, '2026-11-30T00:00:00Z')).toEqual([]);
  });
});

describe('a major incident', () => {
  const incident = { ...complete, majorIncident: true };

  it('reported orally within 1 hour and in writing within 2 hours raises nothing', () => {
    expect(due({ ...incident, oralReportAt: at('2026-11-23T02:45:00Z'), writtenReportAt: at('2026-11-23T04:00:00Z') }, '2026-11-30T00:00:00Z')).toEqual([]);
  });

  it('a written report made late, and an oral one not made by its deadline, are one mistake (未报告) each', () => {
    expect(due({ ...incident, oralReportAt: null, writtenReportAt: null }, '2026-11-23T02:59:59Z')).toEqual([]);
    const records = due({ ...incident, oralReportAt: null, writtenReportAt: at('2026-11-23T04:00:01Z') }, '2026-11-23T03:00:00Z');
    expect(records.map((r) => [r.type, r.mistakeKind, r.subject.id, r.occurredAt.toISOString()])).toEqual([
      ['mistake', 'unreported-incident', '1700000000.1/oral-report', '2026-11-23T03:00:00.000Z'],
      ['mistake', 'unreported-incident', '1700000000.1/written-report', '2026-11-23T04:00:00.000Z'],
    ]);
    expect(records[0]!.reason).toBe('未报告：重大突发事件的口头报告应于 2026-11-23 11:00 前报告，逾期未报告');
    // Due and made in the same minute: to the second.
    expect(records[1]!.reason).toBe('未报告：重大突发事件的书面报告应于 2026-11-23 12:00:00 前报告，实际于 2026-11-23 12:00:01 才报告');
    const [late] = due({ ...incident, oralReportAt: at('2026-11-23T03:20:00Z'), writtenReportAt: at('2026-11-23T03:30:00Z') }, '2026-11-23T04:00:00Z');
    expect(late!.reason).toBe('未报告：重大突发事件的口头报告应于 2026-11-23 11:00 前报告，实际于 2026-11-23 11:20 才报告');
  });
});
