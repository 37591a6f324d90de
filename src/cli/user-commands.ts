/**
 * The user commands of the CLI, registered on the program with one call:
 *
 *   duty-hotline users create-first-supervisor --name N [--office O] [--display-name D]
 *                                   the first user of a fresh install (refused once any user exists)
 *   duty-hotline users add --name N --role R [--office O] [--display-name D] [--officer ID]
 *   duty-hotline users list
 *   duty-hotline users disable --name N / users enable --name N
 *
 * The password is never an argument (it would show in `ps` and the shell history): it is read
 * from standard input — piped, or with --password-stdin everything up to EOF (one final newline
 * dropped), or typed at a terminal without echo, twice. A weak or empty password is refused with
 * the reason. The commands open the database the config names (as `serve` does).
 */
import type { Command } from 'commander';
import { labelProblem, normalizeLabel, normalizeUserName, passwordProblem, userNameProblem } from '../core/access/credential-rules.js';
import { isRole, permissionsOf, ROLES, type Role } from '../core/access/roles.js';
import { DEFAULT_OFFICE_ID } from '../core/office.js';
import type { Config } from '../platform/config/config-schema.js';
import { officesOf } from '../platform/config/offices.js';
import { openDatabase } from '../platform/db/database.js';
import { createLogger } from '../platform/logger.js';
import { UserNameTakenError, type AccessStores, type NewUser, type UserRecord } from '../access/access-store.js';
import { PasswordHasher } from '../access/password-hash.js';
import { prismaAccessStores } from '../access/prisma-access-store.js';
import { CliError, processIo, type CliIo } from './cli-support.js';

/** Standard input as the commands read it. */
export interface PasswordInput {
  /** Whether stdin is a terminal (then the password is typed, twice, without echo). */
  isTTY: boolean;
  /** Everything up to EOF. */
  readAll(): Promise<string>;
  /** One line typed at the terminal, not echoed. */
  prompt(question: string): Promise<string>;
}

export interface OpenedStores {
  stores: AccessStores;
  close(): Promise<void>;
}

export interface UserCommandDeps {
  /** Parsed lazily, when a command runs (so `--help` works with a broken config). */
  config: () => Config;
  io?: CliIo;
  stdin?: PasswordInput;
  /** The database's access stores (default: the database the config names, migrated). */
  openStores?: (config: Config) => Promise<OpenedStores>;
  hasher?: PasswordHasher;
}

interface NewUserOptions {
  name: string;
  office?: string;
  displayName?: string;
  passwordStdin?: boolean;
}

