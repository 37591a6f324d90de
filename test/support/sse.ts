/**
 * A server-sent events client for tests, over fetch: the events as they arrive (id, event, data
 * parsed as JSON), each with the local time it arrived.
 */
export interface StreamEvent {
  id: string | null;
  event: string;
  data: unknown;
  receivedAt: number;
}

export interface EventStream {
  status: number;
  events: StreamEvent[];
  /** Resolves with the first event (from now or already received) that satisfies `found`. */
  next(found: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = new Map<string, string>();
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              const name = colon < 0 ? line : line.slice(0, colon);
              const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              fields.set(name, fields.has(name) && name === 'data' ? `${fields.get(name)}\n${value}` : value);
            }
            if (!fields.has('data')) continue;
            const raw = fields.get('data')!;
            let data: unknown = raw;
            try {
              data = JSON.parse(raw);
            } catch {
              // a plain-text event
            }
            events.push({ id: fields.get('id') ?? null, event: fields.get('event') ?? 'message', data, receivedAt: Date.now() });
            for (const wake of [...waiters]) wake();
          }
        }
      } catch {
        // closed
      }
    })();
  }
  return {
    status: res.status,
    events,
    next: (found, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(found);
          if (!hit) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such event within ${timeoutMs} ms (got: ${events.map((e) => e.event).join(', ') || 'none'})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    close: () => abort.abort(),
  };
}
