import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import { requireJson } from '../../libraries/http';
import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import { idempotencyKeyFrom, type IdempotencyStore } from '../../libraries/idempotency';
import type { RatingsService } from './ratings.service';

const principal = (ctx: Context) => ctx.state.principal as Principal;
const q = (ctx: Context, name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : undefined);

/** Parents: `POST|GET /api/v1/applications/:id/ratings`. */
export function parentRatingsRouter(
  service: RatingsService,
  signer: TokenSigner,
  idempotency: IdempotencyStore,
  parentLimit: Middleware,
): Router {
  const router = apiRouter('/api/v1/applications/:id/ratings');
  router.use(requireRole(signer, 'parent'), parentLimit);

  route(router, OPERATIONS.rate, async (ctx) => {
    const owner = principal(ctx).sub;
    const body = requireJson(ctx);
    const run = async () => ({ status: 201, body: await service.rate(owner, ctx.params.id, body) });
    // A phone may retry: with an Idempotency-Key the retry gets the first answer; without, a second rating is 409.
    const header = ctx.get('idempotency-key');
    const result = header
      ? await idempotency.run(`parent:${owner}`, idempotencyKeyFrom(header), { op: 'rate', id: ctx.params.id, body }, run)
      : { ...(await run()), replayed: false };
    if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.set('Cache-Control', 'no-store');
    ctx.status = result.status;
    ctx.body = result.body;
  });

  route(router, OPERATIONS.listRatings, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.listForParent(principal(ctx).sub, ctx.params.id);
  });
  return router;
}

/** Departments: their items' ratings, their cases, the audited call-back number and case events. */
export function departmentRatingsRouter(service: RatingsService, signer: TokenSigner): Router {
  const router = apiRouter('/api/v1/dept/ratings');
  router.use(requireRole(signer, 'department'));

  route(router, OPERATIONS.listDepartmentRatings, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.listForDepartment(principal(ctx), { limit: q(ctx, 'limit'), before: q(ctx, 'before') });
  });

  route(router, OPERATIONS.listDepartmentCases, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.listCasesForDepartment(principal(ctx), { status: q(ctx, 'status') });
  });

  route(router, OPERATIONS.getDepartmentCase, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.getCaseForDepartment(principal(ctx), ctx.params.caseId);
  });

  route(router, OPERATIONS.getCaseContact, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.callbackContact(principal(ctx), ctx.params.caseId);
  });

  route(router, OPERATIONS.caseEvent, async (ctx) => {
    const result = await service.applyCaseEvent(principal(ctx), ctx.params.caseId, requireJson(ctx));
    if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = result.case;
  });
  return router;
}

/** Operators: cases and their deadlines, appeal decisions, statistics. */
export function adminRatingsRouter(service: RatingsService, signer: TokenSigner): Router {
  const router = apiRouter('/api/v1/admin/ratings');
  router.use(requireRole(signer, 'operator'));

  route(router, OPERATIONS.listOperatorCases, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.listCasesForOperator({
      status: q(ctx, 'status'),
      department: q(ctx, 'department'),
      overdue: q(ctx, 'overdue'),
    });
  });

  route(router, OPERATIONS.decideAppeal, async (ctx) => {
    const result = await service.decideAppeal(principal(ctx), ctx.params.caseId, requireJson(ctx));
    if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = result.case;
  });

  route(router, OPERATIONS.ratingStats, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.stats({ from: q(ctx, 'from'), to: q(ctx, 'to') });
  });
  return router;
}
