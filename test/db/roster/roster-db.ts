import type { Database } from '../../../src/platform/db/database.js';

export const ROSTER_TABLES = ['roster_swap_requests', 'roster_shift_officers', 'roster_shifts', 'roster_month_events', 'roster_months', 'duty_officers'];

/** Empties the roster tables (TRUNCATE: the triggers refuse row deletes). */
export async function truncateRoster(db: Database): Promise<void> {
  await db.prisma.$executeRawUnsafe(`TRUNCATE TABLE ${ROSTER_TABLES.map((t) => `"${t}"`).join(', ')}`);
}
