import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import { DEFAULT_GUIDE, Guide, SubscribeTemplates, type GuideResponse } from '@birth/shared';
import { staticJson } from '../../libraries/responses';

/**
 * GET /api/v1/guide: the simple guide (standard appendix C), hospitals, pickup points, item catalogue, and
 * the subscribe-message templates the mini programs ask for after a submit (configuration, not secrets).
 */
export function guideRouter(
  guide: Guide = DEFAULT_GUIDE,
  subscribeTemplates: SubscribeTemplates = { wechat: [], alipay: [] },
): Router {
  const router = apiRouter('/api/v1');
  // A bad configured guide fails at start, not on a parent's phone; it is serialised and compressed once.
  const body = staticJson({
    ...Guide.parse(guide),
    subscribeTemplates: SubscribeTemplates.parse(subscribeTemplates),
  } satisfies GuideResponse);
  route(router, OPERATIONS.getGuide, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
