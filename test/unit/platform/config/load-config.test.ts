import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/platform/config/load-config.js';
import { officesOf } from '../../../../src/platform/config/offices.js';

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'dh-config-')), 'config.json');
  writeFileSync(path, content);
  return path;
};

describe('configuration', () => {
  it('defaults to the sandbox PBX, embedded PGlite and the Chinese three-ring rule', () => {
    const config = loadConfig();
    expect(config.ami).toMatchObject({ host: '127.0.0.1', port: 5038, username: 'duty' });
    expect(config.database).toEqual({ url: '', dataDir: './data/pglite', spillDir: './data/spill', openRetryInitialMs: 500, openRetryMaxMs: 10_000 });
    expect(config.rings).toEqual({ threshold: 3, onMs: 1000, offMs: 4000, decisionGraceMs: 50, deadlineCheckTimeoutMs: 2000, toneZone: 'cn' });
  });

  it('layers file, then environment, then overrides', () => {
    const path = file(JSON.stringify({ ami: { port: 6000, username: 'ops' }, rings: { threshold: 4 } }));
    const config = loadConfig({ file: path, env: { DUTY_AMI_PORT: '7000', DUTY_DESK_ENDPOINTS: 'desk-a, desk-b' }, overrides: { 'rings.threshold': 5 } });
    expect(config.ami.port).toBe(7000);
    expect(config.ami.username).toBe('ops');
    expect(config.endpoints.desk).toEqual(['desk-a', 'desk-b']);
    expect(config.rings.threshold).toBe(5);
  });

  it('names the field and its source when a value is wrong', () => {
    expect(() => loadConfig({ env: { DUTY_RING_THRESHOLD: '0' } })).toThrow(/rings\.threshold: must be >= 1 \(from environment variable DUTY_RING_THRESHOLD\)/);
    expect(() => loadConfig({ env: { DUTY_AMI_PORT: 'five' } })).toThrow(/ami\.port/);
    const path = file(JSON.stringify({ ami: { pasword: 'x' } }));
    expect(() => loadConfig({ file: path })).toThrow(/ami\.pasword: unknown setting \(from config file .*config\.json\)/);
  });

  it('takes the spill directory from DUTY_SPILL_DIR and checks the database retry bounds', () => {
    expect(loadConfig({ env: { DUTY_SPILL_DIR: '/var/lib/duty-hotline/spill' } }).database.spillDir).toBe('/var/lib/duty-hotline/spill');
    expect(() => loadConfig({ overrides: { 'database.openRetryInitialMs': 5000, 'database.openRetryMaxMs': 1000 } })).toThrow(/database\.openRetryMaxMs: must be ≥ database\.openRetryInitialMs/);
  });

  it('reports an unreadable or non-JSON file clearly', () => {
    expect(() => loadConfig({ file: '/nonexistent/duty.json' })).toThrow(ConfigError);
    expect(() => loadConfig({ file: file('{ nope') })).toThrow(/is not valid JSON/);
  });
});

