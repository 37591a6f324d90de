/**
 * After connecting, the service asks Asterisk which calls are live (CoreShowChannels) and ends
 * the ones it tracks that are gone. A call whose events arrive while that listing is on its way
 * started after Asterisk took the list: it is live, and must not be ended as missing.
 */
import { describe, expect, it } from 'vitest';
import { createPgTestDatabase, createTempDir } from '../../support/db.js';
import { firstPart, recordedCall, startFakePbx } from '../../support/fake-pbx.js';
import { eventually } from '../../support/poll.js';
import { startTestService } from '../../support/service-harness.js';
import { useCleanups } from '../../support/cleanups.js';

const { defer } = useCleanups();

describe('reconcile after connecting (PostgreSQL)', () => {
  it('does not end a call whose events arrive before the live-channel listing that omits it', async () => {
    const database = await createPgTestDatabase();
    defer(() => database.drop());
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    const call = firstPart(recordedCall('no-answer'), (event) => /^Event: DialState$/m.test(event));

    const pbx = await startFakePbx();
    defer(() => pbx.close());
    // Asterisk took the (empty) list, then the call started: its events go out before the list.
    pbx.ami.handle('CoreShowChannels', (action, session) => {
      session.write(call.wire);
      const id: [string, string] = ['ActionID', action.actionId ?? ''];
      session.respond(action, [['Response', 'Success'], ['EventList', 'start'], ['Message', 'Channels will follow']]);
      session.sendEvent([['Event', 'CoreShowChannelsComplete'], id, ['EventList', 'Complete'], ['ListItems', '0']]);
    });
    const sut = await startTestService({ pbx, databaseUrl: database.url, spillDir: spillDir.path });
    defer(() => sut.service.stop({ drainTimeoutMs: 500 }));

    // The listing is processed as it arrives, before the call's row can reach the database.
    await sut.service.database.opened;
    const [row] = await eventually('the call stored', async () => {
      const rows = await sut.callsFor(call.pbxCallId);
      return rows.length === 1 && sut.service.writes.stats().pending === 0 ? rows : false;
    });
    expect(row).toMatchObject({ outcome: 'in-progress', endedAt: null });
    expect(sut.service.tracker.activeCalls).toBe(1);
  });
});
