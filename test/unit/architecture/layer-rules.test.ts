/**
 * The layer rules of eslint.config.js, run the way `npm run lint` runs them: small sources linted
 * as if they sat at a path in src/ (nothing is written). Each forbidden import or AMI name is
 * reported; the allowed neighbour is not.
 */
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const LAYER_RULES = new Set(['import-x/no-restricted-paths', 'no-restricted-imports', 'no-restricted-syntax', 'no-restricted-globals']);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layer-rule messages for `code` linted as the file at `filePath` (from the repository root). */
async function layerErrors(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}`, warnIgnored: true });
  const messages = result?.messages ?? [];
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`${filePath} did not parse: ${fatal.map((m) => m.message).join('; ')}`);
  return messages.filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId));
}

async function expectForbidden(filePath: string, code: string, ruleId: string, message?: RegExp) {
  const errors = await layerErrors(filePath, code);
  expect(errors.map((e) => e.ruleId), `${filePath}: ${code}`).toContain(ruleId);
  if (message) expect(errors.find((e) => e.ruleId === ruleId)?.message).toMatch(message);
}

async function expectAllowed(filePath: string, code: string) {
  expect(await layerErrors(filePath, code), `${filePath}: ${code}`).toEqual([]);
}

describe('core imports nothing in src/ outside src/core, and no Node built-in', () => {
  it.each([
    ['a feature type', 'src/core/x.ts', "import type { CallRecord } from '../calls/call-record.js'; export type X = CallRecord;"],
    ['platform, from a subfolder', 'src/core/call/x.ts', "import { systemClock } from '../../platform/clock.js'; export const c = systemClock;"],
    ['a re-export', 'src/core/call/x.ts', "export { CallTracker } from '../../calls/call-tracker.js';"],
    ['a dynamic import', 'src/core/call/x.ts', "export const load = () => import('../../schedule/schedule-file.js');"],
    ['the PBX layer', 'src/core/x.ts', "import { PbxClock } from '../pbx/asterisk/pbx-clock.js'; export const c = PbxClock;"],
    ['the Prisma client', 'src/core/x.ts', "import type { PrismaClient } from '../generated/prisma/client.js'; export type P = PrismaClient;"],
  ])('%s (%s) is reported', async (_what, filePath, code) => {
    await expectForbidden(filePath, code, 'import-x/no-restricted-paths', /src\/core is the ground floor/);
  });

  it.each(['node:fs', 'fs', 'node:fs/promises', 'node:net', 'http', 'node:child_process', 'node:crypto', 'node:test'])('importing %s is reported', async (module) => {
    await expectForbidden('src/core/schedule/x.ts', `import * as m from '${module}'; export const n = m;`, 'no-restricted-imports', /src\/core is pure/);
  });

  it.each([
    ['Date.now()', 'no-restricted-syntax'],
    ['new Date()', 'no-restricted-syntax'],
    ['Math.random()', 'no-restricted-syntax'],
    ['process.env.TZ', 'no-restricted-globals'],
    ['setTimeout(() => {}, 1)', 'no-restricted-globals'],
  ])('%s in core is reported', async (expression, ruleId) => {
    await expectForbidden('src/core/call/x.ts', `export const v = () => ${expression};`, ruleId);
  });

  it('core importing core (any depth), and dates passed in, are allowed', async () => {
    await expectAllowed(
      'src/core/call/x.ts',
      [
        "import { DEFAULT_OFFICE_ID } from '../office.js';",
        "import type { CallSnapshot } from './call-model.js';",
        "import type { Schedule } from '../schedule/schedule-model.js';",
        'export const at = (iso: string, s?: CallSnapshot, t?: Schedule) => [new Date(iso), DEFAULT_OFFICE_ID, s, t];',
      ].join('\n'),
    );
  });

  it('features may import core', async () => {
    await expectAllowed('src/calls/x.ts', "import type { CallSnapshot } from '../core/call/call-model.js'; export type S = CallSnapshot;");
  });
});

describe('only src/pbx knows the AMI client', () => {
  it.each([
    ['src/app/x.ts', "import { AmiClient } from '../pbx/ami/ami-client.js'; export const a = AmiClient;"],
    ['src/cli/x.ts', "import { AmiClient } from '../pbx/ami/index.js'; export const a = AmiClient;"],
    ['src/dialplan/x.ts', "import type { AmiFrame } from '../pbx/ami/ami-frame.js'; export type F = AmiFrame;"],
    ['src/platform/db/x.ts', "import { AmiTimeoutError } from '../../pbx/ami/errors.js'; export const e = AmiTimeoutError;"],
  ])('from %s: %s is reported', async (filePath, code) => {
    await expectForbidden(filePath, code, 'import-x/no-restricted-paths', /only src\/pbx knows the AMI client/);
  });

  it('src/pbx itself may use it, and the rest may use what src/pbx exposes above it', async () => {
    await expectAllowed('src/pbx/asterisk/x.ts', "import { AmiClient } from '../ami/index.js'; export const a = AmiClient;");
    await expectAllowed('src/app/x.ts', "import { PbxClock } from '../pbx/asterisk/pbx-clock.js'; export const c = PbxClock;");
  });

  it('tests may use it', async () => {
    await expectAllowed('test/unit/x.test.ts', "import { AmiClient } from '../../src/pbx/ami/ami-client.js'; export const a = AmiClient;");
  });
});

describe('AMI action, event and header names stop in src/pbx', () => {
  const names = ['Linkedid', 'Uniqueid', 'DestUniqueid', 'CoreShowChannels', 'Originate', 'Ping', 'DialStatus', 'ChannelStateDesc', 'ActionID', 'DialBegin', 'Newchannel'];

  it.each(names)("the string '%s' outside src/pbx is reported", async (name) => {
    await expectForbidden('src/app/x.ts', `export const f = (m: { get(n: string): string }) => m.get('${name}');`, 'no-restricted-syntax', /AMI names stop in src\/pbx/);
  });

  it.each([
    ['a template string', 'export const a = `Linkedid`;'],
    ['an object key', "export const action = { Action: 'x', ActionID: '1' };"],
    ['a property read', 'export const id = (e: Record<string, string>) => e.Uniqueid;'],
    ['a type member', 'export interface Frame { DestUniqueid: string }'],
  ])('as %s outside src/pbx it is reported', async (_what, code) => {
    await expectForbidden('src/dialplan/x.ts', code, 'no-restricted-syntax');
  });

  it('is reported in stores and in core too', async () => {
    await expectForbidden('src/calls/prisma-call-store.ts', "export const h = 'Linkedid';", 'no-restricted-syntax');
    await expectForbidden('src/core/call/x.ts', "export const h = 'Linkedid';", 'no-restricted-syntax');
  });

  it('is allowed in src/pbx and in tests; words that only contain a name are not names', async () => {
    const code = "export const f = (m: { get(n: string): string }) => [m.get('Linkedid'), m.get('DialStatus'), `CoreShowChannels`];";
    await expectAllowed('src/pbx/asterisk/x.ts', code);
    await expectAllowed('test/unit/pbx/x.test.ts', code);
    await expectAllowed('src/app/x.ts', "export const m = ['Ping timed out', 'linkedid', 'Event', 'Response'];");
  });
});

describe('Prisma appears only in stores and src/platform/db', () => {
  it.each([
    ['src/calls/x.ts', "import type { PrismaClient } from '../generated/prisma/client.js'; export type P = PrismaClient;", 'import-x/no-restricted-paths'],
    ['src/app/x.ts', "import { PrismaClient } from '../generated/prisma/client.js'; export const p = PrismaClient;", 'import-x/no-restricted-paths'],
    ['src/platform/outbox/x.ts', "import type { PrismaClient } from '../../generated/prisma/client.js'; export type P = PrismaClient;", 'import-x/no-restricted-paths'],
    ['src/calls/call-store.ts', "import type { CallLogEntry } from '../generated/prisma/models.js'; export type R = CallLogEntry;", 'import-x/no-restricted-paths'],
    ['src/app/x.ts', "import { PrismaPg } from '@prisma/adapter-pg'; export const p = PrismaPg;", 'no-restricted-imports'],
    ['src/calls/x.ts', "import { Prisma } from '@prisma/client'; export const p = Prisma;", 'no-restricted-imports'],
    ['src/app/x.ts', "import { PrismaPGlite } from 'pglite-prisma-adapter'; export const p = PrismaPGlite;", 'no-restricted-imports'],
  ])('from %s: %s is reported', async (filePath, code, ruleId) => {
    await expectForbidden(filePath, code, ruleId, /Prisma appears only in stores/);
  });

  it('stores and src/platform/db may use it', async () => {
    await expectAllowed('src/calls/prisma-call-store.ts', "import type { PrismaClient } from '../generated/prisma/client.js'; export type P = PrismaClient;");
    await expectAllowed('src/roster/prisma-roster-store.ts', "import type { PrismaClient } from '../generated/prisma/client.js'; export type P = PrismaClient;");
    await expectAllowed(
      'src/platform/db/x.ts',
      "import { PrismaClient } from '../../generated/prisma/client.js'; import { PrismaPg } from '@prisma/adapter-pg'; export const p = [PrismaClient, PrismaPg];",
    );
  });
});

describe('src/platform knows no feature', () => {
  it.each([
    ['src/platform/outbox/x.ts', "import type { CallStore } from '../../calls/call-store.js'; export type S = CallStore;"],
    ['src/platform/db/x.ts', "import type { DisciplineStore } from '../../discipline/discipline-store.js'; export type S = DisciplineStore;"],
    ['src/platform/http/x.ts', "import { app } from '../../app/http-app.js'; export const a = app;"],
  ])('from %s: %s is reported', async (filePath, code) => {
    await expectForbidden(filePath, code, 'import-x/no-restricted-paths', /src\/platform is plumbing every feature shares/);
  });

  it('platform may import core and itself', async () => {
    await expectAllowed('src/platform/outbox/x.ts', "import type { OfficeId } from '../../core/office.js'; import { EventBus } from '../events/event-bus.js'; export type O = OfficeId; export const b = EventBus;");
  });
});

describe('the web console shares only src/core with the service', () => {
  it('a store or a service is reported', async () => {
    await expectForbidden('web/src/views/x.ts', "import { CallService } from '../../../src/calls/call-service.js'; export const s = CallService;", 'import-x/no-restricted-paths', /the web console shares only src\/core/);
  });

  it('the core is allowed', async () => {
    await expectAllowed('web/src/views/x.ts', "import { DUTY_LOG_LABELS } from '../../../src/core/duty-log/duty-log-entry'; export const l = DUTY_LOG_LABELS;");
  });
});
