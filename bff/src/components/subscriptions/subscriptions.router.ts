import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Connection } from 'mongoose';
import type { SubscriptionInput } from '@birth/shared';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import type { FieldCrypto } from '../../libraries/crypto';
import { AppError } from '../../libraries/errors';
import { route } from '../../libraries/operation';
import { apiRouter } from '../../libraries/router';
import { OPERATIONS } from '../openapi/operations';
import type { IdentityProvider } from '../../providers/identity/identity-provider';
import { isProviderError } from '../../providers/provider-error';
import type { SubscriptionsStore } from './subscriptions.store';

export type SubscriptionsRouterDeps = {
  connection: Connection;
  signer: TokenSigner;
  crypto: FieldCrypto;
  store: SubscriptionsStore;
  identity: Partial<Record<'wechat' | 'alipay', Pick<IdentityProvider, 'exchange'>>>;
  /** The subscribe-message template ids the app may report, per platform (from PUSH_TEMPLATES). */
  templateIds: (platform: 'wechat' | 'alipay') => ReadonlySet<string>;
  /** Outside production without a login adapter, the code is taken as the platform user id (dev push). */
  devIdentity: boolean;
  parentLimit: Middleware;
};

/**
 * `POST /api/v1/subscriptions`: the results of a subscribe-message prompt. The one-time login code in the
 * body is exchanged for the platform user id, which must be the logged-in parent's own (the same blind index
 * as at login): a parent cannot direct messages to somebody else's account.
 * `GET /api/v1/subscriptions`: unspent credits per template.
 */
export function subscriptionsRouter(deps: SubscriptionsRouterDeps): Router {
  const router = apiRouter('/api/v1/subscriptions');
  const balance = (ownerId: string) =>
    deps.store.balance(
      ownerId,
      (['wechat', 'alipay'] as const).map((platform) => ({ platform, templateIds: deps.templateIds(platform) })),
    );
  router.use(requireRole(deps.signer, 'parent'), deps.parentLimit);

  async function platformUser(ownerId: string, platform: 'wechat' | 'alipay', code: string): Promise<string> {
    const provider = deps.identity[platform];
    if (!provider) {
      if (deps.devIdentity) return code;
      throw new AppError('DEPENDENCY_UNAVAILABLE', '该平台的消息订阅暂未开通', { headers: { 'Retry-After': '3600' } });
    }
    let subject: string;
    try {
      subject = (await provider.exchange(code)).subject;
    } catch (err) {
      if (isProviderError(err) && (err.kind === 'invalid_code' || err.kind === 'user_refused'))
        throw new AppError('UNAUTHENTICATED', '登录凭证已失效，请重新打开小程序后再订阅');
      throw new AppError('DEPENDENCY_UNAVAILABLE', '订阅服务繁忙，请稍后再试', { headers: { 'Retry-After': '5' } });
    }
    const parent = await deps.connection.collection<{ _id: string; subjectIndex: string }>('parents').findOne({ _id: ownerId });
    if (!parent || parent.subjectIndex !== deps.crypto.blindIndex(`${platform}:${subject}`, 'login.subject'))
      throw new AppError('FORBIDDEN', '订阅所用的账号与当前登录的账号不一致，请重新登录后再订阅');
    return subject;
  }

  route(router, OPERATIONS.recordSubscriptions, async (ctx: Context) => {
    const ownerId = (ctx.state.principal as Principal).sub;
    const input = (ctx.request as unknown as { body: SubscriptionInput }).body;
    const known = deps.templateIds(input.platform);
    const unknown = input.results
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => !known.has(r.templateId))
      .map(({ i }) => ({ path: `results.${i}.templateId`, message: '该模板不是本服务的订阅消息模板，请更新小程序后重试。' }));
    if (unknown.length) throw new AppError('VALIDATION_FAILED', `有 ${unknown.length} 个模板编号无法识别`, { errors: unknown });
    const toUser = await platformUser(ownerId, input.platform, input.code);
    const added = await deps.store.record(ownerId, input.platform, toUser, input.results);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = { platform: input.platform, accepted: added, subscriptions: await balance(ownerId) };
  });

  route(router, OPERATIONS.listSubscriptions, async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { subscriptions: await balance((ctx.state.principal as Principal).sub) };
  });
  return router;
}
