/**
 * A unique key refused the row: Prisma's P2002 (as the pg adapter reports it), or PostgreSQL's
 * SQLSTATE 23505 in the cause (as the PGlite adapter passes it on, unmapped).
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { kind?: unknown; code?: unknown } } | null;
  return e?.code === 'P2002' || e?.cause?.kind === 'UniqueConstraintViolation' || e?.cause?.code === '23505';
}
