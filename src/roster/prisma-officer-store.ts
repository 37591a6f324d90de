import type { DutyOfficer as OfficerRow, PrismaClient } from '../generated/prisma/client.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { isUuid } from '../platform/db/json-mapping.js';
import type { OfficeId } from '../core/office.js';
import type { Officer } from '../core/roster/roster-model.js';
import { nameTaken, officerNotFound } from './roster-errors.js';
import { byName, type Change, type NewOfficer, type OfficerRecord, type OfficerStore } from './roster-store.js';

/** Officers in PostgreSQL / PGlite (duty_officers). No Prisma type leaves this file. */
export class PrismaOfficerStore implements OfficerStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(officer: NewOfficer, change: Change): Promise<OfficerRecord> {
    try {
      const row = await this.prisma.dutyOfficer.create({
        data: { ...officer, active: true, createdAt: change.at, createdBy: change.by, updatedAt: change.at },
      });
      return toOfficer(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(officer.officeId, officer.name);
      throw err;
    }
  }

  async get(officeId: OfficeId, id: string): Promise<OfficerRecord | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.dutyOfficer.findUnique({ where: { officeId_id: { officeId, id } } });
    return row ? toOfficer(row) : null;
  }

  async list(officeId: OfficeId, options: { activeOnly?: boolean } = {}): Promise<OfficerRecord[]> {
    const rows = await this.prisma.dutyOfficer.findMany({ where: { officeId, ...(options.activeOnly ? { active: true } : {}) } });
    return rows.map(toOfficer).sort(byName);
  }

  async update(officeId: OfficeId, id: string, patch: Partial<Pick<Officer, 'name' | 'phone' | 'section'>>, change: Change): Promise<OfficerRecord> {
    if (!isUuid(id)) throw officerNotFound(officeId, id);
    try {
      const { count } = await this.prisma.dutyOfficer.updateMany({ where: { officeId, id }, data: { ...patch, updatedAt: change.at } });
      if (count === 0) throw officerNotFound(officeId, id);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(officeId, patch.name ?? '');
      throw err;
    }
    return (await this.get(officeId, id))!;
  }

  async setActive(officeId: OfficeId, id: string, active: boolean, change: Change): Promise<OfficerRecord> {
    if (!isUuid(id)) throw officerNotFound(officeId, id);
    await this.prisma.dutyOfficer.updateMany({
      where: { officeId, id, active: !active },
      data: { active, activeChangedAt: change.at, activeChangedBy: change.by, updatedAt: change.at },
    });
    const officer = await this.get(officeId, id);
    if (!officer) throw officerNotFound(officeId, id);
    return officer;
  }
}

function toOfficer(row: OfficerRow): OfficerRecord {
  return {
    id: row.id,
    officeId: row.officeId,
    name: row.name,
    phone: row.phone,
    section: row.section,
    active: row.active,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    updatedAt: row.updatedAt,
    activeChangedAt: row.activeChangedAt,
    activeChangedBy: row.activeChangedBy,
  };
}
