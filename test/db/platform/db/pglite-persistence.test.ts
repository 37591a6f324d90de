import { afterAll, beforeAll, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../../src/discipline/prisma-discipline-store.js';
import { openDatabase } from '../../../../src/platform/db/database.js';
import { createTempDir, testLogger } from '../../../support/db.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';

let dir: Awaited<ReturnType<typeof createTempDir>>;
beforeAll(async () => {
  dir = await createTempDir();
});
afterAll(async () => {
  await dir.rm();
});

it('PGlite keeps data across close and reopen of the same dataDir, and migrates only once', async () => {
  const dataDir = `${dir.path}/nested/pglite`; // created on demand
  const first = await openDatabase({ dataDir, logger: testLogger });
  expect(first.kind).toBe('pglite');
  expect(first.migrations?.applied.length).toBeGreaterThan(0);
  const saved = await new PrismaCallStore(first.prisma).save(snapshot('persist-1', { outcome: 'absence' }));
  await new PrismaDisciplineStore(first.prisma).recordOnce(disciplineInput('persist-1'));
  await first.close();
  await first.close(); // idempotent

  const second = await openDatabase({ dataDir, logger: testLogger });
  try {
    expect(second.migrations?.applied).toEqual([]);
    expect(second.migrations?.alreadyApplied).toBe(first.migrations?.applied.length);
    expect(await new PrismaCallStore(second.prisma).get(saved.id)).toEqual(saved);
    const again = await new PrismaDisciplineStore(second.prisma).recordOnce(disciplineInput('persist-1'));
    expect(again.created).toBe(false);
  } finally {
    await second.close();
  }
});
