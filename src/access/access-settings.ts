/** What access control can be told (the config's `access` section, see the README's Configuration). */
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from '../core/access/credential-rules.js';

export interface AccessSettings {
  session: SessionPolicy;
  cookie: {
    /** The session cookie's name. */
    name: string;
    /** Send it only over HTTPS (set it when the API is served over TLS, directly or behind a proxy). */
    secure: boolean;
  };
  signIn: {
    /** Failed sign-ins of one name from one address allowed in failureWindowMs; the next is 429. */
    maxFailures: number;
    failureWindowMs: number;
    /** Sign-in attempts from one address per minute, failed or not (each costs a password hash). */
    attemptsPerMinute: number;
  };
  /** API tokens a user may hold at once (not revoked). */
  maxTokensPerUser: number;
}

export const DEFAULT_ACCESS_SETTINGS: AccessSettings = {
  session: DEFAULT_SESSION_POLICY,
  cookie: { name: 'dh_session', secure: false },
  signIn: { maxFailures: 5, failureWindowMs: 15 * 60_000, attemptsPerMinute: 30 },
  maxTokensPerUser: 20,
};

/** The defaults with `overrides` applied, section by section. */
export function accessSettings(overrides: { [K in keyof AccessSettings]?: Partial<AccessSettings[K]> } = {}): AccessSettings {
  const d = DEFAULT_ACCESS_SETTINGS;
  return {
    session: { ...d.session, ...overrides.session },
    cookie: { ...d.cookie, ...overrides.cookie },
    signIn: { ...d.signIn, ...overrides.signIn },
    maxTokensPerUser: overrides.maxTokensPerUser ?? d.maxTokensPerUser,
  };
}

/** The settings of the config's `access` section. */
export function accessSettingsOf(config: {
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  cookieName: string;
  cookieSecure: boolean;
  signInMaxFailures: number;
  signInWindowMinutes: number;
  signInAttemptsPerMinute: number;
  maxTokensPerUser: number;
}): AccessSettings {
  return accessSettings({
    session: { idleTimeoutMs: config.sessionIdleMinutes * 60_000, absoluteTimeoutMs: config.sessionMaxHours * 3600_000 },
    cookie: { name: config.cookieName, secure: config.cookieSecure },
    signIn: { maxFailures: config.signInMaxFailures, failureWindowMs: config.signInWindowMinutes * 60_000, attemptsPerMinute: config.signInAttemptsPerMinute },
    maxTokensPerUser: config.maxTokensPerUser,
  });
}
