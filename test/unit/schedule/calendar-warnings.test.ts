import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/platform/clock.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { parseCalendarImport } from '../../../src/schedule/calendar-import.js';
import { fileCalendarOverrideStore } from '../../../src/schedule/calendar-override-store.js';
import { startCalendarWarnings, type CalendarWarnings } from '../../../src/schedule/calendar-warnings.js';
import { readRepoFile } from '../../support/schedule-test-data.js';

const clockAt = (iso: string): Clock => ({ now: () => new Date(iso), schedule: () => () => undefined });

describe('holiday calendar warnings the service reports (see test/db/service-calendar-warning.test.ts for /healthz and the log)', () => {
  let dir: string;
  let warnings: CalendarWarnings | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dh-warnings-'));
  });
  afterEach(async () => {
    warnings?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (iso: string, overrides: Record<string, unknown> = {}) => {
    const config = loadConfig({ overrides: { 'schedule.calendarOverrides': path.join(dir, 'calendar-overrides.json'), ...overrides } });
    return startCalendarWarnings(config, clockAt(iso), pino({ enabled: false }));
  };

  it('says nothing before November, warns from November 1 (Shanghai) until next year is imported', async () => {
    warnings = await start('2026-10-31T15:59:00Z'); // 23:59 in Shanghai
    expect(await warnings.current()).toEqual([]);
    warnings.stop();

    warnings = await start('2026-10-31T16:00:00Z'); // November 1, 00:00 in Shanghai
    expect(await warnings.current()).toEqual([expect.stringMatching(/^holiday calendar for 2027 is not loaded yet: .*duty-hotline calendar import FILE/)]);

    const year = parseCalendarImport(readRepoFile('test/fixtures/schedule/calendar-2027.fictitious.yaml'), 'calendar-2027.yaml');
    await fileCalendarOverrideStore(path.join(dir, 'calendar-overrides.json')).save(year);
    expect(await warnings.current()).toEqual([]);
  });

  it('reports an unreadable overrides file instead of failing the service', async () => {
    await copyFile(path.join(import.meta.dirname, '../../fixtures/schedule/regular-and-hired-staff.yaml'), path.join(dir, 'calendar-overrides.json'));
    warnings = await start('2026-06-01T00:00:00Z');
    expect(await warnings.current()).toEqual([expect.stringMatching(/^the holiday calendar overrides .*calendar-overrides\.json cannot be read: /)]);
  });
});
