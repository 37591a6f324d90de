/**
 * The user commands on the database the config names (their default stores: PostgreSQL by
 * database.url, PGlite in database.dataDir), migrated on first use: a fresh install's first
 * supervisor, created by the CLI, signs in through the API.
 */
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { prismaAccessStores } from '../../../src/access/prisma-access-store.js';
import { PasswordHasher } from '../../../src/access/password-hash.js';
import { registerUserCommands } from '../../../src/cli/user-commands.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { openDatabase } from '../../../src/platform/db/database.js';
import { buildAccessApi, signIn } from '../../support/access-api.js';
import { createPgTestDatabase, createTempDir, DB_KINDS, testLogger } from '../../support/db.js';

const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 });
const PASSWORD = 'first supervisor of the install';

describe.each(DB_KINDS)('user commands on %s', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('create-first-supervisor on a fresh database; the supervisor signs in; a second is refused', async () => {
    let overrides: Record<string, unknown>;
    if (kind === 'postgres') {
      const pg = await createPgTestDatabase();
      cleanups.push(() => pg.drop());
      overrides = { 'database.url': pg.url };
    } else {
      const dir = await createTempDir();
      cleanups.push(() => dir.rm());
      overrides = { 'database.dataDir': dir.path };
    }
    const out: string[] = [];
    const run = (args: string[]) => {
      const program = new Command().exitOverride();
      registerUserCommands(program, {
        config: () => loadConfig({ overrides }),
        io: { out: (t) => out.push(t), err: () => undefined },
        stdin: { isTTY: false, readAll: async () => `${PASSWORD}\n`, prompt: async () => '' },
        hasher,
      });
      return program.parseAsync(['node', 'duty-hotline', ...args]);
    };

    await run(['users', 'create-first-supervisor', '--name', 'zhu.ren', '--password-stdin']);
    expect(out).toEqual([expect.stringMatching(/^created supervisor zhu\.ren \(zhu\.ren\) of office default: /)]);
    await expect(run(['users', 'create-first-supervisor', '--name', 'another'])).rejects.toThrow(/has 1 user\(s\) already/);
    await run(['users', 'add', '--name', 'sun', '--role', 'duty-officer']);

    const db = await openDatabase({ ...(kind === 'postgres' ? { url: overrides['database.url'] as string } : { dataDir: overrides['database.dataDir'] as string }), logger: testLogger });
    cleanups.push(() => db.close());
    const { app } = await buildAccessApi({ stores: prismaAccessStores(db.prisma), hasher });
    cleanups.push(() => app.close());
    const { res } = await signIn(app, 'zhu.ren', PASSWORD);
    expect(res.json()).toMatchObject({ user: { name: 'zhu.ren', role: 'supervisor' } });
    expect((await prismaAccessStores(db.prisma).users.list()).map((u) => u.name)).toEqual(['sun', 'zhu.ren']);
  });
});
