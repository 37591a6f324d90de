/**
 * Session and API-token secrets: what the browser or the script holds is
 * `<prefix>_<id>_<verifier>` — the row's id (32 hex digits, a UUID without dashes) and 32 random
 * bytes (crypto.randomBytes, base64url). The database keeps only the SHA-256 of the whole string;
 * a presented secret is looked up by its id and its hash compared in constant time. Prefixes
 * (`dhs` a session, `dht` an API token) tell the two apart and let secret scanners find leaked
 * tokens.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export type SecretKind = 'session' | 'token';

const PREFIX: Record<SecretKind, string> = { session: 'dhs', token: 'dht' };
const SHAPE = /^(dhs|dht)_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface NewSecret {
  /** The row's id (a UUID). */
  id: string;
  /** What the holder presents; shown once, never stored. */
  secret: string;
  /** SHA-256 of `secret`, hex: what is stored. */
  hash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newSecret(kind: SecretKind): NewSecret {
  const id = randomUUID();
  const secret = `${PREFIX[kind]}_${id.replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`;
  return { id, secret, hash: hashSecret(secret) };
}

/** The id a presented secret of this kind names, and its hash; null when it is not one. */
export function parseSecret(kind: SecretKind, presented: string): { id: string; hash: string } | null {
  const m = SHAPE.exec(presented);
  if (!m || m[1] !== PREFIX[kind]) return null;
  const hex = m[2]!;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, hash: hashSecret(presented) };
}

/** Two hex SHA-256 hashes compared in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}
