import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import { idempotencyKeyFrom, type IdempotencyStore } from '../../libraries/idempotency';
import type { ApplicationsService } from './applications.service';

const owner = (ctx: Context) => (ctx.state.principal as Principal).sub;

/** The JSON object body the registry's checks let through (field rules are the service's, on the merged draft). */
const objectBody = (ctx: Context) => (ctx.request as unknown as { body: Record<string, unknown> }).body;

export function applicationsRouter(
  service: ApplicationsService,
  signer: TokenSigner,
  idempotency: IdempotencyStore,
  parentLimit: Middleware,
): Router {
  const router = apiRouter('/api/v1/applications');
  router.use(requireRole(signer, 'parent'), parentLimit);

  route(router, OPERATIONS.createApplication, async (ctx) => {
    const doc = await service.createDraft(owner(ctx), objectBody(ctx));
    ctx.status = 201;
    ctx.set('ETag', service.etagOf(doc.version));
    ctx.set('Location', `/api/v1/applications/${doc._id}`);
    ctx.body = service.view(doc);
  });

  route(router, OPERATIONS.listApplications, async (ctx) => {
    ctx.body = { applications: await service.list(owner(ctx)) };
  });

  route(router, OPERATIONS.getApplication, async (ctx) => {
    const doc = await service.get(owner(ctx), ctx.params.id);
    ctx.set('ETag', service.etagOf(doc.version));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = service.view(doc);
  });

  route(router, OPERATIONS.updateApplication, async (ctx) => {
    const doc = await service.updateDraft(owner(ctx), ctx.params.id, ctx.get('if-match') || undefined, objectBody(ctx));
    ctx.set('ETag', service.etagOf(doc.version));
    ctx.body = service.view(doc);
  });

  route(router, OPERATIONS.withdrawApplication, async (ctx) => {
    await service.withdraw(owner(ctx), ctx.params.id);
    ctx.status = 204;
  });

  route(router, OPERATIONS.submitApplication, async (ctx) => {
    const key = idempotencyKeyFrom(ctx.get('idempotency-key') || undefined);
    const id = ctx.params.id;
    const result = await idempotency.run(`parent:${owner(ctx)}`, key, { op: 'submit', id }, async () => {
      const doc = await service.submit(owner(ctx), id, key);
      return { status: 202, body: service.view(doc) };
    });
    ctx.status = result.status;
    if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = result.body;
  });

  route(router, OPERATIONS.getProgress, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.progress(owner(ctx), ctx.params.id);
  });

  route(router, OPERATIONS.resubmitItem, async (ctx) => {
    const body = objectBody(ctx);
    const run = async () => ({
      status: 200,
      body: service.view(await service.resubmitItem(owner(ctx), ctx.params.id, ctx.params.itemKey, body)),
    });
    const header = ctx.get('idempotency-key');
    const result = header
      ? await idempotency.run(
          `parent:${owner(ctx)}`,
          idempotencyKeyFrom(header),
          { op: 'resubmit', id: ctx.params.id, item: ctx.params.itemKey, body },
          run,
        )
      : { ...(await run()), replayed: false };
    ctx.status = result.status;
    ctx.body = result.body;
  });

  return router;
}
