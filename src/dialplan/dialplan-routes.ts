/**
 * The generated dialplan's state, for ops:
 *
 *   GET /dialplan   dialplan:manage   rendered now vs the live PBX's folder (per file: lines to add and remove, the diff), and what the PBX loaded
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../access/access-control.js';
import { ErrorAnswers } from '../platform/http/schemas.js';
import { Nullable } from '../platform/json-schema.js';
import { DIFF_MAX_LINES, dialplanState, type DialplanStateDeps } from './dialplan-state.js';

const State = Type.Object({
  scheduleFile: Type.String(),
  liveDir: Type.String({ description: 'the live PBX generated-dialplan folder (schedule.liveDir)' }),
  years: Type.Array(Type.Integer()),
  renderError: Nullable(Type.String({ description: 'why nothing could be rendered' })),
  upToDate: Type.Boolean({ description: 'the live folder holds what would be rendered now' }),
  files: Type.Array(
    Type.Object({
      name: Type.String(),
      live: Type.Boolean(),
      rendered: Type.Boolean(),
      added: Type.Integer(),
      removed: Type.Integer(),
      diff: Type.String({ description: `diff -u live → rendered, at most ${DIFF_MAX_LINES} lines` }),
      diffTruncated: Type.Boolean(),
    }),
  ),
  pbx: Type.Object({ checked: Type.Boolean(), error: Nullable(Type.String()), problems: Type.Array(Type.String(), { description: 'contexts of the live files the PBX has not loaded whole' }) }),
});

export const dialplanRoutes: FastifyPluginAsyncTypebox<{ dialplan: DialplanStateDeps }> = async (app, { dialplan }) => {
  app.get(
    '/dialplan',
    {
      config: { permission: 'dialplan:manage' },
      schema: {
        summary: 'The generated dialplan (拨号方案): what would be rendered now from the schedule and the holiday calendar against the live PBX folder, and whether the PBX loaded every context of it. Apply changes with duty-hotline dialplan apply.',
        response: { 200: State, ...ErrorAnswers },
      },
    },
    async (request) => dialplanState(dialplan, principalOf(request).user.officeId),
  );
};
