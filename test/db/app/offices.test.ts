/**
 * One service watching two offices' PBXs (two scripted AMI servers playing real Asterisk
 * captures): each office its own runtime, its calls and records stored under its id, even when
 * both PBXs use the same call id; /healthz reports each office.
 */
import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../support/db.js';
import { recordedCall, startFakePbx, type FakePbx } from '../../support/fake-pbx.js';
import { eventually } from '../../support/poll.js';
import { startTestService, type CallJson, type DatabaseKind, type RecordJson } from '../../support/service-harness.js';
import { useCleanups } from '../../support/cleanups.js';
import type { HealthReport } from '../../../src/app/health-routes.js';

const { defer } = useCleanups();

async function fakePbx(): Promise<FakePbx> {
  const pbx = await startFakePbx();
  defer(() => pbx.close());
  return pbx;
}

/** The service with offices "city" and "district", each its own scripted AMI server; the database open. */
async function twoOffices(kind: DatabaseKind) {
  const city = await fakePbx();
  const district = await fakePbx();
  const sut = await startTestService({ kind, offices: [{ id: 'city', pbx: city }, { id: 'district', pbx: district }] });
  defer(() => sut.stop({ drainTimeoutMs: 500 }));
  await sut.service.database.opened;
  return { city, district, sut };
}

describe.each(DB_KINDS)('two offices in one service (%s)', (kind) => {
  it('keeps the calls and records of each office apart, the same PBX call id in both included', async () => {
    const { city, district, sut } = await twoOffices(kind);
    await eventually('both offices connected', () => sut.service.offices.every((o) => o.pbx.state === 'connected'));

    // The same capture on both PBXs: the same Linkedid (1795425976.2), desk unanswered for 3 rings.
    const absence = recordedCall('no-answer');
    expect(absence.pbxCallId).toBe('1795425976.2');
    city.play(absence);
    district.play(absence);
    // Answered at ring 2, on the city PBX only.
    const answered = recordedCall('answered');
    expect(answered.pbxCallId).toBe('1795425973.0');
    city.play(answered);

    const rows = await eventually('three calls stored and ended', async () => {
      const items = await sut.everyOffice<CallJson>('/calls?limit=100');
      return items.length === 3 && items.every((c) => c.endedAt !== null) ? items : false;
    });
    const byOffice = (office: string) => rows.filter((c) => c.officeId === office).map((c) => [c.pbxCallId, c.outcome]).sort();
    expect(byOffice('city')).toEqual([
      ['1795425973.0', 'answered'],
      ['1795425976.2', 'absence'],
    ]);
    expect(byOffice('district')).toEqual([['1795425976.2', 'absence']]);

    const records = await eventually('two absence records', async () => {
      const items = await sut.everyOffice<RecordJson>('/discipline-records?limit=100');
      return items.length === 2 ? items : false;
    });
    expect(records.map((r) => [r.officeId, r.subject.kind, r.subject.id, r.type]).sort()).toEqual([
      ['city', 'call', '1795425976.2', 'absence'],
      ['district', 'call', '1795425976.2', 'absence'],
    ]);

    const districtOnly = await sut.get<{ items: CallJson[] }>('/calls?office=district');
    expect(districtOnly.body.items.map((c) => c.pbxCallId)).toEqual(['1795425976.2']);
    const cityRecords = await sut.get<{ items: RecordJson[] }>('/discipline-records?office=city');
    expect(cityRecords.body.items.map((r) => r.officeId)).toEqual(['city']);
  });

  it('/healthz reports each office: one PBX gone degrades the service and names that office', async () => {
    const { district, sut } = await twoOffices(kind);
    const healthy = await eventually('healthy', async () => {
      const res = await sut.get<HealthReport>('/healthz');
      return res.status === 200 ? res.body : false;
    });
    expect(healthy.offices.map((o) => [o.id, o.status, o.ami.state])).toEqual([
      ['city', 'ok', 'connected'],
      ['district', 'ok', 'connected'],
    ]);

    await district.close();
    const degraded = await eventually('district disconnected', async () => {
      const res = await sut.get<HealthReport>('/healthz');
      return res.status === 503 ? res.body : false;
    });
    expect(degraded.status).toBe('degraded');
    expect(degraded.offices.map((o) => [o.id, o.status])).toEqual([
      ['city', 'ok'],
      ['district', 'degraded'],
    ]);
    expect(degraded.offices[1]!.ami.state).not.toBe('connected');
  });
});
