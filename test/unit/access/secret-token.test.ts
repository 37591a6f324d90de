/** Session and API-token secrets: random, stored as SHA-256, looked up by id, compared in constant time. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret, parseSecret, sameHash } from '../../../src/access/secret-token.js';

describe('secrets', () => {
  it('are <prefix>_<id>_<32 random bytes>; only their SHA-256 is kept', () => {
    const s = newSecret('session');
    expect(s.secret).toMatch(/^dhs_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(s.secret).toContain(s.id.replaceAll('-', ''));
    expect(s.hash).toBe(createHash('sha256').update(s.secret).digest('hex'));
    expect(s.hash).not.toContain(s.secret.slice(-43));
    expect(newSecret('token').secret).toMatch(/^dht_/);
    const many = new Set(Array.from({ length: 200 }, () => newSecret('token').secret));
    expect(many.size).toBe(200);
  });

  it('parse back to the id and hash, for their own kind only', () => {
    const s = newSecret('token');
    expect(parseSecret('token', s.secret)).toEqual({ id: s.id, hash: s.hash });
    expect(parseSecret('session', s.secret)).toBeNull();
    for (const bad of ['', 'dht_', `${s.secret}x`, s.secret.slice(0, -1), s.secret.toUpperCase(), ` ${s.secret}`, `dht_${'g'.repeat(32)}_${'a'.repeat(43)}`]) {
      expect(parseSecret('token', bad), bad).toBeNull();
    }
  });

  it('a tampered verifier keeps the id but not the hash', () => {
    const s = newSecret('session');
    const last = s.secret.at(-1) === 'A' ? 'B' : 'A';
    const tampered = parseSecret('session', s.secret.slice(0, -1) + last)!;
    expect(tampered.id).toBe(s.id);
    expect(sameHash(tampered.hash, s.hash)).toBe(false);
    expect(sameHash(hashSecret(s.secret), s.hash)).toBe(true);
  });

  it('sameHash wants two SHA-256 hashes', () => {
    const h = hashSecret('x');
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(h, h.slice(2))).toBe(false);
    expect(sameHash('', '')).toBe(false);
    expect(sameHash('zz', 'zz')).toBe(false);
  });
});
