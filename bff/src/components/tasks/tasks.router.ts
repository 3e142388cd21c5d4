import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import { AppError } from '../../libraries/errors';
import { requireJson } from '../../libraries/http';
import type { TasksService } from './tasks.service';

const principal = (ctx: Context) => ctx.state.principal as Principal;

export function tasksRouter(service: TasksService, signer: TokenSigner): Router {
  const router = apiRouter('/api/v1/dept/tasks');
  router.use(requireRole(signer, 'department'));

  route(router, OPERATIONS.listTasks, async (ctx) => {
    const q = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : undefined);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.list(principal(ctx), { status: q('status'), limit: q('limit'), cursor: q('cursor') });
  });

  route(router, OPERATIONS.getTask, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.get(principal(ctx), ctx.params.taskId);
  });

  route(router, OPERATIONS.taskEvent, async (ctx) => {
    const result = await service.applyEvent(principal(ctx), ctx.params.taskId, requireJson(ctx));
    if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = result.task;
  });
  return router;
}

export function adminRouter(service: TasksService, signer: TokenSigner): Router {
  const router = apiRouter('/api/v1/admin');
  router.use(requireRole(signer, 'operator'));
  route(router, OPERATIONS.sla, async (ctx) => {
    const raw = ctx.query.withinHours;
    const withinHours = raw === undefined ? 8 : Number(raw);
    if (!Number.isFinite(withinHours) || withinHours < 0 || withinHours > 24 * 14) {
      throw new AppError('VALIDATION_FAILED', '参数有误', {
        errors: [{ path: 'query.withinHours', message: 'withinHours 应为 0–336 之间的小时数' }],
      });
    }
    ctx.body = await service.sla(withinHours);
  });
  return router;
}
