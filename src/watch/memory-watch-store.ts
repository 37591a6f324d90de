import type { OfficeId } from '../core/office.js';
import type { WatchGap } from '../core/watch/watch-gap.js';
import type { WatchStore } from './watch-store.js';

/** The watch log in memory, for unit tests. */
export class MemoryWatchStore implements WatchStore {
  readonly #beats = new Map<OfficeId, Date>();
  readonly #gaps = new Map<string, WatchGap>();
  readonly #positions = new Map<string, number>();

  async lastBeat(officeId: OfficeId) {
    return this.#beats.get(officeId) ?? null;
  }

  async beat(officeId: OfficeId, at: Date) {
    this.#beats.set(officeId, at);
  }

  async addGap(gap: WatchGap) {
    const id = crypto.randomUUID();
    this.#gaps.set(id, { ...gap });
    return id;
  }

  async endGap(id: string, to: Date) {
    const gap = this.#gaps.get(id);
    if (gap && gap.to === null) gap.to = to;
  }

  async endOpenGaps(officeId: OfficeId, to: Date) {
    for (const gap of this.#gaps.values()) if (gap.officeId === officeId && gap.to === null) gap.to = to;
  }

  async listGaps(officeId: OfficeId, from: Date, to: Date) {
    return [...this.#gaps.values()]
      .filter((g) => g.officeId === officeId && g.from < to && (g.to === null || g.to > from))
      .map((g) => ({ ...g }))
      .sort((a, b) => a.from.getTime() - b.from.getTime());
  }

  async logPosition(officeId: OfficeId, source: string) {
    return this.#positions.get(`${officeId}\n${source}`) ?? 0;
  }

  async setLogPosition(officeId: OfficeId, source: string, position: number, _at: Date) {
    this.#positions.set(`${officeId}\n${source}`, position);
  }
}
