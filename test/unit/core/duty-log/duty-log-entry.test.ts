import { describe, expect, it } from 'vitest';
import { applyDutyLogEdit, describeDutyLogError, EMPTY_DUTY_LOG, missingFields } from '../../../../src/core/duty-log/duty-log-entry.js';

const context = { offeredAt: new Date('2026-11-02T03:00:00Z'), now: new Date('2026-11-02T05:00:00Z') };

describe('a duty log edit', () => {
  it('sets what it names, trims text, clears a blank field and keeps the rest', () => {
    const first = applyDutyLogEdit(EMPTY_DUTY_LOG, { callerName: ' 张三 ', content: '咨询封路', handling: '已答复' }, context);
    expect(first).toEqual({ ok: true, fields: { ...EMPTY_DUTY_LOG, callerName: '张三', content: '咨询封路', handling: '已答复' } });
    const second = first.ok && applyDutyLogEdit(first.fields, { handling: '  ' }, context);
    expect(second && second.ok && [second.fields.callerName, second.fields.handling]).toEqual(['张三', null]);
  });

  it('closes a major incident only: closing what is no incident is refused; no longer an incident, it is not closed either', () => {
    const refused = applyDutyLogEdit(EMPTY_DUTY_LOG, { incidentClosed: true }, context);
    expect(refused).toEqual({ ok: false, error: { code: 'not-an-incident', field: 'incidentClosed' } });
    expect(!refused.ok && describeDutyLogError(refused.error)).toBe('incidentClosed: only a major incident (majorIncident true) is closed');
    const closed = applyDutyLogEdit(EMPTY_DUTY_LOG, { majorIncident: true, incidentClosed: true }, context);
    expect(closed.ok && closed.fields.incidentClosed).toBe(true);
    const demoted = closed.ok && applyDutyLogEdit(closed.fields, { majorIncident: false }, context);
    expect(demoted && demoted.ok && [demoted.fields.majorIncident, demoted.fields.incidentClosed]).toEqual([false, false]);
  });

  it('refuses a report time before the call or more than five minutes ahead of now', () => {
    expect(applyDutyLogEdit(EMPTY_DUTY_LOG, { oralReportAt: new Date('2026-11-02T02:59:59Z') }, context)).toEqual({ ok: false, error: { code: 'report-before-call', field: 'oralReportAt' } });
    expect(applyDutyLogEdit(EMPTY_DUTY_LOG, { writtenReportAt: new Date('2026-11-02T05:05:01Z') }, context)).toMatchObject({ ok: false, error: { code: 'in-future', field: 'writtenReportAt' } });
    expect(applyDutyLogEdit(EMPTY_DUTY_LOG, { writtenReportAt: new Date('2026-11-02T05:05:00Z') }, context).ok).toBe(true);
  });

  it('an entry lacks who called, content and handling; a major incident also its two report times', () => {
    expect(missingFields(EMPTY_DUTY_LOG)).toEqual(['callerName or callerUnit', 'content', 'handling']);
    expect(missingFields({ ...EMPTY_DUTY_LOG, callerUnit: '市应急局', content: '事故', handling: '已报', majorIncident: true })).toEqual(['oralReportAt', 'writtenReportAt']);
  });
});
