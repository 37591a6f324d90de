import { describe, expect, it } from 'vitest';
import { PbxClock } from '../../../../src/pbx/asterisk/pbx-clock.js';
import { FakeClock } from '../../../support/fake-clock.js';

const local = () => new FakeClock(new Date('2026-11-23T10:00:00Z'));

describe('PbxClock', () => {
  it('reads as the local clock until an event says otherwise', () => {
    const clock = new PbxClock(local());
    expect(clock.now().toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('follows the offset of the last PBX timestamp, so deadlines in PBX time fire when the PBX reaches them', () => {
    const host = local();
    const skews: number[] = [];
    const clock = new PbxClock(host, (offset) => skews.push(offset));
    clock.observe(new Date('2026-10-10T01:00:00Z')); // the PBX is 44 days 9 h behind
    expect(clock.now().toISOString()).toBe('2026-10-10T01:00:00.000Z');
    expect(skews).toEqual([clock.offset]);

    let fired: string | undefined;
    clock.schedule(new Date('2026-10-10T01:00:03Z'), () => (fired = clock.now().toISOString()));
    host.advanceTo(new Date('2026-11-23T10:00:02.999Z'));
    expect(fired).toBeUndefined();
    host.advanceTo(new Date('2026-11-23T10:00:03Z'));
    expect(fired).toBe('2026-10-10T01:00:03.000Z');
  });

  it('treats small differences (arrival latency) as the same offset: no notice', () => {
    const host = local();
    const skews: number[] = [];
    const clock = new PbxClock(host, (offset) => skews.push(offset));
    clock.observe(new Date('2026-11-23T09:59:59.990Z'));
    clock.observe(new Date('2026-11-23T09:59:59.500Z'));
    expect(skews).toEqual([]);
    expect(clock.offset).toBe(-500);
    clock.observe(new Date('2026-11-23T10:00:05Z'));
    expect(skews).toEqual([5_000]);
  });
});
