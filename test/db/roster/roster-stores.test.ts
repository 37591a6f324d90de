import { describe } from 'vitest';
import { createPrismaRosterStores } from '../../../src/roster/prisma-roster-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { rosterStoreContract } from '../../support/roster-store-contract.js';
import { truncateRoster } from './roster-db.js';

describe.each(DB_KINDS)('Prisma roster stores on %s', (kind) => {
  const t = useTestDatabase(kind);
  rosterStoreContract(
    () => createPrismaRosterStores(t.db.prisma),
    () => truncateRoster(t.db),
  );
});
