/**
 * The November warning as the running service gives it (issue: "a warning from November on, in
 * /healthz, the CLI and logs, when next year's calendar is not loaded"): the whole service on
 * PGlite with its host clock set to November 2026, a fake PBX, and a calendar overrides file the
 * test imports into while it runs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../src/platform/clock.js';
import { PbxClock } from '../../../src/pbx/asterisk/pbx-clock.js';
import { parseCalendarImport } from '../../../src/schedule/calendar-import.js';
import { fileCalendarOverrideStore } from '../../../src/schedule/calendar-override-store.js';
import { useCleanups } from '../../support/cleanups.js';
import { createTempDir } from '../../support/db.js';
import { startFakePbx } from '../../support/fake-pbx.js';
import { startTestService } from '../../support/service-harness.js';

const { defer } = useCleanups();

/** The system clock moved to `iso` (it runs on from there): an offset clock, as PbxClock keeps one. */
function clockFrom(iso: string): Clock {
  const clock = new PbxClock(systemClock);
  clock.observe(new Date(iso));
  return clock;
}

const WARNING_2027 = /^holiday calendar for 2027 is not loaded yet: from 2027-01-01 the dialplan has no rules and routes every call to the bureau line; .*duty-hotline calendar import FILE/;

describe('the service in November without next year’s holiday calendar', () => {
  it('warns in its log at start and in GET /healthz, and stops once the year is imported (no restart)', async () => {
    const dir = await createTempDir('dh-warning-');
    defer(() => dir.rm());
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const lines: Array<{ level: number; msg: string; warning?: string }> = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
          done();
        },
      }),
    );
    const overrides = path.join(dir.path, 'calendar-overrides.json');
    const sut = await startTestService({
      pbx,
      dataDir: path.join(dir.path, 'pglite'),
      spillDir: path.join(dir.path, 'spill'),
      calendarOverrides: overrides,
      clock: clockFrom('2026-11-05T02:00:00Z'),
      logger,
    });
    defer(() => sut.service.stop({ drainTimeoutMs: 500 }));

    expect(lines.filter((l) => l.msg === 'holiday calendar').map((l) => l.warning)).toEqual([expect.stringMatching(WARNING_2027)]);
    expect((await sut.health()).warnings).toEqual([expect.stringMatching(WARNING_2027)]);

    const notice = path.resolve(import.meta.dirname, '../../fixtures/schedule/calendar-2027.fictitious.yaml');
    await fileCalendarOverrideStore(overrides).save(parseCalendarImport(await readFile(notice, 'utf8'), 'calendar-2027.yaml'));
    expect((await sut.health()).warnings).toEqual([]);
  });
});
