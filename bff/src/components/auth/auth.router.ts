import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { ClientCredentialsInput, LoginInput, RefreshInput } from '@birth/shared';
import type { AuthService } from './auth.service';

/** The body as the registry's schema parsed it. */
const body = <T>(ctx: Context) => (ctx.request as unknown as { body: T }).body;

export function authRouter(service: AuthService, loginLimit: Middleware): Router {
  const router = apiRouter('/api/v1');
  route(router, OPERATIONS.login, loginLimit, async (ctx) => {
    ctx.body = await service.login(body<LoginInput>(ctx));
  });
  route(router, OPERATIONS.refresh, loginLimit, async (ctx) => {
    ctx.body = await service.refresh(body<RefreshInput>(ctx));
  });
  route(router, OPERATIONS.departmentToken, loginLimit, (ctx) => {
    ctx.body = service.clientToken(body<ClientCredentialsInput>(ctx), 'department');
  });
  route(router, OPERATIONS.operatorToken, loginLimit, (ctx) => {
    ctx.body = service.clientToken(body<ClientCredentialsInput>(ctx), 'operator');
  });
  return router;
}