export function registerUserCommands(program: Command, deps: UserCommandDeps): void {
  const io = deps.io ?? processIo;
  const stdin = deps.stdin ?? processStdin;
  const hasher = deps.hasher ?? new PasswordHasher();
  const open = deps.openStores ?? openConfiguredStores;

  const withStores = async <T>(fn: (stores: AccessStores, config: Config) => Promise<T>): Promise<T> => {
    const config = deps.config();
    const opened = await open(config);
    try {
      return await fn(opened.stores, config);
    } finally {
      await opened.close();
    }
  };

  /** The user to create from the options (everything checked before the password is asked for). */
  const newUser = async (opts: NewUserOptions & { officer?: string }, role: Role, config: Config): Promise<NewUser> => {
    const nameProblem = userNameProblem(opts.name);
    if (nameProblem) throw new CliError(`--name "${opts.name}" ${nameProblem}`);
    const name = normalizeUserName(opts.name);
    const displayName = normalizeLabel(opts.displayName ?? opts.name);
    const displayProblem = labelProblem(displayName);
    if (displayProblem) throw new CliError(`--display-name ${displayProblem}`);
    const officeId = opts.office ?? DEFAULT_OFFICE_ID;
    const offices = officesOf(config).map((o) => o.id);
    if (!offices.includes(officeId)) throw new CliError(`--office "${officeId}" is no office of the config (offices: ${offices.join(', ')})`);
    let officerId: string | null = null;
    if (opts.officer !== undefined) {
      const problem = labelProblem(opts.officer);
      if (problem) throw new CliError(`--officer ${problem}`);
      officerId = normalizeLabel(opts.officer);
    }
    const password = await readPassword(stdin, opts.passwordStdin === true, io);
    const problem = passwordProblem(password, { userName: name });
    if (problem) throw new CliError(`refusing the password: ${problem}`);
    return { name, displayName, role, officeId, officerId, passwordHash: await hasher.hash(password) };
  };

  const users = program.command('users').description('the users of the API: who signs in, with which role, for which office');

  users
    .command('create-first-supervisor')
    .description('create the first user, a supervisor, on a fresh install (refused once any user exists); the password comes from standard input')
    .requiredOption('--name <name>', 'the sign-in name (letters, digits, ".", "_", "-")')
    .option('--office <id>', `the supervisor's office (default: ${DEFAULT_OFFICE_ID})`)
    .option('--display-name <text>', 'the name shown to people (default: the sign-in name)')
    .option('--password-stdin', 'read the password from standard input up to EOF (for scripts)')
    .action(async (opts: NewUserOptions) =>
      withStores(async (stores, config) => {
        const existing = await stores.users.count();
        if (existing > 0) throw new CliError(`refusing: this install has ${existing} user(s) already; a supervisor adds users (duty-hotline users add)`);
        const created = await stores.users.createFirst(await newUser(opts, 'supervisor', config));
        if (!created) throw new CliError('refusing: another user was created meanwhile; a supervisor adds users (duty-hotline users add)');
        io.out(describeCreated(created));
      }),
    );

  users
    .command('add')
    .description('add a user; the password comes from standard input')
    .requiredOption('--name <name>', 'the sign-in name (letters, digits, ".", "_", "-"), unique across the install')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--office <id>', `the user's office (default: ${DEFAULT_OFFICE_ID})`)
    .option('--display-name <text>', 'the name shown to people (default: the sign-in name)')
    .option('--officer <id>', "the roster's officer this user is (a duty officer reads the calls and records of their shifts)")
    .option('--password-stdin', 'read the password from standard input up to EOF (for scripts)')
    .action(async (opts: NewUserOptions & { role: string; officer?: string }) => {
      if (!isRole(opts.role)) throw new CliError(`--role "${opts.role}" is no role (one of ${ROLES.join(', ')})`);
      const role = opts.role;
      await withStores(async (stores, config) => {
        const user = await newUser(opts, role, config);
        const created = await stores.users.create(user).catch((err: unknown) => {
          throw err instanceof UserNameTakenError ? new CliError(`a user named "${user.name}" exists already (names are unique across the install)`) : err;
        });
        io.out(describeCreated(created));
      });
    });

  users
    .command('list')
    .description('every user: name, role, office, whether active')
    .action(async () =>
      withStores(async (stores) => {
        const all = await stores.users.list();
        if (all.length === 0) io.out('no users yet: duty-hotline users create-first-supervisor --name NAME');
        for (const u of all) io.out(`${u.name}\t${u.role}\t${u.officeId}\t${u.active ? 'active' : 'disabled'}\t${u.displayName}${u.officerId ? `\tofficer ${u.officerId}` : ''}`);
      }),
    );

  for (const [command, active] of [['disable', false], ['enable', true]] as const) {
    users
      .command(command)
      .description(active ? 'let a disabled user sign in again' : 'stop a user signing in: their sessions end and their API tokens stop working')
      .requiredOption('--name <name>', 'the sign-in name')
      .action(async (opts: { name: string }) =>
        withStores(async (stores) => {
          const user = await stores.users.findByName(normalizeUserName(opts.name));
          if (!user) throw new CliError(`no user named "${opts.name}"`);
          await stores.users.setActive(user.id, active);
          const ended = active ? 0 : await stores.sessions.deleteForUser(user.id);
          io.out(active ? `enabled ${user.name}` : `disabled ${user.name} (${ended} session(s) ended; API tokens refused while disabled)`);
        }),
      );
  }
}

function describeCreated(user: UserRecord): string {
  return `created ${user.role} ${user.name} (${user.displayName}) of office ${user.officeId}${user.officerId ? `, officer ${user.officerId}` : ''}: ${permissionsOf(user.role).join(', ')}`;
}

async function readPassword(stdin: PasswordInput, fromStdin: boolean, io: CliIo): Promise<string> {
  if (fromStdin || !stdin.isTTY) return (await stdin.readAll()).replace(/\r?\n$/, '');
  const first = await stdin.prompt('password: ');
  const again = await stdin.prompt('password again: ');
  if (first !== again) throw new CliError('the two passwords differ');
  io.err('(password read)');
  return first;
}

async function openConfiguredStores(config: Config): Promise<OpenedStores> {
  const db = await openDatabase({ url: config.database.url || undefined, dataDir: config.database.dataDir, logger: createLogger('warn') });
  return { stores: prismaAccessStores(db.prisma), close: () => db.close() };
}

/** process.stdin: all of it, or a line typed without echo. */
export const processStdin: PasswordInput = {
  get isTTY() {
    return process.stdin.isTTY === true;
  },
  async readAll() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
  prompt(question) {
    return new Promise((resolve, reject) => {
      const input = process.stdin;
      process.stderr.write(question);
      input.setRawMode(true);
      input.resume();
      input.setEncoding('utf8');
      let typed = '';
      const done = (err?: Error) => {
        input.setRawMode(false);
        input.pause();
        input.off('data', onData);
        process.stderr.write('\n');
        if (err) reject(err);
        else resolve(typed);
      };
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
          if (ch === '\u0003') return done(new CliError('interrupted'));
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
          else typed += ch;
        }
      };
      input.on('data', onData);
    });
  },
};
