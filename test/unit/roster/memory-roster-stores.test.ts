import { describe } from 'vitest';
import { createMemoryRosterStores } from '../../../src/roster/memory-roster-store.js';
import type { RosterStores } from '../../../src/roster/roster-store.js';
import { rosterStoreContract } from '../../support/roster-store-contract.js';

describe('memory roster stores (same contract as the Prisma stores)', () => {
  let current: RosterStores;
  rosterStoreContract(
    () => current,
    async () => {
      current = createMemoryRosterStores();
    },
  );
});
