import type { PrismaClient, WatchGap as Row } from '../generated/prisma/client.js';
import type { OfficeId } from '../core/office.js';
import { WATCH_GAP_REASONS, type WatchGap, type WatchGapReason } from '../core/watch/watch-gap.js';
import type { WatchStore } from './watch-store.js';

/** The watch log in PostgreSQL / PGlite (watch_heartbeats, watch_gaps, pbx_log_positions). No Prisma type leaves this file. */
export class PrismaWatchStore implements WatchStore {
  constructor(private readonly prisma: PrismaClient) {}

  async lastBeat(officeId: OfficeId) {
    return (await this.prisma.watchHeartbeat.findUnique({ where: { officeId } }))?.beatAt ?? null;
  }

  async beat(officeId: OfficeId, at: Date) {
    await this.prisma.watchHeartbeat.upsert({ where: { officeId }, create: { officeId, beatAt: at }, update: { beatAt: at } });
  }

  async addGap(gap: WatchGap) {
    return (await this.prisma.watchGap.create({ data: { officeId: gap.officeId, reason: gap.reason, fromAt: gap.from, toAt: gap.to } })).id;
  }

  async endGap(id: string, to: Date) {
    await this.prisma.watchGap.updateMany({ where: { id, toAt: null }, data: { toAt: to } });
  }

  async endOpenGaps(officeId: OfficeId, to: Date) {
    await this.prisma.watchGap.updateMany({ where: { officeId, toAt: null }, data: { toAt: to } });
  }

  async listGaps(officeId: OfficeId, from: Date, to: Date) {
    const rows = await this.prisma.watchGap.findMany({ where: { officeId, fromAt: { lt: to }, OR: [{ toAt: null }, { toAt: { gt: from } }] }, orderBy: { fromAt: 'asc' } });
    return rows.map(toGap);
  }

  async logPosition(officeId: OfficeId, source: string) {
    const row = await this.prisma.pbxLogPosition.findUnique({ where: { officeId_source: { officeId, source } } });
    return row ? Number(row.position) : 0;
  }

  async setLogPosition(officeId: OfficeId, source: string, position: number, at: Date) {
    const data = { position: BigInt(position), updatedAt: at };
    await this.prisma.pbxLogPosition.upsert({ where: { officeId_source: { officeId, source } }, create: { officeId, source, ...data }, update: data });
  }
}

function toGap(row: Row): WatchGap {
  const reason: WatchGapReason = (WATCH_GAP_REASONS as readonly string[]).includes(row.reason) ? (row.reason as WatchGapReason) : 'service-down';
  return { officeId: row.officeId, from: row.fromAt, to: row.toAt, reason };
}

