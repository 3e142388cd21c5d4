import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import { DEFAULT_GUIDE, Guide } from '@birth/shared';

/** GET /api/v1/guide: the simple guide (standard appendix C), hospitals, pickup points, item catalogue. */
export function guideRouter(guide: Guide = DEFAULT_GUIDE): Router {
  const router = apiRouter('/api/v1');
  const body = Guide.parse(guide); // a bad configured guide fails at start, not on a parent's phone
  route(router, OPERATIONS.getGuide, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
