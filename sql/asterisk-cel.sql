-- The table Asterisk's cel_pgsql writes the channel event log (CEL) into, and duty-hotline reads
-- (cel.table in its config) to rebuild the calls it did not see: src/pbx/asterisk/cel-table-log.ts.
-- cel_pgsql reads the column list once, when the module loads: create the table before Asterisk
-- starts (or run "module reload cel_pgsql.so" after). It fills the columns it knows by name and
-- leaves the others (id) to their defaults. eventtime is a float8 so that cel_pgsql writes it as
-- seconds since the epoch to the microsecond, whatever the PBX's time zone.
CREATE TABLE IF NOT EXISTS cel (
  id          bigserial PRIMARY KEY,
  eventtype   text NOT NULL,
  eventtime   double precision NOT NULL,
  userdeftype text,
  cid_name    text,
  cid_num     text,
  exten       text,
  context     text,
  channame    text,
  appname     text,
  uniqueid    text NOT NULL,
  linkedid    text NOT NULL,
  extra       text
);
-- The reader looks for the calls that ended after its high-water mark, then for all rows of each.
CREATE INDEX IF NOT EXISTS cel_call_ends ON cel (id) WHERE eventtype = 'LINKEDID_END';
CREATE INDEX IF NOT EXISTS cel_linkedid ON cel (linkedid);
