import { describe, expect, it } from 'vitest';
import { absenceDeadline, CHINA_RING_RULES, ringNumberAt, ringTimes } from '../../../../src/core/call/ring-rules.js';

const t0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('ring arithmetic with the Chinese cadence (1 s on, 4 s off)', () => {
  it('counts a new ring every 5 seconds from the first Ringing', () => {
    expect(ringNumberAt(CHINA_RING_RULES, t0, at(-1))).toBe(0);
    expect(ringNumberAt(CHINA_RING_RULES, t0, at(0))).toBe(1);
    expect(ringNumberAt(CHINA_RING_RULES, t0, at(4_999))).toBe(1);
    expect(ringNumberAt(CHINA_RING_RULES, t0, at(5_000))).toBe(2);
    expect(ringNumberAt(CHINA_RING_RULES, t0, at(14_999))).toBe(3);
    expect(ringNumberAt(CHINA_RING_RULES, t0, at(15_000))).toBe(4);
  });

  it('puts the absence deadline at the end of the third ring (15 s)', () => {
    expect(absenceDeadline(CHINA_RING_RULES, t0)).toEqual(at(15_000));
    expect(absenceDeadline({ threshold: 5, cadence: { onMs: 200, offMs: 300 } }, t0)).toEqual(at(2_500));
  });

  it('lists the start of each ring', () => {
    expect(ringTimes(CHINA_RING_RULES, t0, 3)).toEqual([at(0), at(5_000), at(10_000)]);
  });
});
