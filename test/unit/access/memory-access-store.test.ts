import { describe } from 'vitest';
import type { AccessStores } from '../../../src/access/access-store.js';
import { memoryAccessStores } from '../../../src/access/memory-access-store.js';
import { accessStoreContract } from '../../support/access-store-contract.js';

describe('memory access stores (same contract as the Prisma stores)', () => {
  let current: AccessStores;
  accessStoreContract(
    () => current,
    async () => {
      current = memoryAccessStores();
    },
  );
});
