/** scrypt password hashes: PHC strings, verify, rehash when the parameters change. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, PasswordHasher } from '../../../src/access/password-hash.js';

const cheap = new PasswordHasher({ logN: 10, r: 8, p: 1 });

describe('PasswordHasher', () => {
  it('hashes into a PHC string with a fresh salt each time, and verifies', async () => {
    const a = await cheap.hash('correct horse battery staple');
    const b = await cheap.hash('correct horse battery staple');
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('horse');
    expect(await cheap.verify(a, 'correct horse battery staple')).toBe(true);
    expect(await cheap.verify(b, 'correct horse battery staple')).toBe(true);
    expect(await cheap.verify(a, 'correct horse battery stapl')).toBe(false);
    expect(await cheap.verify(a, '')).toBe(false);
  });

  it('the defaults are memory-hard (OWASP: N=2^16, r=8, p=2 — 64 MiB) and verify', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ logN: 16, r: 8, p: 2 });
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('值班电话三声必接！2026');
    expect(hash).toMatch(/^\$scrypt\$ln=16,r=8,p=2\$/);
    expect(await hasher.verify(hash, '值班电话三声必接！2026')).toBe(true);
    expect(await hasher.verify(hash, '值班电话三声必接!2026')).toBe(true); // NFKC: the full-width ！ is !
    expect(await hasher.verify(hash, '值班电话三声必接?2026')).toBe(false);
  });

  it('a hash made with other parameters still verifies, and needs a rehash', async () => {
    const old = await cheap.hash('correct horse battery staple');
    const current = new PasswordHasher({ logN: 11, r: 8, p: 1 });
    expect(await current.verify(old, 'correct horse battery staple')).toBe(true);
    expect(current.needsRehash(old)).toBe(true);
    const renewed = await current.hash('correct horse battery staple');
    expect(current.needsRehash(renewed)).toBe(false);
    expect(cheap.needsRehash(old)).toBe(false);
  });

  it.each(['', 'plain text', '$2b$10$abcdefghijklmnopqrstuv', '$scrypt$ln=99,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA', '$scrypt$ln=10,r=8,p=1$$'])(
    'a stored value it cannot read (%j) verifies nothing and needs a rehash',
    async (stored) => {
      expect(await cheap.verify(stored, 'anything')).toBe(false);
      expect(cheap.needsRehash(stored)).toBe(true);
    },
  );

  it('verifyNobody spends a verification and says no', async () => {
    expect(await cheap.verifyNobody('whatever')).toBe(false);
    expect(await cheap.verifyNobody('whatever')).toBe(false);
  });
});
