import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { IdentityFillInput, type IdentityFillTarget } from '@birth/shared';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import { parseInput, requireJson } from '../../libraries/http';
import { apiRouter } from '../../libraries/router';
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
  router.post('/', async (ctx) => {
    const owner = (ctx.state.principal as Principal).sub;
    const input = parseInput(IdentityFillInput, requireJson(ctx));
    const patch = await auth.identityPatch(owner, input.into as IdentityFillTarget[]);
    const doc = await applications.updateDraft(owner, ctx.params.id, ctx.get('if-match') || undefined, patch);
    ctx.set('ETag', applications.etagOf(doc.version));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = applications.view(doc);
  });
  return router;
}
