import { describe, expect, it } from 'vitest';
import { AlertHub, type HubAlert } from '../../../src/alerts/alert-hub.js';
import type { AbsenceLike } from '../../../src/core/alerts/missed-call-alert.js';

const absence = (id: string, at = '2026-12-03T02:00:00.000Z'): AbsenceLike => ({
  id,
  officeId: 'default',
  type: 'absence',
  subject: { kind: 'call', id: `call-${id}` },
  deskEndpoint: 'desk',
  occurredAt: new Date(at),
  duty: null,
  officer: null,
  reason: '值班台响铃3声无人接听（离岗）',
});

describe('AlertHub', () => {
  it('hands each alert to every listener, with stream ids in order; a mistake makes none', () => {
    const hub = new AlertHub();
    const a: HubAlert[] = [];
    const b: HubAlert[] = [];
    hub.listen((x) => a.push(x));
    const stop = hub.listen((x) => b.push(x));
    hub.raised(absence('r1'));
    stop();
    expect(hub.raised({ ...absence('r2'), type: 'mistake' })).toBeNull();
    hub.raised(absence('r3'));
    expect(a.map((x) => x.alert.id)).toEqual(['r1', 'r3']);
    expect(b.map((x) => x.alert.id)).toEqual(['r1']);
    expect(a[0]!.streamId).toMatch(/^[0-9a-f]{8}-1$/);
    expect(a[1]!.streamId).toBe(a[0]!.streamId.replace(/-1$/, '-2'));
  });

  it('catches a stream up: the alerts after the one it saw last; all kept for another boot or none seen', () => {
    const hub = new AlertHub();
    const ids = ['r1', 'r2', 'r3'].map((id) => hub.raised(absence(id)) && hub.since(null).at(-1)!.streamId);
    expect(hub.since(ids[0]!).map((x) => x.alert.id)).toEqual(['r2', 'r3']);
    expect(hub.since(ids[2]!)).toEqual([]);
    expect(hub.since('0badb00t-2').map((x) => x.alert.id)).toEqual(['r1', 'r2', 'r3']);
    expect(hub.since('garbage').map((x) => x.alert.id)).toEqual(['r1', 'r2', 'r3']);
  });

  it('keeps a day of alerts, 500 at most', () => {
    let now = new Date('2026-12-03T00:00:00.000Z');
    const hub = new AlertHub(() => now);
    hub.raised(absence('old'));
    now = new Date('2026-12-04T00:00:01.000Z');
    hub.raised(absence('new'));
    expect(hub.since(null).map((x) => x.alert.id)).toEqual(['new']);
    for (let i = 0; i < 510; i++) hub.raised(absence(`n${i}`));
    const kept = hub.since(null);
    expect(kept).toHaveLength(500);
    expect(kept[0]!.alert.id).toBe('n10');
  });
});
