/**
 * The watch log through the whole service on PostgreSQL and PGlite: the AMI connection cut for a
 * minute and the service stopped for ten are both listed by GET /watch-gaps, with their reasons,
 * and nothing is recorded for the moments a start takes to connect. The host clock is moved
 * forward instead of waiting (the watch log keeps this host's time).
 */
import { describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../src/platform/clock.js';
import { useCleanups } from '../../support/cleanups.js';
import { DB_KINDS, keptDatabase } from '../../support/db.js';
import { startFakePbx } from '../../support/fake-pbx.js';
import { eventually } from '../../support/poll.js';
import { startTestService, type DatabaseKind } from '../../support/service-harness.js';

const { defer, started } = useCleanups();

const databaseOf = (kind: DatabaseKind) => keptDatabase(kind, defer);

/** This host's clock, moved forward by `ahead` ms whenever the test says so. */
function movableClock(): Clock & { ahead: number } {
  const clock = {
    ahead: 0,
    now: () => new Date(Date.now() + clock.ahead),
    schedule: (at: Date, fn: () => void) => systemClock.schedule(new Date(at.getTime() - clock.ahead), fn),
  };
  return clock;
}

interface GapJson {
  from: string;
  to: string | null;
  reason: string;
  label: string;
}
const seconds = (g: GapJson) => (Date.parse(g.to!) - Date.parse(g.from)) / 1000;

describe.each(DB_KINDS)('the watch log on %s', (kind) => {
  it('lists an AMI cut of a minute and ten minutes of the service down, with their reasons', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const database = await databaseOf(kind);
    const clock = movableClock();
    const config = { 'watch.heartbeatMs': 100 };
    const begun = clock.now();

    const first = await started(startTestService({ pbx, ...database, clock, config }));
    await Promise.all([first.service.database.opened, first.service.pbx.waitUntilConnected(5000)]);
    await pbx.ami.close();
    await eventually('the cut seen', () => first.service.pbx.state !== 'connected');
    clock.ahead += 60_000;
    await pbx.ami.reopen();
    await first.service.pbx.waitUntilConnected(10_000);
    const listed = (sut: typeof first) => sut.json<{ items: GapJson[] }>(`/watch-gaps?from=${begun.toISOString()}&to=${new Date(clock.now().getTime() + 3600_000).toISOString()}`);
    const [cut, ...more] = await eventually('the cut listed, ended', async () => {
      const { items } = await listed(first);
      return items.length > 0 && items[0]!.to !== null && items;
    });
    expect(more).toEqual([]);
    expect([cut!.reason, cut!.label]).toEqual(['ami-disconnected', '与交换机断开']);
    expect(seconds(cut!)).toBeGreaterThanOrEqual(60);
    expect(seconds(cut!)).toBeLessThan(70);
    await first.stop();

    clock.ahead += 600_000;
    const second = await started(startTestService({ pbx, ...database, clock, config }));
    await Promise.all([second.service.database.opened, second.service.pbx.waitUntilConnected(5000)]);
    const gaps = await eventually('the time down listed', async () => {
      const { items } = await listed(second);
      return items.length > 1 && items;
    });
    expect(gaps.map((g) => g.reason)).toEqual(['ami-disconnected', 'service-down']);
    expect(gaps[1]!.label).toBe('服务未运行');
    expect(seconds(gaps[1]!)).toBeGreaterThanOrEqual(600);
    expect(seconds(gaps[1]!)).toBeLessThan(610);
    await second.stop();
  });
});
