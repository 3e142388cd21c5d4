import { apiRouter } from '../../libraries/router';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import { AppError } from '../../libraries/errors';
import { requireJson } from '../../libraries/http';
import { idempotencyKeyFrom, type IdempotencyStore } from '../../libraries/idempotency';
import type { ApplicationsService } from './applications.service';

const owner = (ctx: Context) => (ctx.state.principal as Principal).sub;

/** A JSON object body (or none, where allowed); field rules are the shared schemas' job. */
function objectBody(ctx: Context, optional = false): Record<string, unknown> {
  if (optional && !ctx.request.length && !ctx.get('content-type')) return {};
  const body = requireJson(ctx);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('VALIDATION_FAILED', '请求内容应为一个 JSON 对象', {
      errors: [{ path: '', message: '请求内容应为一个 JSON 对象' }],
    });
  }
  return body as Record<string, unknown>;
}

export function applicationsRouter(
  service: ApplicationsService,
  signer: TokenSigner,
  idempotency: IdempotencyStore,
  parentLimit: Middleware,
): Router {
  const router = apiRouter('/api/v1/applications');
  router.use(requireRole(signer, 'parent'), parentLimit);

  router.post('/', async (ctx) => {
    const doc = await service.createDraft(owner(ctx), objectBody(ctx, true));
    ctx.status = 201;
    ctx.set('ETag', service.etagOf(doc.version));
    ctx.set('Location', `/api/v1/applications/${doc._id}`);
    ctx.body = service.view(doc);
  });

  router.get('/', async (ctx) => {
    ctx.body = { applications: await service.list(owner(ctx)) };
  });

  router.get('/:id', async (ctx) => {
    const doc = await service.get(owner(ctx), ctx.params.id);
    ctx.set('ETag', service.etagOf(doc.version));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = service.view(doc);
  });

  router.patch('/:id', async (ctx) => {
    const doc = await service.updateDraft(owner(ctx), ctx.params.id, ctx.get('if-match') || undefined, objectBody(ctx));
    ctx.set('ETag', service.etagOf(doc.version));
    ctx.body = service.view(doc);
  });

  router.delete('/:id', async (ctx) => {
    await service.withdraw(owner(ctx), ctx.params.id);
    ctx.status = 204;
  });

  router.post('/:id/submit', async (ctx) => {
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

  router.get('/:id/progress', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.progress(owner(ctx), ctx.params.id);
  });

  router.post('/:id/items/:itemKey/resubmit', async (ctx) => {
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
