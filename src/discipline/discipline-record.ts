import type { DisciplineInput, DisciplineStatus, DisciplineType } from '../core/discipline/discipline-model.js';
import type { OfficeId } from '../core/office.js';

export interface DisciplineRecord extends DisciplineInput {
  id: string;
  status: DisciplineStatus;
  createdAt: Date;
}

export interface DisciplineQuery {
  officeId?: OfficeId;
  from?: Date; // occurredAt >= from
  to?: Date; // occurredAt < to
  type?: DisciplineType;
  status?: DisciplineStatus;
  limit: number;
  offset: number;
}