describe('offices', () => {
  it('a config without offices is one office, "default", of the top-level ami, endpoints and schedule file', () => {
    const config = loadConfig({ overrides: { 'ami.port': 6038, 'endpoints.desk': ['desk-a'] } });
    expect(officesOf(config)).toEqual([
      {
        id: 'default',
        name: '',
        ami: { host: '127.0.0.1', port: 6038, username: 'duty', secret: 'duty-secret', actionTimeoutMs: 10_000, reconnectInitialMs: 250, reconnectMaxMs: 10_000 },
        endpoints: { desk: ['desk-a'], fallback: ['leader'], bureau: ['bureau'] },
        scheduleFile: 'dialplan/schedule.example.yaml',
        cel: null,
      },
    ]);
  });

  it('several offices, each with its own AMI, endpoints and schedule, the rest defaulted', () => {
    const path = file(
      JSON.stringify({
        offices: [
          { id: 'city', name: '市政府总值班室', ami: { host: '10.0.0.1', secret: 's1' } },
          { id: 'district-2', ami: { port: 5039 }, endpoints: { desk: ['d2-desk'] }, schedule: { file: 'etc/d2.yaml' } },
        ],
      }),
    );
    const offices = officesOf(loadConfig({ file: path }));
    expect(offices.map((o) => [o.id, o.name, o.ami.host, o.ami.port, o.ami.secret, o.endpoints.desk, o.scheduleFile])).toEqual([
      ['city', '市政府总值班室', '10.0.0.1', 5038, 's1', ['desk'], 'dialplan/schedule.example.yaml'],
      ['district-2', '', '127.0.0.1', 5039, 'duty-secret', ['d2-desk'], 'etc/d2.yaml'],
    ]);
  });

  it('names a repeated office id, a bad id and an unknown office setting', () => {
    const twice = file(JSON.stringify({ offices: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] }));
    expect(() => loadConfig({ file: twice })).toThrow(/offices\.2\.id: "a" is already the id of offices\.0/);
    const bad = file(JSON.stringify({ offices: [{ id: 'no spaces' }] }));
    expect(() => loadConfig({ file: bad })).toThrow(/offices\.0\.id: must match pattern/);
    const unknown = file(JSON.stringify({ offices: [{ id: 'a', pbx: {} }] }));
    expect(() => loadConfig({ file: unknown })).toThrow(/offices\.0\.pbx: unknown setting/);
  });
});

describe('the PBX event log (cel)', () => {
  it('is a file, a table in the service database, or a table in a database of its own', () => {
    expect(officesOf(loadConfig({ overrides: { 'cel.file': '/var/log/asterisk/cel-custom/duty-cel.jsonl' } }))[0]!.cel).toEqual({ file: '/var/log/asterisk/cel-custom/duty-cel.jsonl' });
    expect(officesOf(loadConfig({ overrides: { 'cel.table': 'cel', 'database.url': 'postgresql://127.0.0.1/duty' } }))[0]!.cel).toEqual({ table: 'cel', databaseUrl: 'postgresql://127.0.0.1/duty' });
    const own = loadConfig({ overrides: { 'cel.table': 'asterisk.cel', 'cel.databaseUrl': 'postgresql://pbx-db/asterisk' } });
    expect(officesOf(own)[0]!.cel).toEqual({ table: 'asterisk.cel', databaseUrl: 'postgresql://pbx-db/asterisk' });
    const offices = file(JSON.stringify({ database: { url: 'postgresql://127.0.0.1/duty' }, offices: [{ id: 'a', cel: { table: 'cel_a' } }, { id: 'b' }] }));
    expect(officesOf(loadConfig({ file: offices })).map((o) => o.cel)).toEqual([{ table: 'cel_a', databaseUrl: 'postgresql://127.0.0.1/duty' }, null]);
  });

  it('names a table with the embedded database, both a file and a table, and a bad table name', () => {
    expect(() => loadConfig({ overrides: { 'cel.table': 'cel' } })).toThrow(/cel\.table: Asterisk's cel_pgsql writes to PostgreSQL, and neither cel\.databaseUrl nor database\.url names one/);
    expect(() => loadConfig({ overrides: { 'cel.table': 'cel', 'cel.file': 'x.jsonl', 'database.url': 'postgresql://127.0.0.1/duty' } })).toThrow(/cel: set file \(cel_custom\) or table \(cel_pgsql\), not both/);
    const both = file(JSON.stringify({ database: { url: 'postgresql://127.0.0.1/duty' }, offices: [{ id: 'a', cel: { table: 'cel', file: 'x' } }] }));
    expect(() => loadConfig({ file: both })).toThrow(/offices\.0\.cel: set file/);
    expect(() => loadConfig({ overrides: { 'cel.table': 'cel; drop table x', 'database.url': 'postgresql://127.0.0.1/duty' } })).toThrow(/cel\.table: must match pattern/);
    expect(() => loadConfig({ env: { DUTY_CEL_TABLE: 'cel' } })).toThrow(/cel\.table/);
  });
});
