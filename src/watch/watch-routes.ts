/**
 * The periods duty-hotline was not watching the office's PBX:
 *
 *   GET /watch-gaps?from&to   reports:read   gaps overlapping [from, to), oldest first (to null: going on)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ViewerOf } from '../access/viewer.js';
import type { OfficeId } from '../core/office.js';
import { WATCH_GAP_LABELS, WATCH_GAP_REASONS, type WatchGap } from '../core/watch/watch-gap.js';
import { badRequest } from '../platform/http/errors.js';
import { parseRange } from '../platform/http/range.js';
import { DateTime, ErrorAnswers, Nullable } from '../platform/http/schemas.js';

const MAX_DAYS = 400;

const Query = Type.Object(
  {
    from: Type.String({ format: 'date-time', maxLength: 40, description: 'inclusive (ISO-8601)' }),
    to: Type.String({ format: 'date-time', maxLength: 40, description: `exclusive (ISO-8601), at most ${MAX_DAYS} days after from` }),
  },
  { additionalProperties: false },
);
const Gap = Type.Object({ from: DateTime, to: Nullable(DateTime), reason: Type.Enum([...WATCH_GAP_REASONS]), label: Type.String() });

export const watchRoutes: FastifyPluginAsyncTypebox<{ gaps: (officeId: OfficeId, from: Date, to: Date) => Promise<WatchGap[]>; viewerOf: ViewerOf }> = async (app, { gaps, viewerOf }) => {
  app.get(
    '/watch-gaps',
    {
      config: { permission: 'reports:read' },
      schema: { summary: 'When duty-hotline was not watching the PBX (服务未运行, 与交换机断开): calls then may be missing from the log', querystring: Query, response: { 200: Type.Object({ items: Type.Array(Gap) }), ...ErrorAnswers } },
    },
    async (request) => {
      const { from, to } = parseRange(request.query) as { from: Date; to: Date };
      if (to.getTime() - from.getTime() > MAX_DAYS * 24 * 3600_000) throw badRequest(`'to' may be at most ${MAX_DAYS} days after 'from'`);
      const viewer = await viewerOf(request);
      const items = await gaps(viewer.user.officeId, from, to);
      return { items: items.map((g) => ({ from: g.from.toISOString(), to: g.to?.toISOString() ?? null, reason: g.reason, label: WATCH_GAP_LABELS[g.reason] })) };
    },
  );
};
