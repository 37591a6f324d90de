/**
 * Who a credential is: sign-in (name + password → a session), a session cookie's or an API
 * token's secret → the principal, sign-out, and one's tokens. No HTTP here (access-control.ts
 * reads the request, access-plugin.ts serves the routes).
 */
import { normalizeLabel, normalizeUserName, sessionState, touchDue } from '../core/access/credential-rules.js';
import { permissionsOf, type Permission, type Role } from '../core/access/roles.js';
import type { OfficeId } from '../core/office.js';
import type { Clock } from '../platform/clock.js';
import type { AccessStores, ApiTokenRecord, UserRecord } from './access-store.js';
import type { AccessSettings } from './access-settings.js';
import { PasswordHasher } from './password-hash.js';
import { newSecret, parseSecret, sameHash } from './secret-token.js';

/** A user as the rest of the service sees them: never their password hash. */
export interface AccessUser {
  id: string;
  name: string;
  displayName: string;
  role: Role;
  officeId: OfficeId;
  officerId: string | null;
}

/** Who makes a request, and with what credential. */
export interface Principal {
  user: AccessUser;
  permissions: ReadonlySet<Permission>;
  via: { kind: 'session'; sessionId: string; expiresAt: Date } | { kind: 'token'; tokenId: string };
}

export const userOf = (u: UserRecord): AccessUser => ({ id: u.id, name: u.name, displayName: u.displayName, role: u.role, officeId: u.officeId, officerId: u.officerId });

const principal = (user: UserRecord, via: Principal['via']): Principal => ({ user: userOf(user), permissions: new Set(permissionsOf(user.role)), via });

/** Where a sign-in comes from. */
export interface SignInOrigin {
  address: string | null;
  userAgent: string | null;
}

/** A token as its owner sees it (never its secret, never its hash). */
export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const tokenView = (t: ApiTokenRecord): ApiTokenView => ({ id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt });

export class TooManyTokensError extends Error {
  override name = 'TooManyTokensError';
}

export class AccessService {
  constructor(
    private readonly stores: AccessStores,
    private readonly clock: Clock,
    private readonly settings: AccessSettings,
    readonly hasher: PasswordHasher = new PasswordHasher(),
  ) {}

  /**
   * A new session for the name and password, or null when they are wrong (unknown name, wrong
   * password, inactive user: one answer, in the same time). A hash made with older parameters is
   * replaced now that the password is known.
   */
  async signIn(name: string, password: string, origin: SignInOrigin): Promise<{ principal: Principal; secret: string; sessionId: string } | null> {
    const user = await this.stores.users.findByName(normalizeUserName(name));
    if (!user) return this.hasher.verifyNobody(password).then(() => null);
    const good = await this.hasher.verify(user.passwordHash, password);
    if (!good || !user.active) return null;
    if (this.hasher.needsRehash(user.passwordHash)) await this.stores.users.setPasswordHash(user.id, await this.hasher.hash(password));
    const now = this.clock.now();
    const { id, secret, hash } = newSecret('session');
    await this.stores.sessions.create({ id, userId: user.id, secretHash: hash, createdAt: now, address: origin.address, userAgent: origin.userAgent?.slice(0, 500) ?? null });
    const state = sessionState({ createdAt: now, lastSeenAt: now }, now, this.settings.session);
    const expiresAt = state.kind === 'active' ? state.expiresAt : now;
    return { principal: principal(user, { kind: 'session', sessionId: id, expiresAt }), secret, sessionId: id };
  }

  /** The principal of a session cookie's value; null when it is unknown, expired (then removed) or its user inactive. */
  async fromSession(presented: string): Promise<Principal | null> {
    const parsed = parseSecret('session', presented);
    if (!parsed) return null;
    const found = await this.stores.sessions.find(parsed.id);
    if (!found || !sameHash(found.session.secretHash, parsed.hash) || !found.user.active) return null;
    const now = this.clock.now();
    const state = sessionState(found.session, now, this.settings.session);
    if (state.kind === 'expired') {
      await this.stores.sessions.delete(found.session.id);
      return null;
    }
    if (state.touch) await this.stores.sessions.touch(found.session.id, now);
    return principal(found.user, { kind: 'session', sessionId: found.session.id, expiresAt: state.expiresAt });
  }

  /** The principal of an API token; null when it is unknown, revoked or its user inactive. */
  async fromToken(presented: string): Promise<Principal | null> {
    const parsed = parseSecret('token', presented);
    if (!parsed) return null;
    const found = await this.stores.tokens.find(parsed.id);
    if (!found || !sameHash(found.token.secretHash, parsed.hash) || found.token.revokedAt !== null || !found.user.active) return null;
    const now = this.clock.now();
    if (touchDue(found.token.lastUsedAt, now, this.settings.session)) await this.stores.tokens.markUsed(found.token.id, now);
    return principal(found.user, { kind: 'token', tokenId: found.token.id });
  }

  /** Ends the principal's session (a token's principal has none to end): whether one was ended. */
  async signOut(who: Principal): Promise<boolean> {
    return who.via.kind === 'session' ? this.stores.sessions.delete(who.via.sessionId) : false;
  }

  /** A new API token for the principal's user: its secret is in the answer, and nowhere else ever. */
  async createToken(who: Principal, name: string): Promise<{ token: ApiTokenView; secret: string }> {
    if ((await this.stores.tokens.countActive(who.user.id)) >= this.settings.maxTokensPerUser) {
      throw new TooManyTokensError(`${who.user.name} holds ${this.settings.maxTokensPerUser} API tokens already, the most one may: revoke one first (DELETE /tokens/:id)`);
    }
    const { id, secret, hash } = newSecret('token');
    const token = await this.stores.tokens.create({ id, userId: who.user.id, name: normalizeLabel(name), secretHash: hash, createdAt: this.clock.now() });
    return { token: tokenView(token), secret };
  }

  async listTokens(who: Principal): Promise<ApiTokenView[]> {
    return (await this.stores.tokens.listForUser(who.user.id)).map(tokenView);
  }

  /** Revokes one of the principal's own tokens; null when they have none of that id. */
  async revokeToken(who: Principal, id: string): Promise<ApiTokenView | null> {
    const token = await this.stores.tokens.revoke(id, who.user.id, this.clock.now());
    return token ? tokenView(token) : null;
  }

  /** Removes expired sessions (run now and then; an expired session is refused whether removed or not). */
  async purgeExpiredSessions(): Promise<number> {
    const now = this.clock.now().getTime();
    const { idleTimeoutMs, absoluteTimeoutMs } = this.settings.session;
    return this.stores.sessions.deleteExpired({ idleBefore: new Date(now - idleTimeoutMs), createdBefore: new Date(now - absoluteTimeoutMs) });
  }
}
