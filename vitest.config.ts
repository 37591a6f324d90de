import { defineConfig } from 'vitest/config';

// Four layers (see README): unit (pure code), db (real PostgreSQL + PGlite), browser (the console in Chromium), pbx (real Asterisk + sipp);
// and perf: measurements against a target (the console on a million calls), run alone once the others are done (scripts/test.sh).
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'db', include: ['test/db/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      // Headless Chromium against the console the service serves (one browser at a time on 2 cores).
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'perf', include: ['test/perf/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 180_000 } },
      {
        extends: true,
        test: {
          name: 'pbx',
          include: ['test/pbx/**/*.test.ts'],
          // One Asterisk, one desk phone: PBX scenarios run one at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
