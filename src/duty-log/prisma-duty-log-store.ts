import type { DutyLogVersion as Row, PrismaClient } from '../generated/prisma/client.js';
import type { DutyLogFields } from '../core/duty-log/duty-log-entry.js';
import type { OfficeId } from '../core/office.js';
import { pickFields } from '../core/duty-log/duty-log-entry.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import type { DutyLogStore, DutyLogVersion } from './duty-log-store.js';

/** The duty log's versions in PostgreSQL / PGlite (duty_log_versions). No Prisma type leaves this file. */
export class PrismaDutyLogStore implements DutyLogStore {
  constructor(private readonly prisma: PrismaClient) {}

  async latest(officeId: OfficeId, pbxCallId: string): Promise<DutyLogVersion | null> {
    const row = await this.prisma.dutyLogVersion.findFirst({ where: { officeId, pbxCallId }, orderBy: { version: 'desc' } });
    return row ? toVersion(row) : null;
  }

  async append(officeId: OfficeId, pbxCallId: string, after: number, fields: DutyLogFields, change: { by: string; at: Date }) {
    const latest = await this.latest(officeId, pbxCallId);
    if ((latest?.version ?? 0) !== after) return { stored: false as const, latest };
    try {
      // Two edits of one version: the unique key lets one in.
      const row = await this.prisma.dutyLogVersion.create({ data: { ...pickFields(fields), officeId, pbxCallId, version: after + 1, at: change.at, by: change.by } });
      return { stored: true as const, entry: toVersion(row) };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return { stored: false as const, latest: await this.latest(officeId, pbxCallId) };
    }
  }

  async versions(officeId: OfficeId, pbxCallId: string): Promise<DutyLogVersion[]> {
    const rows = await this.prisma.dutyLogVersion.findMany({ where: { officeId, pbxCallId }, orderBy: { version: 'asc' } });
    return rows.map(toVersion);
  }
}

function toVersion(row: Row): DutyLogVersion {
  return {
    officeId: row.officeId,
    pbxCallId: row.pbxCallId,
    version: row.version,
    callerName: row.callerName,
    callerUnit: row.callerUnit,
    callerPosition: row.callerPosition,
    callerPhone: row.callerPhone,
    content: row.content,
    handling: row.handling,
    followUp: row.followUp,
    majorIncident: row.majorIncident,
    incidentClosed: row.incidentClosed,
    reportedToLeader: row.reportedToLeader,
    oralReportAt: row.oralReportAt,
    writtenReportAt: row.writtenReportAt,
    at: row.at,
    by: row.by,
  };
}
