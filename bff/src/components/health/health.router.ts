import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import type { Connection } from 'mongoose';
import { AppError } from '../../libraries/errors';
import { pingDatabase } from '../../libraries/mongo';

/** /healthz: the process runs. /readyz: the database answers (a load balancer stops routing on 503). */
export function healthRouter(connection: Connection): Router {
  const router = apiRouter();
  route(router, OPERATIONS.health, (ctx) => {
    ctx.body = { status: 'ok' };
  });
  route(router, OPERATIONS.ready, async (ctx) => {
    if (!(await pingDatabase(connection))) {
      throw new AppError('DEPENDENCY_UNAVAILABLE', '数据库暂时无法连接，请稍后再试', { headers: { 'Retry-After': '5' } });
    }
    ctx.body = { status: 'ready' };
  });
  return router;
}
