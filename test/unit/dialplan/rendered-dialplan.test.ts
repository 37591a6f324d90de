/**
 * routeByDialplan plays Asterisk over a generated dialplan: the snapshot of the small schedule
 * (all year: desk 09:00–17:00 on workdays, else bureau; safe default bureau), which has
 * [duty-route] and [duty-route-202610] only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeByDialplan } from '../../../src/dialplan/rendered-dialplan.js';

const SNAPSHOT = readFileSync(path.join(import.meta.dirname, '__snapshots__', 'small-schedule.2026-10.conf'), 'utf8');
const DESK_CHAIN = [
  { endpoint: 'desk', role: 'desk' },
  { endpoint: 'leader', role: 'fallback' },
  { endpoint: 'bureau', role: 'bureau' },
];
const BUREAU = [{ endpoint: 'bureau', role: 'bureau' }];

describe('routeByDialplan over the October 2026 snapshot', () => {
  it('at 09:00 exactly on Thursday 2026-10-08 (first workday after National Day) the desk; a second earlier the bureau', () => {
    expect(routeByDialplan(SNAPSHOT, new Date('2026-10-08T09:00:00+08:00'))).toEqual({
      destination: 'desk',
      phones: DESK_CHAIN,
      month: '2026-10',
      context: 'duty-route-202610',
      timezone: 'Asia/Shanghai',
      ruleComment: '2026-10-08 09:00–17:00 Asia/Shanghai: desk — all-year/workday period 09:00–17:00',
    });
    expect(routeByDialplan(SNAPSHOT, new Date('2026-10-08T08:59:59+08:00'))).toEqual({
      destination: 'bureau',
      phones: BUREAU,
      month: '2026-10',
      context: 'duty-route-202610',
      timezone: 'Asia/Shanghai',
      ruleComment: '2026-09-30 17:00 – 2026-10-08 09:00 Asia/Shanghai: bureau — all-year/workday otherwise; all-year/every-day otherwise',
    });
  });

  it('reads the clock in whole seconds, as ${EPOCH}: 08:59:59.999 is still the bureau', () => {
    expect(routeByDialplan(SNAPSHOT, new Date('2026-10-08T08:59:59.999+08:00')).destination).toBe('bureau');
  });

  it('an interval ends before its end: 16:59:59 the desk, 17:00 the bureau', () => {
    expect(routeByDialplan(SNAPSHOT, new Date('2026-10-08T16:59:59+08:00')).destination).toBe('desk');
    const evening = routeByDialplan(SNAPSHOT, new Date('2026-10-08T17:00:00+08:00'));
    expect(evening.destination).toBe('bureau');
    expect(evening).toHaveProperty('ruleComment', '2026-10-08 17:00 – 2026-10-09 09:00 Asia/Shanghai: bureau — all-year/workday otherwise');
  });

  it('takes the month in the file time zone: 2026-10-31T16:00Z is November in Shanghai, not rendered → the safe default', () => {
    expect(routeByDialplan(SNAPSHOT, new Date('2026-10-31T15:59:59Z'))).toMatchObject({
      destination: 'bureau',
      month: '2026-10',
      ruleComment: '2026-10-30 17:00 – 2026-11-02 09:00 Asia/Shanghai: bureau — all-year/workday otherwise; all-year/every-day otherwise',
    });
    expect(routeByDialplan(SNAPSHOT, new Date('2026-10-31T16:00:00Z'))).toEqual({
      destination: 'bureau',
      phones: BUREAU,
      month: '2026-11',
      context: 'duty-route-202611',
      timezone: 'Asia/Shanghai',
      reason: 'no-rules-for-month',
    });
  });

  it('a month not rendered goes to the Goto at the end of [duty-route], whatever the time of day', () => {
    // Monday 10:00 would be the desk by the schedule; the PBX has no rules for 2027-01.
    expect(routeByDialplan(SNAPSHOT, new Date('2027-01-04T10:00:00+08:00'))).toMatchObject({ destination: 'bureau', month: '2027-01', reason: 'no-rules-for-month' });
    const deskByDefault = SNAPSHOT.replace(/^ same => n,Goto\(duty-dest-bureau,s,1\)$/m, ' same => n,Goto(duty-dest-desk,s,1)');
    expect(routeByDialplan(deskByDefault, new Date('2027-01-04T10:00:00+08:00'))).toMatchObject({ destination: 'desk', phones: DESK_CHAIN, reason: 'no-rules-for-month' });
  });

  it('no interval ending after the instant: the month context final Goto, with reason no-interval', () => {
    const lastInterval = / same => n,GotoIf\(\$\[\$\{DUTY_NOW\} < 1793581200\][^\n]*\n/;
    expect(SNAPSHOT).toMatch(lastInterval);
    const truncated = SNAPSHOT.replace(lastInterval, '').replace('Goto(duty-dest-bureau,s,1)\n\n[duty-dest-bureau]', 'Goto(duty-dest-leader,s,1)\n\n[duty-dest-bureau]');
    expect(routeByDialplan(truncated, new Date('2026-10-31T12:00:00+08:00'))).toEqual({
      destination: 'leader',
      phones: [{ endpoint: 'leader', role: 'fallback' }],
      month: '2026-10',
      context: 'duty-route-202610',
      timezone: 'Asia/Shanghai',
      reason: 'no-interval',
    });
  });

  it('says what is missing in a file that is not a generated duty dialplan', () => {
    expect(() => routeByDialplan('[something-else]\nexten => s,1,NoOp()\n', new Date())).toThrow('no [duty-route] context');
    expect(() => routeByDialplan(SNAPSHOT.replace(/^\[duty-dest-desk\]$/m, '[desk-renamed]'), new Date('2026-10-08T10:00:00+08:00'))).toThrow(
      'it routes to duty-dest-desk, which is not a [duty-dest-<name>] context of the file',
    );
  });
});
