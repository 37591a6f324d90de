/**
 * A supervisor's users: those of their office, added with a role and a first password, made
 * inactive (their sessions end, their tokens stop working) or active again. The first supervisor
 * of an install comes from the CLI (duty-hotline users create-first-supervisor).
 *
 *   GET   /users       users:manage   the office's users
 *   POST  /users       users:manage   {name, role, password, displayName?, officerId?} → 201
 *   PATCH /users/:id   users:manage   {active}
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { labelProblem, normalizeLabel, normalizeUserName, passwordProblem, userNameProblem } from '../core/access/credential-rules.js';
import { ROLES } from '../core/access/roles.js';
import type { OfficeId } from '../core/office.js';
import { ApiError, badRequest } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { DateTime, ErrorAnswers, Nullable } from '../platform/http/schemas.js';
import { strictBody } from '../platform/http/strict-body.js';
import type { Access } from './access.js';
import { principalOf, readerOf, routeOf } from './access-control.js';
import { UserView } from './access-plugin.js';
import { UserNameTakenError, type UserRecord } from './access-store.js';

export interface UserRouteDeps {
  access: Access;
  /** Whether the office has that roster officer (a duty officer's user names one). */
  officerExists: (officeId: OfficeId, officerId: string) => Promise<boolean>;
}

const ManagedUser = Type.Object({ ...UserView.properties, active: Type.Boolean(), createdAt: DateTime });

const NewUserBody = Type.Object(
  {
    name: Type.String({ maxLength: 200, description: 'the sign-in name: letters, digits, ".", "_", "-"; unique across the install' }),
    role: Type.Enum([...ROLES]),
    password: Type.String({ maxLength: 1024, description: 'the first password: 12 to 256 characters, not a common one' }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    officerId: Type.Optional(Nullable(Type.String({ maxLength: 100, description: "the roster's officer this user is (a duty officer reads their shifts' calls and records)" }))),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });
const errors = ErrorAnswers;

const userJson = (u: UserRecord) => withIsoDates({ id: u.id, name: u.name, displayName: u.displayName, role: u.role, officeId: u.officeId, officerId: u.officerId, active: u.active, createdAt: u.createdAt });

const check = (field: string, problem: string | null) => {
  if (problem) throw badRequest(`${field} ${problem}`);
};

export const userRoutes: FastifyPluginAsyncTypebox<UserRouteDeps> = async (app, { access, officerExists }) => {
  const { users, sessions } = access.stores;

  app.get('/users', { config: { permission: 'users:manage' }, schema: { summary: "The users of your office, by name", response: { 200: Type.Object({ items: Type.Array(ManagedUser) }), ...errors } } }, async (request) => {
    const { officeId } = principalOf(request).user;
    return { items: (await users.list()).filter((u) => u.officeId === officeId).map(userJson) };
  });

  app.post(
    '/users',
    { config: { permission: 'users:manage' }, bodyLimit: 16 * 1024, preValidation: strictBody(NewUserBody), schema: { summary: 'Add a user to your office, with a role and a first password', body: NewUserBody, response: { 201: ManagedUser, ...errors } } },
    async (request, reply) => {
      const { name, role, password, displayName, officerId } = request.body;
      check('body/name', userNameProblem(name));
      const normalName = normalizeUserName(name);
      const shown = normalizeLabel(displayName ?? name);
      check('body/displayName', labelProblem(shown));
      check('body/password', passwordProblem(password, { userName: normalName }));
      const { officeId } = principalOf(request).user;
      if (officerId != null && !(await officerExists(officeId, officerId))) throw new ApiError('UNKNOWN', `office ${officeId} has no officer ${officerId}`);
      const created = await users
        .create({ name: normalName, displayName: shown, role, officeId, officerId: officerId ?? null, passwordHash: await access.service.hasher.hash(password) })
        .catch((err: unknown) => {
          throw err instanceof UserNameTakenError ? new ApiError('CONFLICT', `a user named "${normalName}" exists already (names are unique across the install)`) : err;
        });
      await access.audit.record(readerOf(request), { action: 'users.create', route: routeOf(request), ids: [created.id] });
      return reply.code(201).send(userJson(created));
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { permission: 'users:manage' },
      bodyLimit: 16 * 1024,
      preValidation: strictBody(PatchBody),
      schema: { summary: 'Make a user of your office inactive (their sessions end, their tokens stop working) or active again', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }), body: PatchBody, response: { 200: ManagedUser, ...errors } },
    },
    async (request) => {
      const me = principalOf(request).user;
      const user = await users.get(request.params.id);
      if (!user || user.officeId !== me.officeId) throw new ApiError('UNKNOWN', `your office has no user ${request.params.id}`);
      if (user.id === me.id && !request.body.active) throw new ApiError('CONFLICT', 'you cannot make yourself inactive: another supervisor does that');
      await users.setActive(user.id, request.body.active);
      if (!request.body.active) await sessions.deleteForUser(user.id);
      await access.audit.record(readerOf(request), { action: request.body.active ? 'users.enable' : 'users.disable', route: routeOf(request), ids: [user.id] });
      return userJson({ ...user, active: request.body.active });
    },
  );
};
