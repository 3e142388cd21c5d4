import { apiRouter } from '../../libraries/router';
import type Router from '@koa/router';
import { DEFAULT_GUIDE, Guide } from '@birth/shared';
import { staticJson } from '../../libraries/responses';

/** GET /api/v1/guide: the simple guide (standard appendix C), hospitals, pickup points, item catalogue. */
export function guideRouter(guide: Guide = DEFAULT_GUIDE): Router {
  const router = apiRouter('/api/v1');
  // A bad configured guide fails at start, not on a parent's phone; it is serialised and compressed once.
  const body = staticJson(Guide.parse(guide));
  router.get('/guide', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
