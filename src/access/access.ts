/**
 * Access control composed from its stores: the service (credentials), the HTTP check, the audit
 * trail. src/app builds one and hands it to installAccessControl (`access.check`), to
 * accessPlugin (the routes) and to the services that audit reads (`access.audit`).
 */
import { systemClock, type Clock } from '../platform/clock.js';
import { AccessControl } from './access-control.js';
import { AccessService } from './access-service.js';
import type { AccessSettings } from './access-settings.js';
import { DEFAULT_ACCESS_SETTINGS } from './access-settings.js';
import type { AccessStores } from './access-store.js';
import { AuditTrail } from './audit-trail.js';
import { PasswordHasher } from './password-hash.js';

export interface Access {
  settings: AccessSettings;
  stores: AccessStores;
  service: AccessService;
  control: AccessControl;
  audit: AuditTrail;
  /** The access check of every request (installAccessControl's second argument). */
  check: AccessControl['check'];
}

export interface AccessDeps {
  stores: AccessStores;
  clock?: Clock;
  settings?: AccessSettings;
  hasher?: PasswordHasher;
}

export function createAccess({ stores, clock = systemClock, settings = DEFAULT_ACCESS_SETTINGS, hasher = new PasswordHasher() }: AccessDeps): Access {
  const audit = new AuditTrail(stores.audit, clock);
  const service = new AccessService(stores, clock, settings, hasher);
  const control = new AccessControl(service, settings, audit);
  return { settings, stores, service, control, audit, check: control.check };
}
