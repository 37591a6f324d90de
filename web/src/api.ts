/** The console's only way to the server: the duty-hotline API, same origin, the session cookie. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (body ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, e.error ?? 'ERROR', e.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

export interface SessionUser {
  id: string;
  name: string;
  displayName: string;
  role: 'duty-officer' | 'supervisor' | 'ops' | 'auditor';
  officeId: string;
}

export const ROLE_LABELS: Record<SessionUser['role'], string> = { 'duty-officer': '值班人员', supervisor: '值班主任', ops: '运维', auditor: '审计' };

export const OUTCOME_LABELS: Record<string, string> = {
  'in-progress': '通话中',
  answered: '已接听',
  absence: '离岗未接',
  abandoned: '来电方挂断',
  busy: '占线',
  unreachable: '无法接通',
  unanswered: '未接听',
  'not-responding': '话机无响应',
  bureau: '转机要局',
  'no-one-reachable': '无人接听',
  'no-desk': '未呼叫值班台',
  interrupted: '中断',
};

export const MISSED_OUTCOMES = new Set(['absence', 'abandoned', 'busy', 'unreachable', 'unanswered', 'not-responding', 'no-one-reachable']);

export const TZ = 'Asia/Shanghai';
export const time = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: TZ, hour12: false }) : '');

/** The start of today in the office's zone (UTC+8, no daylight saving), as an instant. */
export function startOfToday(now = new Date()): Date {
  const shanghai = new Date(now.getTime() + 8 * 3600_000);
  return new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate()) - 8 * 3600_000);
}

export function thisMonth(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
}

/** The window event AlertFeed dispatches when the server says a call was stored (detail: its id). */
export const CALL_CHANGED = 'duty:call-changed';

/**
 * Page `page` (from 1) of a list route that takes limit and offset: one row more than a page is
 * asked for, so `more` says whether there is a next page without a count.
 */
export async function listPage<T>(path: string, query: URLSearchParams, page: number, size: number): Promise<{ items: T[]; more: boolean }> {
  const q = new URLSearchParams(query);
  q.set('limit', String(size + 1));
  q.set('offset', String((page - 1) * size));
  const { items } = await api<{ items: T[] }>(`${path}?${q}`);
  return { items: items.slice(0, size), more: items.length > size };
}
