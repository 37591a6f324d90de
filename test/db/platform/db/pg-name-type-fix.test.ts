/**
 * prisma/orm#27403: @prisma/adapter-pg 6.x cannot read columns of PostgreSQL's `name` type
 * (OID 19). src/platform/db/pg-name-type-fix.ts rewrites them to text. The first test documents
 * the upstream bug: when it starts failing, the adapter got fixed and the workaround can go.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../../../src/generated/prisma/client.js';
import { createPgPool } from '../../../../src/platform/db/adapters.js';
import { PG_ADMIN_URL } from '../../../support/db.js';

const NAME_QUERY = `SELECT current_database() AS db, ARRAY[current_user]::name[] AS users`;

describe('name type (OID 19) through @prisma/adapter-pg', () => {
  const pools: pg.Pool[] = [];
  const clients: PrismaClient[] = [];
  afterAll(async () => {
    for (const c of clients) await c.$disconnect();
    for (const p of pools) await p.end();
  });
  const clientOver = (pool: pg.Pool) => {
    pools.push(pool);
    const client = new PrismaClient({ adapter: new PrismaPg(pool) });
    clients.push(client);
    return client;
  };

  let expectedDb: string;
  beforeAll(() => {
    expectedDb = new URL(PG_ADMIN_URL).pathname.slice(1);
  });

  it('fails with a plain pg pool (the upstream bug)', async () => {
    const prisma = clientOver(new pg.Pool({ connectionString: PG_ADMIN_URL }));
    await expect(prisma.$queryRawUnsafe(NAME_QUERY)).rejects.toThrow(/name/);
  });

  it('works with createPgPool, promise and callback styles alike', async () => {
    const pool = createPgPool(PG_ADMIN_URL);
    const prisma = clientOver(pool);
    expect(await prisma.$queryRawUnsafe(NAME_QUERY)).toEqual([{ db: expectedDb, users: ['postgres'] }]);

    const viaCallback = await new Promise<pg.QueryResult>((resolve, reject) =>
      pool.query('SELECT current_database() AS db', (err: Error | undefined, res: pg.QueryResult) => (err ? reject(err) : resolve(res))),
    );
    expect(viaCallback.fields[0]?.dataTypeID).toBe(25);
    expect(viaCallback.rows).toEqual([{ db: expectedDb }]);
  });
});
