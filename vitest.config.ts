import { defineConfig } from 'vitest/config';

// Four layers (see README): unit (pure code), db (real PostgreSQL + PGlite), browser (the console in Chromium), pbx (real Asterisk + sipp).
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    // Two at a time on this 2-core machine (vitest's default leaves one core idle): the PBX layer
    // mostly waits on Asterisk's timing, the database layer meanwhile works; each layer's files
    // still run one after another (below), as they always have.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'db', include: ['test/db/**/*.test.ts'], fileParallelism: false, testTimeout: 30_000, hookTimeout: 60_000 } },
      // Headless Chromium against the console the service serves (one browser at a time on 2 cores).
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } },
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
