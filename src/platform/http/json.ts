type Iso<V> = V extends Date ? string : V;
export type WithIsoDates<T> = { [K in keyof T]: Iso<T[K]> };

/** A record's Date fields as ISO-8601 strings, the way the API schemas describe them. */
export function withIsoDates<T extends object>(record: T): WithIsoDates<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[key] = value instanceof Date ? value.toISOString() : value;
  return out as WithIsoDates<T>;
}
