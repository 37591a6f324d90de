/**
 * The sandbox's channel event log (CEL) as the rebuild reads it: the table cel_pgsql writes
 * (scripts/pbx.sh, DUTY_PBX_CEL_PG), replayed through the call rules, so a PBX test can hold a
 * call rebuilt from the log against the same call seen live.
 */
import pg from 'pg';
import { replayCall } from '../../../src/core/call/call-replay.js';
import type { CallSnapshot } from '../../../src/core/call/call-model.js';
import type { PhoneRole } from '../../../src/core/phone-role.js';
import { CelTableLog } from '../../../src/pbx/asterisk/cel-table-log.js';
import { eventually } from '../poll.js';
import { TEST_RINGS } from '../service-harness.js';
import { pbxSettings } from './sandbox.js';

const ROLES: Record<string, PhoneRole> = { desk: 'desk', leader: 'fallback', bureau: 'bureau' };

function celDatabaseUrl(): string {
  const url = pbxSettings().celDatabaseUrl;
  if (!url) throw new Error('the sandbox writes no CEL table: start it with a PostgreSQL on 127.0.0.1:5432 (DUTY_PBX_CEL_PG=auto)');
  return url;
}

/** Where the table ends now: the calls placed after this are read from here. */
export async function celMark(): Promise<number> {
  const client = new pg.Client(celDatabaseUrl());
  await client.connect();
  try {
    return Number((await client.query<{ next: string }>('SELECT coalesce(max(id), 0) + 1 AS next FROM cel')).rows[0]!.next);
  } finally {
    await client.end();
  }
}

/** The call as the rebuild would store it from the log (read from `mark`), once its end is written. */
export async function callFromCel(callId: string, mark: number): Promise<CallSnapshot> {
  const log = new CelTableLog({ databaseUrl: celDatabaseUrl(), table: 'cel' }, (endpoint) => ROLES[endpoint] ?? 'other');
  try {
    return await eventually(`the end of call ${callId} in the CEL table`, async () => {
      for (let from = mark; ; ) {
        const read = await log.read(from);
        const call = read.calls.find((c) => c.callId === callId);
        if (call) {
          const { state } = replayCall(call.events, { officeId: 'default', rules: { threshold: TEST_RINGS.threshold, cadence: { onMs: TEST_RINGS.onMs, offMs: TEST_RINGS.offMs } } });
          return state?.ended ? state.call : undefined;
        }
        if (read.done) return undefined;
        from = read.next;
      }
    }, 10_000);
  } finally {
    await log.close();
  }
}
