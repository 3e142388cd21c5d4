import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import { DEFAULT_GUIDE, Guide, SubscribeTemplates, type GuideResponse } from '@birth/shared';

/**
 * GET /api/v1/guide: the simple guide (standard appendix C), hospitals, pickup points, item catalogue, and
 * the subscribe-message templates the mini programs ask for after a submit (configuration, not secrets).
 */
export function guideRouter(
  guide: Guide = DEFAULT_GUIDE,
  subscribeTemplates: SubscribeTemplates = { wechat: [], alipay: [] },
): Router {
  const router = apiRouter('/api/v1');
  // A bad configured guide fails at start, not on a parent's phone.
  const body: GuideResponse = { ...Guide.parse(guide), subscribeTemplates: SubscribeTemplates.parse(subscribeTemplates) };
  route(router, OPERATIONS.getGuide, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
