import pg from 'pg';

/**
 * Workaround for prisma/orm#27403 (https://github.com/prisma/prisma/issues/27403):
 * `@prisma/adapter-pg` 6.x has no column-type mapping for PostgreSQL's `name` type
 * (OID 19) nor `name[]` (OID 1003), so any result with such a column fails with
 * "Column type 'name' could not be deserialized" / UnsupportedNativeDataType.
 * The JS schema engine (`prisma migrate deploy/status` with `engine: "js"`) reads
 * catalog columns of type `name`, so migrate fails outright against a real server.
 *
 * `name` values travel in the text protocol exactly like `text`, so we rewrite the
 * OIDs in each RowDescription message before pg picks parsers and before the adapter
 * reads `fields[].dataTypeID`. Doing it at the protocol message covers every query
 * style (promise, callback as used by pg.Pool#query, submittables).
 *
 * This is the only place the fix lives: use {@link NameAsTextClient} as the pool's
 * `Client` (see createPgPool in ./adapters.ts). Remove it once the adapter maps OID 19.
 */
export const PG_NAME_OID = 19;
export const PG_NAME_ARRAY_OID = 1003;
export const PG_TEXT_OID = 25;
export const PG_TEXT_ARRAY_OID = 1009;

interface RowDescriptionMessage {
  fields: { dataTypeID: number }[];
}
type RowDescriptionHandler = (this: pg.Client, msg: RowDescriptionMessage) => void;

const baseHandler = (pg.Client.prototype as unknown as { _handleRowDescription?: RowDescriptionHandler })
  ._handleRowDescription;
if (typeof baseHandler !== 'function') {
  // Fail loudly at import time rather than with an obscure Prisma error later.
  throw new Error('pg-name-type-fix: pg.Client#_handleRowDescription not found; pg internals changed, revisit prisma/orm#27403 workaround');
}

/** Rewrites `name`/`name[]` column OIDs to `text`/`text[]` in place. Exported for tests. */
export function rewriteNameTypeOids(fields: { dataTypeID: number }[]): void {
  for (const field of fields) {
    if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    else if (field.dataTypeID === PG_NAME_ARRAY_OID) field.dataTypeID = PG_TEXT_ARRAY_OID;
  }
}

/** A pg.Client whose results report `name` columns as `text` (see above). */
export class NameAsTextClient extends pg.Client {
  /** Called by pg for every RowDescription message (bound at connect time). */
  _handleRowDescription(msg: RowDescriptionMessage): void {
    rewriteNameTypeOids(msg.fields);
    (baseHandler as RowDescriptionHandler).call(this, msg);
  }
}
