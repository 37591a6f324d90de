import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prismaAccessStores } from '../../../src/access/prisma-access-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { accessStoreContract, newUser, truncateAccess } from '../../support/access-store-contract.js';

describe.each(DB_KINDS)('Prisma access stores on %s', (kind) => {
  const t = useTestDatabase(kind);
  const fixture = () => prismaAccessStores(t.db.prisma);

  accessStoreContract(fixture, () => truncateAccess(t.db));

  it('stores only hashes: no column holds a secret or a password', async () => {
    const { users, sessions } = fixture();
    const user = await users.create(newUser('qian.shi'));
    await sessions.create({ id: randomUUID(), userId: user.id, secretHash: 'a'.repeat(64), createdAt: new Date('2026-11-23T00:00:00Z'), address: null, userAgent: null });
    const columns = await t.db.prisma.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN ('users', 'sessions', 'api_tokens') AND column_name ~ '(secret|password|token)' ORDER BY table_name, column_name`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(['api_tokens.secret_hash', 'sessions.secret_hash', 'users.password_hash']);
  });

  it('removing a user removes their sessions and tokens (ON DELETE CASCADE)', async () => {
    const { users, sessions, tokens } = fixture();
    const user = await users.create(newUser('zheng.shiyi'));
    const sessionId = randomUUID();
    const tokenId = randomUUID();
    await sessions.create({ id: sessionId, userId: user.id, secretHash: 'a'.repeat(64), createdAt: new Date('2026-11-23T00:00:00Z'), address: null, userAgent: null });
    await tokens.create({ id: tokenId, userId: user.id, name: 'x', secretHash: 'b'.repeat(64), createdAt: new Date('2026-11-23T00:00:00Z') });
    await t.db.prisma.$executeRawUnsafe(`DELETE FROM "users" WHERE "id" = '${user.id}'`);
    expect(await sessions.find(sessionId)).toBeNull();
    expect(await tokens.find(tokenId)).toBeNull();
  });
});
