import { describe } from 'vitest';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { storeContract, type StoreFixture } from '../../support/store-contract.js';

describe('memory stores (same contract as the Prisma stores)', () => {
  let current: StoreFixture;
  storeContract(
    () => current,
    async () => {
      current = { calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() };
    },
  );
});
