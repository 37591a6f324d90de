import { describe, expect, it } from 'vitest';
import { UnreachedCalls } from '../../../src/calls/unreached-calls.js';
import { snapshot } from '../../support/store-contract.js';

describe('calls that reached nobody, for /healthz', () => {
  it('counts them, keeps the last, and warns for a day after the last one', () => {
    const unreached = new UnreachedCalls();
    expect(unreached.warnings(new Date('2026-11-23T16:00:00Z'))).toEqual([]);
    unreached.add(snapshot('1.1', { endedAt: new Date('2026-11-23T15:00:00Z'), outcome: 'no-one-reachable' }), 'bureau phone bureau unreachable (CHANUNAVAIL)');
    unreached.add(snapshot('1.2', { endedAt: new Date('2026-11-23T15:10:00Z'), outcome: 'busy' }), 'desk phone desk busy');
    expect(unreached.count).toBe(2);
    expect(unreached.last).toEqual({ pbxCallId: '1.2', at: '2026-11-23T15:10:00.000Z', outcome: 'busy', tried: 'desk phone desk busy' });
    expect(unreached.warnings(new Date('2026-11-24T15:10:00Z'))).toEqual([
      'a call to the duty line reached nobody at 2026-11-23T15:10:00.000Z (desk phone desk busy); 2 since the service started',
    ]);
    expect(unreached.warnings(new Date('2026-11-24T15:10:00.001Z'))).toEqual([]);
  });
});
