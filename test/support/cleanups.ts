import { afterEach } from 'vitest';
import type { TestService } from './service-harness.js';

/** Things a test started, undone after it in reverse order (also when it fails). */
export function useCleanups(): { defer: (cleanup: () => Promise<void>) => void; started: (service: Promise<TestService>) => Promise<TestService> } {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const defer = (cleanup: () => Promise<void>) => void cleanups.push(cleanup);
  return {
    defer,
    async started(service) {
      const sut = await service;
      defer(() => sut.service.stop({ drainTimeoutMs: 500 }));
      return sut;
    },
  };
}
