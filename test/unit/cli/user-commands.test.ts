/**
 * The user commands in-process (registerUserCommands on a fresh program) on the memory stores,
 * with standard input and output injected. The same commands on a real database:
 * test/db/access/user-commands.test.ts.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { AccessStores } from '../../../src/access/access-store.js';
import { memoryAccessStores } from '../../../src/access/memory-access-store.js';
import { PasswordHasher } from '../../../src/access/password-hash.js';
import { CliError } from '../../../src/cli/cli-support.js';
import { registerUserCommands, type PasswordInput } from '../../../src/cli/user-commands.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';

const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 });
const GOOD = 'correct horse battery staple';

/** Standard input: piped text, or lines typed at a terminal. */
const piped = (text: string): PasswordInput => ({ isTTY: false, readAll: async () => text, prompt: async () => Promise.reject(new Error('no terminal')) });
const typed = (...lines: string[]): PasswordInput & { prompts: string[] } => {
  const prompts: string[] = [];
  return { isTTY: true, prompts, readAll: async () => lines.join('\n'), prompt: async (q) => (prompts.push(q), lines.shift() ?? '') };
};

async function cli(args: string[], { stores = memoryAccessStores(), stdin = piped(`${GOOD}\n`), offices = [] as string[] } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let closed = 0;
  const program = new Command().exitOverride();
  registerUserCommands(program, {
    config: () => loadConfig({ overrides: offices.length ? { offices: offices.map((id) => ({ id })) } : {} }),
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    stdin,
    hasher,
    openStores: async () => ({ stores, close: async () => void closed++ }),
  });
  await program.parseAsync(['node', 'duty-hotline', ...args]);
  return { out: out.join('\n'), err: err.join('\n'), stores, closed };
}

describe('users create-first-supervisor', () => {
  it('creates the first user, a supervisor, with the password from stdin (hashed), and closes the database', async () => {
    const { out, stores, closed } = await cli(['users', 'create-first-supervisor', '--name', 'Wang.Wu', '--display-name', '王五', '--password-stdin']);
    expect(out).toBe('created supervisor wang.wu (王五) of office default: calls:read, records:read, duty-log:write, records:review, health:read, roster:read, roster:manage, swaps:request, roster:approve, schedule:read, reports:read, users:manage, session:own, tokens:own');
    const [user] = await stores.users.list();
    expect(user).toMatchObject({ name: 'wang.wu', displayName: '王五', role: 'supervisor', officeId: 'default', active: true });
    expect(user!.passwordHash).toMatch(/^\$scrypt\$/);
    expect(user!.passwordHash).not.toContain(GOOD);
    expect(await hasher.verify(user!.passwordHash, GOOD)).toBe(true);
    expect(closed).toBe(1);
  });

  it('only on a fresh install: refused once any user exists', async () => {
    const { stores } = await cli(['users', 'create-first-supervisor', '--name', 'first']);
    const again = cli(['users', 'create-first-supervisor', '--name', 'second'], { stores });
    await expect(again).rejects.toBeInstanceOf(CliError);
    await expect(again).rejects.toThrow('refusing: this install has 1 user(s) already; a supervisor adds users (duty-hotline users add)');
    expect((await stores.users.list()).map((u) => u.name)).toEqual(['first']);
  });

  it('for a named office of the config; an unknown office is refused before the password is asked for', async () => {
    const { stores } = await cli(['users', 'create-first-supervisor', '--name', 'zhang', '--office', 'county'], { offices: ['city', 'county'] });
    expect((await stores.users.list())[0]!.officeId).toBe('county');
    const stdin = typed(GOOD, GOOD);
    await expect(cli(['users', 'create-first-supervisor', '--name', 'zhang', '--office', 'town'], { offices: ['city', 'county'], stdin })).rejects.toThrow(
      '--office "town" is no office of the config (offices: city, county)',
    );
    expect(stdin.prompts).toEqual([]);
    await expect(cli(['users', 'create-first-supervisor', '--name', 'zhang', '--office', 'city'])).rejects.toThrow('(offices: default)');
  });
});

