import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { IdentityFillInput, IdentityFillTarget } from '@birth/shared';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import { route } from '../../libraries/operation';
import { apiRouter } from '../../libraries/router';
import { OPERATIONS } from '../openapi/operations';
import type { ApplicationsService } from '../applications';
import type { AuthService } from './auth.service';

/**
 * `POST /api/v1/applications/:id/verified-identity` (`If-Match`, `{ into: ['mother'] }`): writes the
 * parent's verified name and phone into their draft on the server, so they reach the form without ever
 * being sent to the phone in clear. Answers like a draft PATCH: the application (phone masked) and its ETag.
 */
export function identityFillRouter(
  auth: AuthService,
  applications: ApplicationsService,
  signer: TokenSigner,
  parentLimit: Middleware,
): Router {
  const router = apiRouter('/api/v1/applications/:id/verified-identity');
  router.use(requireRole(signer, 'parent'), parentLimit);
  route(router, OPERATIONS.fillVerifiedIdentity, async (ctx) => {
    const owner = (ctx.state.principal as Principal).sub;
    const input = (ctx.request as unknown as { body: IdentityFillInput }).body;
    const patch = await auth.identityPatch(owner, input.into as IdentityFillTarget[]);
    const doc = await applications.updateDraft(owner, ctx.params.id, ctx.get('if-match') || undefined, patch);
    ctx.set('ETag', applications.etagOf(doc.version));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = applications.view(doc);
  });
  return router;
}
