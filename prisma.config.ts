/**
 * Prisma CLI configuration. `engine: "js"` makes generate/migrate use the WebAssembly
 * schema engine shipped inside the `prisma` package, so nothing is downloaded from
 * Prisma's binary host (unreachable here).
 *
 * Migrate commands connect through a driver adapter:
 * - DATABASE_URL set   → real PostgreSQL via @prisma/adapter-pg (with the OID-19 fix),
 * - otherwise          → PGlite in PGLITE_DIR (default ./data/pglite). Stop the service
 *                        first: PGlite must not be opened by two processes at once.
 * The service itself applies migrations at boot (src/store/migrate.ts); `npx prisma
 * migrate deploy/status` is for ops and agrees with it (same _prisma_migrations table).
 */
import { defineConfig } from 'prisma/config';
import { createPgPool, DEFAULT_PGLITE_DIR, openPglite, pgAdapterFactory, pgliteAdapterFactory } from './src/platform/db/adapters.js';

// The CLI calls adapter() more than once per command (`migrate deploy` calls it once for
// the datasource banner, never connecting that one, then again for the schema engine).
// Two PGlite instances on one dataDir would be unsafe, so there is one per process.
let pglite: ReturnType<typeof openPglite> | undefined;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (url) return pgAdapterFactory(createPgPool(url, { max: 2, idleTimeoutMillis: 1_000 }), { disposePool: true });
    pglite ??= openPglite(process.env.PGLITE_DIR ?? DEFAULT_PGLITE_DIR);
    return pgliteAdapterFactory(await pglite, { closeOnDispose: true });
  },
});