describe('users add', () => {
  const withSupervisor = async () => (await cli(['users', 'create-first-supervisor', '--name', 'boss'])).stores;

  it('adds a user of any role, with an officer link', async () => {
    const stores = await withSupervisor();
    const { out } = await cli(['users', 'add', '--name', 'sun.officer', '--role', 'duty-officer', '--officer', 'officer-17'], { stores });
    expect(out).toBe('created duty-officer sun.officer (sun.officer) of office default, officer officer-17: calls:read, records:read, duty-log:write, records:object, roster:read, swaps:request, session:own, tokens:own');
    await cli(['users', 'add', '--name', 'ops.li', '--role', 'ops'], { stores });
    await cli(['users', 'add', '--name', 'audit.zhao', '--role', 'auditor'], { stores });
    expect((await stores.users.list()).map((u) => `${u.name}:${u.role}:${u.officerId}`)).toEqual(['audit.zhao:auditor:null', 'boss:supervisor:null', 'ops.li:ops:null', 'sun.officer:duty-officer:officer-17']);
  });

  it('reads the password typed twice at a terminal, without echo', async () => {
    const stdin = typed(GOOD, GOOD);
    const { stores, err } = await cli(['users', 'add', '--name', 'typed', '--role', 'ops'], { stdin });
    expect(stdin.prompts).toEqual(['password: ', 'password again: ']);
    expect(err).toBe('(password read)');
    expect(await hasher.verify((await stores.users.findByName('typed'))!.passwordHash, GOOD)).toBe(true);
    await expect(cli(['users', 'add', '--name', 'typo', '--role', 'ops'], { stdin: typed(GOOD, `${GOOD}!`) })).rejects.toThrow('the two passwords differ');
  });

  it('takes everything piped up to EOF as the password, dropping one final newline only', async () => {
    const { stores } = await cli(['users', 'add', '--name', 'piped', '--role', 'ops'], { stdin: piped(`  ${GOOD}  \r\n`) });
    const hash = (await stores.users.findByName('piped'))!.passwordHash;
    expect(await hasher.verify(hash, `  ${GOOD}  `)).toBe(true);
    expect(await hasher.verify(hash, GOOD)).toBe(false);
  });

  it.each<[string, string, RegExp]>([
    ['an empty password', '', /refusing the password: the password is empty/],
    ['only a newline', '\n', /refusing the password: the password is empty/],
    ['a short one', 'abc123\n', /refusing the password: the password is too short: 6 characters, at least 12 needed/],
    ['a common one', 'password1234\n', /refusing the password: the password is a commonly used one/],
    ['one repeated character', 'zzzzzzzzzzzzzzzz', /too few different characters/],
    ['the user name in it', 'my-name-is-weak.user-ok', /contains the user name/],
    ['a NUL', `${GOOD}\u0000`, /contains a control character/],
    ['a lone surrogate', `${GOOD}\uD800`, /contains a lone surrogate/],
    ['two lines', `${GOOD}\nsecond line\n`, /contains a control character/],
  ])('refuses %s with the reason, and creates nobody', async (_what, password, message) => {
    const stores = memoryAccessStores();
    const attempt = cli(['users', 'add', '--name', 'weak.user', '--role', 'ops', '--password-stdin'], { stores, stdin: piped(password) });
    await expect(attempt).rejects.toBeInstanceOf(CliError);
    await expect(attempt).rejects.toThrow(message);
    expect(await stores.users.count()).toBe(0);
  });

  it.each<[string[], RegExp]>([
    [['--name', 'x', '--role', 'admin'], /--role "admin" is no role \(one of duty-officer, supervisor, ops, auditor\)/],
    [['--name', 'bad name', '--role', 'ops'], /--name "bad name" must start with a letter or digit/],
    [['--name', '', '--role', 'ops'], /--name "" is empty/],
    [['--name', 'x\u202Ey', '--role', 'ops'], /--name ".*" contains a bidirectional control character/],
    [['--name', 'ok', '--role', 'ops', '--display-name', 'a\u0000b'], /--display-name contains a control character/],
    [['--name', 'ok', '--role', 'ops', '--officer', '\u200F'], /--officer contains a bidirectional control character/],
  ])('refuses bad options %j before asking for a password', async (args, message) => {
    const stdin = typed(GOOD, GOOD);
    await expect(cli(['users', 'add', ...args], { stdin })).rejects.toThrow(message);
    expect(stdin.prompts).toEqual([]);
  });

  it('a name is unique across the install, whatever its case', async () => {
    const stores = await withSupervisor();
    await cli(['users', 'add', '--name', 'li.si', '--role', 'ops'], { stores });
    await expect(cli(['users', 'add', '--name', 'LI.SI', '--role', 'auditor'], { stores })).rejects.toThrow('a user named "li.si" exists already (names are unique across the install)');
  });

  it('requires --name and --role (commander names them)', async () => {
    await expect(cli(['users', 'add', '--name', 'x'])).rejects.toThrow(/required option '--role <role>' not specified/);
    await expect(cli(['users', 'add', '--role', 'ops'])).rejects.toThrow(/required option '--name <name>' not specified/);
  });
});

describe('users list, disable, enable', () => {
  it('lists users; disabling ends their sessions, enabling lets them in again', async () => {
    const stores: AccessStores = memoryAccessStores();
    expect((await cli(['users', 'list'], { stores })).out).toBe('no users yet: duty-hotline users create-first-supervisor --name NAME');
    await cli(['users', 'create-first-supervisor', '--name', 'boss', '--display-name', '值班主任'], { stores });
    await cli(['users', 'add', '--name', 'sun', '--role', 'duty-officer', '--officer', 'o-1'], { stores });
    const sun = (await stores.users.findByName('sun'))!;
    await stores.sessions.create({ id: '5f0c8b4e-8a44-4c4b-9d8e-0a7b9a1c2d3e', userId: sun.id, secretHash: 'a'.repeat(64), createdAt: new Date('2026-11-23T00:00:00Z'), address: null, userAgent: null });

    expect((await cli(['users', 'list'], { stores })).out).toBe('boss\tsupervisor\tdefault\tactive\t值班主任\nsun\tduty-officer\tdefault\tactive\tsun\tofficer o-1');
    expect((await cli(['users', 'disable', '--name', 'SUN'], { stores })).out).toBe('disabled sun (1 session(s) ended; API tokens refused while disabled)');
    expect((await stores.users.get(sun.id))!.active).toBe(false);
    expect((await cli(['users', 'list'], { stores })).out).toContain('sun\tduty-officer\tdefault\tdisabled');
    expect((await cli(['users', 'enable', '--name', 'sun'], { stores })).out).toBe('enabled sun');
    expect((await stores.users.get(sun.id))!.active).toBe(true);
    await expect(cli(['users', 'disable', '--name', 'nobody'], { stores })).rejects.toThrow('no user named "nobody"');
  });
});
