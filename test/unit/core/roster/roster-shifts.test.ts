import { describe, expect, it } from 'vitest';
import { deskOverlaps, officerOverlaps, periodTimes } from '../../../../src/core/roster/roster-shifts.js';
import { daysOf, isYearMonth, lastDayBefore } from '../../../../src/core/roster/year-month.js';

const at = (iso: string) => new Date(iso);

describe('shifts in time', () => {
  it('places a period on its date in the office time zone; one crossing midnight ends the next day', () => {
    expect(periodTimes('2026-12-01', { from: 8 * 60 + 30, to: 17 * 60 + 30 }, 'Asia/Shanghai')).toEqual({ startsAt: at('2026-12-01T00:30:00Z'), endsAt: at('2026-12-01T09:30:00Z') });
    expect(periodTimes('2026-12-31', { from: 17 * 60 + 30, to: 1440 + 8 * 60 + 30 }, 'Asia/Shanghai')).toEqual({ startsAt: at('2026-12-31T09:30:00Z'), endsAt: at('2027-01-01T00:30:00Z') });
  });

  it('finds shifts overlapping on one desk, and officers on two shifts at once', () => {
    const shifts = [
      { deskEndpoint: 'desk', officerIds: ['a'], startsAt: at('2026-12-01T00:30:00Z'), endsAt: at('2026-12-01T09:30:00Z') },
      { deskEndpoint: 'desk', officerIds: ['b'], startsAt: at('2026-12-01T09:30:00Z'), endsAt: at('2026-12-02T00:30:00Z') },
      { deskEndpoint: 'hired-desk', officerIds: ['a'], startsAt: at('2026-12-01T04:00:00Z'), endsAt: at('2026-12-01T06:30:00Z') },
      { deskEndpoint: 'desk', officerIds: ['c'], startsAt: at('2026-12-01T00:30:00Z'), endsAt: at('2026-12-01T09:30:00Z') },
      { deskEndpoint: 'desk', officerIds: ['d'], startsAt: at('2026-12-01T08:00:00Z'), endsAt: at('2026-12-01T10:00:00Z') },
    ];
    expect(deskOverlaps(shifts)).toEqual([
      { index: 1, other: 4, key: 'desk' },
      { index: 3, other: 0, key: 'desk' },
      { index: 4, other: 0, key: 'desk' },
    ]);
    expect(officerOverlaps(shifts)).toEqual([{ index: 2, other: 0, key: 'a' }]);
  });
});

describe('months', () => {
  it('knows its days and the day before it', () => {
    expect(isYearMonth('2026-02')).toBe(true);
    expect(isYearMonth('2026-2')).toBe(false);
    expect(isYearMonth('2026-00')).toBe(false);
    expect(daysOf('2028-02')).toHaveLength(29);
    expect(daysOf('2026-12').at(-1)).toBe('2026-12-31');
    expect(lastDayBefore('2027-01')).toBe('2026-12-31');
    expect(lastDayBefore('2026-03')).toBe('2026-02-28');
  });
});
