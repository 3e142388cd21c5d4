import { apiRouter } from '../../libraries/router';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { ClientCredentialsInput, LoginInput, RefreshInput } from '@birth/shared';
import { parseInput, requireJson } from '../../libraries/http';
import type { AuthService } from './auth.service';

export function authRouter(service: AuthService, loginLimit: Middleware): Router {
  const router = apiRouter('/api/v1');
  router.post('/auth/login', loginLimit, async (ctx) => {
    ctx.body = await service.login(parseInput(LoginInput, requireJson(ctx)));
  });
  router.post('/auth/refresh', loginLimit, async (ctx) => {
    ctx.body = await service.refresh(parseInput(RefreshInput, requireJson(ctx)));
  });
  router.post('/dept/auth/token', loginLimit, (ctx) => {
    ctx.body = service.clientToken(parseInput(ClientCredentialsInput, requireJson(ctx)), 'department');
  });
  router.post('/admin/auth/token', loginLimit, (ctx) => {
    ctx.body = service.clientToken(parseInput(ClientCredentialsInput, requireJson(ctx)), 'operator');
  });
  return router;
}
